"""Throughput of Sitroom's pipeline against plain spaCy `nlp.pipe` on the same texts, same run.

Each side runs in its own process (so peak memory is its own), loads once, warms up on a few texts,
then is timed over the corpus. Usage:

    python benchmarks/bench_pipeline.py --dev ../shared/data/dev [--n 300] [--repeat 2] [--out BENCHMARKS.md]

`--out` adds a row for the run to the results table that ends the file (a new section when it ends otherwise).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from results_table import add_row


def corpus(dev: Path, n: int) -> list[str]:
    """Real news texts from the dev sets: GeoWebNews then ECB+ documents."""
    texts: list[str] = []
    for rel, key in (("places/geowebnews.jsonl", "text"), ("stories/ecbplus_docs.jsonl", "text")):
        with open(dev / rel, encoding="utf-8") as f:
            texts += [json.loads(line)[key] for line in f if line.strip()]
    return [t for t in texts if t.strip()][:n]


def worker(side: str, dev: Path, n: int, batch: int) -> dict:
    texts = corpus(dev, n)
    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    if side == "spacy":
        import spacy

        from sitroom.config import load

        nlp = spacy.load(load().model)  # stock spaCy: blis, none of Sitroom's components
        list(nlp.pipe(texts[:8]))  # warm-up
        load_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=batch):
            pass
    else:
        from sitroom.config import load as settings
        from sitroom.ingest import from_text
        from sitroom.pipeline import process_articles

        s = settings(batch_size=batch)
        warm = [from_text(t, ref=f"w{i}") for i, t in enumerate(texts[:8])]
        list(process_articles(warm, s))
        load_s = time.perf_counter() - t0
        arts = [from_text(t, ref=f"b{i}", published="2024-05-03") for i, t in enumerate(texts)]
        t1 = time.perf_counter()
        events = sum(len(r.events) for r in process_articles(arts, s))
    secs = time.perf_counter() - t1
    from sitroom.batch.work import peak_mb  # this process's own peak, not one inherited at fork

    out = {
        "side": side,
        "articles": len(texts),
        "words": words,
        "seconds": round(secs, 2),
        "articles_per_s": round(len(texts) / secs, 2),
        "words_per_s": round(words / secs),
        "load_s": round(load_s, 2),
        "peak_mb": peak_mb(),
    }
    if side == "sitroom":
        out["events"] = events
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=Path("../shared/data/dev"))
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=2, help="runs per side, alternating; the best counts")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--side", choices=["spacy", "sitroom"], help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.side:
        print(json.dumps(worker(a.side, a.dev, a.n, a.batch)))
        return
    if not (a.dev / "places/geowebnews.jsonl").exists():
        sys.exit(f"bench: {a.dev} is absent; the benchmark reads real articles from the dev sets")
    # Alternate the sides and keep each side's best run: this machine's speed drifts by ±10% between
    # minutes, and the order of the sides must not decide the ratio.
    runs: dict[str, dict] = {}
    for _ in range(a.repeat):
        for side in ("spacy", "sitroom"):
            cmd = [sys.executable, __file__, "--dev", str(a.dev), "--n", str(a.n), "--batch", str(a.batch)]
            p = subprocess.run([*cmd, "--side", side], capture_output=True, text=True, check=True)
            got = json.loads(p.stdout.strip().splitlines()[-1])
            print(json.dumps(got))
            if side not in runs or got["words_per_s"] > runs[side]["words_per_s"]:
                runs[side] = got
    ratio = runs["sitroom"]["words_per_s"] / runs["spacy"]["words_per_s"]
    print(f"ratio sitroom/spacy words/s: {ratio:.2f}x")
    if a.out:
        label = f"{date.today().isoformat()}, `--repeat {a.repeat}`"
        record(Path(a.out), runs["spacy"], runs["sitroom"], ratio, label)


TABLE_HEAD = "| run | plain spaCy words/s | Sitroom words/s | events | ratio |"


def record(path: Path, sp: dict, si: dict, ratio: float, label: str) -> None:
    """One row for this run in the results table of `path` (BENCHMARKS.md keeps them all in one table)."""
    row = f"| {label} | {sp['words_per_s']:,} | {si['words_per_s']:,} | {si['events']:,} | {ratio:.2f}× |"
    section = (
        f"## Whole pipeline, `sitroom run` path (`make bench`: `python benchmarks/bench_pipeline.py "
        f"--n {sp['articles']}`)\n\n{sp['articles']} real articles ({sp['words']:,} words) from "
        "GeoWebNews + ECB+, one process per run, sides alternating, best run of each side."
    )
    add_row(path, TABLE_HEAD, row, section)


if __name__ == "__main__":
    main()
