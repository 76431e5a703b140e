"""Linking 10,000 articles against parsing them, in one run.

Texts are real news from the dev sets (ECB+ and GeoWebNews), repeated with light variations
(another date, a changed number, a trailing outlet line, shuffled middle sentences) until there are
--n of them: the mix of copies, near-copies and distinct stories a news crawl has. Linking is timed
whole (features, MinHash/LSH, clustering, provenance, writes) on a store holding the articles;
Sitroom's full parse (`sitroom.nlp.parse`: spaCy's whole pipeline on numpy's BLAS with the parser and
NER stepped, faster than stock spaCy) is timed on a sample (--parse-sample) and scaled to --n, since
parsing 10,000 articles takes several minutes on this machine. Each link batch (5,000 articles) is
timed too: with --n 50000 every batch extends the ~240 stories of the ones before, and a batch that
costs more than the one before shows work growing with what is stored. With --ahead the articles' link
features and MinHash band keys are computed and saved before the link is timed (their seconds printed
apart), as a batch run's workers and writer do while the parse runs: the link timed is then the serial
part at the end of a batch run. Usage:

    python benchmarks/bench_link.py --dev ../shared/data/dev [--n 10000] [--parse-sample 300] [--ahead]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from datetime import date, timedelta
from pathlib import Path


def base_texts(dev: Path) -> list[str]:
    from sitroom.eval.stories import undouble

    texts = []
    for rel in ("stories/ecbplus_docs.jsonl", "places/geowebnews.jsonl"):
        with open(dev / rel, encoding="utf-8") as f:
            texts += [undouble(json.loads(line)["text"]) for line in f if line.strip()]
    return [t for t in texts if len(t) > 200]


def variants(texts: list[str], n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """(ref, published, text): each base text in several versions over a year of dates."""
    rng = random.Random(seed)
    out = []
    start = date(2024, 1, 1)
    i = 0
    while len(out) < n:
        t = texts[i % len(texts)]
        day = start + timedelta(days=(i * 37) % 365)
        kind = rng.random()
        if kind < 0.3:  # a copy with an outlet line
            t = t + f"\n\nShared by outlet {rng.randint(1, 500)}."
        elif kind < 0.6:  # changed numbers and a reordered middle
            t = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), t)
            sents = t.split(". ")
            if len(sents) > 4:
                mid = sents[1:-1]
                rng.shuffle(mid)
                t = ". ".join([sents[0], *mid, sents[-1]])
        out.append((f"bench-{i}", day.isoformat(), t + f"\n\n#{i}"))
        i += 1
    return out


def time_link(rows: list[tuple[str, str, str]], ahead: bool = False) -> tuple[float, dict]:
    """Seconds to link `rows` on a store that holds them, with counts and each batch's seconds (with
    `ahead`, their link features saved first, as a batch run's workers make them)."""
    from sitroom.ingest import from_text
    from sitroom.link import link_articles, stored
    from sitroom.records import ArticleResult
    from sitroom.store import open_store

    with open_store(":memory:") as store:
        store.write(ArticleResult(article=from_text(t, ref=r, published=p)) for r, p, t in rows)
        t0 = time.perf_counter()
        ids = [i for (i,) in store.con.execute("SELECT id FROM articles").fetchall()] if ahead else []
        for k in range(0, len(ids), stored.BATCH):
            part = ids[k : k + stored.BATCH]
            feats = stored.article_features(stored.articles(store, part), stored.mentions(store, part))
            stored.save(store, stored.with_bands(stored.feature_table(list(feats.values()))))
        ahead_s = time.perf_counter() - t0
        marks = [time.perf_counter()]
        counts = link_articles(store, on_batch=lambda placed, todo: marks.append(time.perf_counter()))
        took = time.perf_counter() - marks[0]
        stories = store.con.execute("SELECT count(*) FROM stories").fetchall()[0][0]
    batches = [round(b - a, 1) for a, b in zip(marks, marks[1:], strict=False)]
    info = {
        "stories": stories,
        "copies": counts.copies,
        "rewrites": counts.rewrites,
        "batches": batches,
        "ahead_s": ahead_s,
    }
    return took, info


def time_parse(texts: list[str]) -> float:
    from sitroom.nlp import load, parse

    nlp = load()
    list(parse(nlp, texts[:10]))  # warm up
    t0 = time.perf_counter()
    for _ in parse(nlp, texts, batch_size=32):
        pass
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=Path("../shared/data/dev"))
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--parse-sample", type=int, default=300)
    ap.add_argument("--ahead", action="store_true", help="save the link features first (as workers do)")
    a = ap.parse_args()
    rows = variants(base_texts(a.dev), a.n)
    words = sum(len(t.split()) for _, _, t in rows)
    link_s, info = time_link(rows, a.ahead)
    sample = [t for _, _, t in rows[: a.parse_sample]]
    parse_s = time_parse(sample) * len(rows) / len(sample)
    print(
        f"articles: {len(rows)} ({words} words); stories: {info['stories']}, "
        f"copies {info['copies']}, rewrites {info['rewrites']}"
    )
    if a.ahead:
        print(f"link features saved ahead (a batch run's workers do this): {info['ahead_s']:.1f} s")
    print(f"link: {link_s:.1f} s ({len(rows) / link_s:.0f} articles/s); batch by batch: {info['batches']} s")
    print(f"full parse (scaled from {len(sample)}): {parse_s:.1f} s")
    print(f"link / parse time ratio: {link_s / parse_s:.3f}")


if __name__ == "__main__":
    main()
