"""Throughput of `sitroom batch` against plain spaCy, on the same real articles, in one run (issue #7).

The corpus is the real news articles of the dev sets (GeoWebNews, ECB+, GeoVirus: 626 articles),
repeated up to `--n` articles (default 2,000) with a copy mark, so that every copy has its own id
(Sitroom skips an exact copy as a known article). Repeats warm the per-word caches of the batch side
(lemmas, trigger look-ups, gazetteer) more than new text would; plain spaCy has no such caches.

Sides, each in its own process tree (so peak memory and CPU time are its own):
  spacy        plain `nlp.pipe` of the full sm pipeline over the same texts, one process (model load
               and warm-up not in its rate): stock `spacy.load`, matrix products on blis as shipped
  spacy-numpy  the same with the matrix products on numpy's BLAS, one thread (`sitroom.nlp.blas`, as
               Sitroom runs it): the share of the gain that is only the BLAS
  spacy-steps  numpy's BLAS and the parser and NER stepped from Python (`sitroom.nlp.steps`): the
               fastest plain full parse we know, so the remaining gap is the cascade's and the stages'
  batch1       `sitroom batch --engine local --workers 1` (full parse)
  batch1-cas   the same with the cascade (parse only sentences that can hold an event)
  batch2-cas   `--workers 2`
  dask2-cas    `--engine dask --workers 2` (LocalCluster); skipped when dask is not installed
  split2-cas   not a mode of Sitroom: two separate 1-worker batches, each on half the files and its own
               store, run at once; the time of the slower. What two processes get from this host when
               nothing is serial (each links only its half): the ceiling for batch2-cas / batch1-cas
Default sides: all but batch1 (~8 min a round on 2 idle cores; `make bench` runs two rounds).
The batch sides plan partitions as `sitroom batch` does by default (one worker: 4 MB, here one
partition; two workers: an eighth of each worker's share, ~200 KB here). Batch times are end to end:
planning, worker start and model load, parsing, Parquet shards, the DuckDB load and story linking, so
the main ratios hold the batch's start-up against spaCy's bare `nlp.pipe`; "both timed from start"
also counts spaCy's import, model load and warm-up. CPU seconds (all processes of a side) are printed
too: on a shared machine they move less than wall time. Usage:

    python benchmarks/bench_batch.py --dev ../shared/data/dev [--n 2000] [--sides spacy,batch1,...] \
        [--repeat 2] [--json figures.json] [--out BENCHMARKS.md]   # --out: a row in its batch table
    python benchmarks/bench_batch.py --dev ../shared/data/dev --recall   # cascade event recall
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from results_table import add_row

SIDES = (
    "spacy",
    "spacy-numpy",
    "spacy-steps",
    "batch1",
    "batch1-cas",
    "batch2-cas",
    "dask2-cas",
    "split2-cas",
)
DEFAULT_SIDES = "spacy,spacy-numpy,spacy-steps,batch1-cas,batch2-cas,dask2-cas,split2-cas"
ARTICLES = ("places/geowebnews.jsonl", "stories/ecbplus_docs.jsonl", "places/geovirus.jsonl")
RECALL_SETS = {
    "geowebnews": "places/geowebnews.jsonl",
    "ecbplus": "stories/ecbplus_docs.jsonl",
    "geovirus": "places/geovirus.jsonl",
    "plover": "events/plover_gsr.jsonl",
    "cameo": "events/cameo_examples.jsonl",
    "acled": "events/acled_snippets.jsonl",
}
GDELT_DAY = (100_000, 250_000)
# Our dev articles are short (~350 words); the day's articles are not measured here. The estimate runs
# from that many at this corpus's length to that many at LONG_ARTICLE words each: an assumption for long
# news stories, not a measured figure, so the high end is generous rather than exact.
LONG_ARTICLE = 800


def _texts(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [t for t in (json.loads(line).get("text", "") for line in f if line.strip()) if t.strip()]


def corpus(dev: Path, n: int) -> list[str]:
    """`n` real news texts, repeated with a copy mark when `n` asks for more than the dev sets hold."""
    texts = [t for rel in ARTICLES for t in _texts(dev / rel)]
    out = [t if k == 0 else f"{t}\n\n(copy {k})" for k in range(n // len(texts) + 1) for t in texts]
    return out[:n]


def write_corpus(texts: list[str], folder: Path, files: int = 8) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(files):
        with open(folder / f"part{k:02d}.jsonl", "w", encoding="utf-8") as f:
            for i, t in enumerate(texts[k::files]):
                f.write(json.dumps({"id": f"bench-{k}-{i}", "text": t, "published": "2024-05-03"}) + "\n")


def _self_mb() -> float:
    from sitroom.batch.work import peak_mb  # this process's own peak, not one inherited at fork

    return float(peak_mb())


def side_spacy(texts: list[str], batch: int, *, numpy_blas: bool, stepped: bool = False) -> dict:
    start = time.perf_counter()
    import contextlib

    import spacy

    from sitroom.config import load
    from sitroom.nlp import blas, steps

    nlp = spacy.load(load().model)  # stock: none of Sitroom's components or settings
    if numpy_blas:
        blas.use_numpy(nlp)
    list(nlp.pipe(texts[:8]))  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    with blas.one_thread() if numpy_blas else contextlib.nullcontext():
        if stepped:  # one batch at a time, as nlp.pipe streams
            for i in range(0, len(texts), batch):
                steps.pipe(nlp, texts[i : i + batch], batch_size=batch)
        else:
            for _ in nlp.pipe(texts, batch_size=batch):
                pass
    end = time.perf_counter()
    return {
        "seconds": end - t0,
        "from_start_s": end - start,  # with the imports, model load and warm-up
        "cpu_s": time.process_time() - c0,
        "peak_mb": _self_mb(),
        "driver_mb": _self_mb(),
        "workers": 1,
    }


def side_batch(folder: Path, work: Path, *, engine: str, workers: int, cascade: bool) -> dict:
    start = time.perf_counter()
    from sitroom.batch import run_batch
    from sitroom.config import load

    settings = load(cascade=cascade)
    rep = run_batch(
        [str(folder)],
        work / "out",
        engine=engine,
        workers=workers,
        db=str(work / "bench.duckdb"),
        settings=settings,  # partitions as `sitroom batch` plans them by default
    )
    assert rep.ok, rep
    return {
        "seconds": rep.seconds,
        "from_start_s": time.perf_counter() - start,
        "articles": rep.articles,
        "events": rep.events,
        "linked": rep.linked,
        "peak_mb": max(rep.peak_mb.values(), default=0),
        "driver_mb": _self_mb(),  # 1 worker: the worker is this process (with DuckDB and linking)
        "workers": len(rep.peak_mb),
    }


def run_side(side: str, args: argparse.Namespace, folder: Path, texts_n: int) -> dict | None:
    if side == "dask2-cas":
        from sitroom.batch.engines import dask_available

        if not dask_available():
            print("dask2-cas: skipped (dask[distributed] is not installed)", file=sys.stderr)
            return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    run = _split if side == "split2-cas" else functools.partial(_child, side)
    out = run(args, folder, texts_n)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["cpu_s_tree"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out["load"] = [load0, os.getloadavg()[0]]
    return out


def _cmd(side: str, args: argparse.Namespace, folder: Path, texts_n: int) -> list[str]:
    cmd = [sys.executable, __file__, "--side", side, "--folder", str(folder), "--dev", str(args.dev)]
    return cmd + ["--n", str(texts_n), "--batch", str(args.batch)]


def _result(side: str, p: subprocess.CompletedProcess | subprocess.Popen, stdout: str, stderr: str) -> dict:
    if p.returncode != 0:
        raise SystemExit(f"{side} failed:\n{stderr[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def _child(side: str, args: argparse.Namespace, folder: Path, texts_n: int) -> dict:
    p = subprocess.run(_cmd(side, args, folder, texts_n), capture_output=True, text=True, check=False)
    return _result(side, p, p.stdout, p.stderr)


def _split(args: argparse.Namespace, folder: Path, texts_n: int) -> dict:
    """Two 1-worker batches at once, on alternate files of the corpus (links to them in two folders)."""
    files = sorted(folder.iterdir())
    halves = [folder.parent / f"{folder.name}-half{k}" for k in range(2)]
    for k, half in enumerate(halves):
        shutil.rmtree(half, ignore_errors=True)
        half.mkdir()
        for f in files[k::2]:
            (half / f.name).symlink_to(f)
    try:
        procs = [
            subprocess.Popen(
                _cmd("batch1-cas", args, half, texts_n),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for half in halves
        ]
        got = [_result("split2-cas", p, *p.communicate()) for p in procs]
    finally:
        for half in halves:
            shutil.rmtree(half, ignore_errors=True)
    slow = max(got, key=lambda r: r["seconds"])
    return slow | {
        "articles": sum(r["articles"] for r in got),
        "events": sum(r["events"] for r in got),
        "peak_mb": max(r["peak_mb"] for r in got),
        "driver_mb": max(r["driver_mb"] for r in got),
        "workers": 2,
    }


def recall(dev: Path) -> dict:
    """Events of the cascade against parse-everything on each dev set (same article, trigger span and
    type), with how often the matched events keep their place, actors and date."""
    from sitroom.config import load
    from sitroom.ingest import from_text
    from sitroom.pipeline import process_articles

    out: dict[str, dict] = {}
    tot_full = tot_both = 0
    for name, rel in RECALL_SETS.items():
        if not (dev / rel).exists():
            continue
        arts = [
            from_text(t, ref=f"{name}{i}", published="2024-05-03") for i, t in enumerate(_texts(dev / rel))
        ]
        res, secs = {}, {}
        for cas in (False, True):
            c0 = time.process_time()
            res[cas] = {
                (r.article.id, e.evidence.trigger_start, e.evidence.trigger_end, e.event_type): e
                for r in process_articles(arts, load(cascade=cas))
                for e in r.events
            }
            secs[cas] = time.process_time() - c0
        full, cas = res[False], res[True]
        both = full.keys() & cas.keys()

        def same(f, both=both, full=full, cas=cas) -> float:
            return round(sum(f(full[k]) == f(cas[k]) for k in both) / max(1, len(both)), 4)

        out[name] = {
            "full": len(full),
            "cascade": len(cas),
            "matched": len(both),
            "recall": round(len(both) / max(1, len(full)), 4),
            "precision": round(len(both) / max(1, len(cas)), 4),
            "same_place": same(lambda e: e.location.gazetteer_id if e.location else None),
            "same_source": same(lambda e: tuple(a.name for a in e.source)),
            "same_target": same(lambda e: tuple(a.name for a in e.target)),
            "same_date": same(lambda e: e.date.value if e.date else None),
            "cpu_s_full": round(secs[False], 1),
            "cpu_s_cascade": round(secs[True], 1),
        }
        tot_full += len(full)
        tot_both += len(both)
        print(name, json.dumps(out[name]), flush=True)
    out["all"] = {"full": tot_full, "matched": tot_both, "recall": round(tot_both / max(1, tot_full), 4)}
    print("all", json.dumps(out["all"]), flush=True)
    return out


PAIRS = (
    ("batch1-cas", "spacy"),
    ("batch2-cas", "batch1-cas"),
    ("dask2-cas", "batch1-cas"),
    ("split2-cas", "batch1-cas"),
    ("batch2-cas", "split2-cas"),  # two workers' share of what two independent processes got
)


def gdelt_machines(rows: dict[str, dict], words_per_article: float) -> tuple[float, float] | None:
    """Machines like this one that a GDELT day needs at the best batch rate in words/s: GDELT_DAY[0]
    articles of this corpus's length up to GDELT_DAY[1] articles of LONG_ARTICLE words (or this
    corpus's length, if longer)."""
    modes = [r for s, r in rows.items() if not s.startswith(("spacy", "split"))]  # split: not a mode
    best = max((r["words_per_s"] for r in modes), default=0)
    if not best or not words_per_article:
        return None
    day = 86_400 * best
    lo = GDELT_DAY[0] * words_per_article / day
    hi = GDELT_DAY[1] * max(LONG_ARTICLE, words_per_article) / day
    return lo, hi


TABLE_HEAD = (
    "| run | articles | stock spaCy words/s | 1 worker words/s | per core | 2 workers words/s | 2 / 1 "
    "| Dask 2 / 1 | ceiling 2 / 1 | peak MB per worker | GDELT day (machines) |"
)


def _ratio(doc: dict, side: str, base: str) -> str:
    """Best run against best run, and the spread of the per-round ratios when there are several."""
    sides = doc["sides"]
    if side not in sides or base not in sides:
        return "–"
    best = sides[side]["words_per_s"] / sides[base]["words_per_s"]
    rounds = doc.get("per_round", {}).get(f"{side}/{base}", [])
    spread = f" ({min(rounds):.2f}–{max(rounds):.2f})" if len(rounds) > 1 else ""
    return f"{best:.2f}×{spread}"


def summary_row(doc: dict, label: str) -> str:
    """One line of the batch results table from a run's figures (the shape `--json` writes)."""
    sides = doc["sides"]

    def wps(side: str) -> str:
        return f"{sides[side]['words_per_s']:,.0f}" if side in sides else "–"

    peak = max((r["peak_mb"] for s, r in sides.items() if not s.startswith("spacy")), default=0)
    machines = gdelt_machines(sides, doc["words"] / doc["articles"])
    cells = [
        label,
        f"{doc['articles']:,}",
        wps("spacy"),
        wps("batch1-cas"),
        _ratio(doc, "batch1-cas", "spacy"),
        wps("batch2-cas"),
        _ratio(doc, "batch2-cas", "batch1-cas"),
        _ratio(doc, "dask2-cas", "batch1-cas"),
        _ratio(doc, "split2-cas", "batch1-cas"),
        f"{peak:.0f}" if peak else "–",
        f"{machines[0]:.2f}–{machines[1]:.2f}" if machines else "–",
    ]
    return "| " + " | ".join(cells) + " |"


def record(path: Path, doc: dict, label: str) -> None:
    """This run's row in the batch results table of `path` (BENCHMARKS.md)."""
    section = (
        "## Batch engine (`make bench`: `python benchmarks/bench_batch.py`)\n\n"
        "Real articles of the dev sets, repeated with a copy mark; every side in its own process, the sides "
        "alternating round by round; best run of each side, and in brackets the spread of the ratios "
        "within a round. 1 and 2 workers: `sitroom batch --cascade`, end to end (DuckDB load and story "
        "linking included); per core: 1 worker against stock spaCy `nlp.pipe`; ceiling: two 1-worker "
        "batches on half the files each, at once (not a mode of Sitroom). GDELT day: machines of this kind "
        "for 100,000 articles of this corpus's mean length to 250,000 of 800 words (rows before 2 December "
        "2026: of this corpus's length at both ends)."
    )
    add_row(path, TABLE_HEAD, summary_row(doc, label), section)


def per_round(rows: dict[str, dict]) -> dict[str, list[float]]:
    """Speed ratios of the sides run in the same round (the host drifts between rounds: a ratio within a
    round is the fairer one, and their spread says how sure a target is)."""
    out = {}
    for side, base in PAIRS:
        if side in rows and base in rows:
            pairs = zip(rows[base]["runs_s"], rows[side]["runs_s"], strict=False)
            out[f"{side}/{base}"] = [round(b / t, 3) for b, t in pairs]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=Path("../shared/data/dev"))
    ap.add_argument("--n", type=int, default=2000, help="articles (the 626 dev articles repeat past that)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--sides", default=DEFAULT_SIDES, help=f"any of {','.join(SIDES)}")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--out", type=Path, help="add this run's row to the batch table of this Markdown file")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the sides this many times, in turn forward and backward; "
        "each side's fastest run counts (the host's speed drifts over minutes)",
    )
    ap.add_argument("--recall", action="store_true", help="cascade event recall on the dev sets, then stop")
    ap.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.side:
        if a.side.startswith("spacy"):
            texts = corpus(a.dev, a.n)
            res = side_spacy(texts, a.batch, numpy_blas=a.side != "spacy", stepped=a.side == "spacy-steps")
        else:
            engine = "dask" if a.side.startswith("dask") else "local"
            workers = 2 if "2" in a.side else 1
            with tempfile.TemporaryDirectory(prefix="sitroom-bench-") as tmp:
                res = side_batch(a.folder, Path(tmp), engine=engine, workers=workers, cascade="cas" in a.side)
        print(json.dumps(res))
        return
    if not (a.dev / ARTICLES[0]).exists():
        sys.exit(f"bench: {a.dev} is absent; the benchmark reads real articles from the dev sets")
    if a.recall:
        got = recall(a.dev)
        if a.json:
            a.json.write_text(json.dumps(got, indent=1), encoding="utf-8")
        return
    texts = corpus(a.dev, a.n)
    words = sum(len(t.split()) for t in texts)
    load0 = os.getloadavg()
    print(
        f"{len(texts)} articles ({len({t.split(chr(10) + chr(10) + '(copy')[0] for t in texts})} distinct "
        f"texts), {words:,} words; load average {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}",
        flush=True,
    )
    tmp = Path(tempfile.mkdtemp(prefix="sitroom-bench-corpus-"))
    rows: dict[str, dict] = {}
    sides = a.sides.split(",")
    try:
        write_corpus(texts, tmp / "corpus")
        for side in (s for r in range(a.repeat) for s in (sides if r % 2 == 0 else sides[::-1])):
            got = run_side(side, a, tmp / "corpus", len(texts))
            if got is None:
                continue
            runs = [*rows.get(side, {}).get("runs_s", []), round(got["seconds"], 1)]
            if side in rows and rows[side]["seconds"] <= got["seconds"]:
                rows[side]["runs_s"] = runs
                print(f"{side:11s} {got['seconds']:7.1f} s  (slower than its best run)", flush=True)
                continue
            got["runs_s"] = runs
            cpu = got.get("cpu_s", got["cpu_s_tree"])  # spaCy: the timed part only
            got["articles_per_s"] = len(texts) / got["seconds"]
            got["words_per_s"] = words / got["seconds"]
            got["words_per_cpu_s"] = words / cpu
            rows[side] = got
            print(
                f"{side:11s} {got['seconds']:7.1f} s  {cpu:7.1f} CPU-s  "
                f"{got['articles_per_s']:6.2f} articles/s  "
                f"{got['words_per_s']:7,.0f} words/s  {got['words_per_cpu_s']:7,.0f} words/CPU-s  "
                f"from start {got['from_start_s']:6.1f} s  "
                f"peak {got['peak_mb']:.0f} MB/worker (driver {got['driver_mb']:.0f})  "
                f"events {got.get('events', '-')}  load {got['load'][0]:.2f}->{got['load'][1]:.2f}",
                flush=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load1 = os.getloadavg()
    print(f"load average after: {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")
    ratios = {}
    base = rows.get("spacy")
    for side, r in rows.items():
        if base and side != "spacy":
            ratios[f"{side}/spacy words/s"] = r["words_per_s"] / base["words_per_s"]
            ratios[f"{side}/spacy words/CPU-s"] = r["words_per_cpu_s"] / base["words_per_cpu_s"]
            ratios[f"{side}/spacy, both timed from start"] = base["from_start_s"] / r["from_start_s"]
    if "batch1" in rows and "batch1-cas" in rows:
        ratios["cascade gain (batch1-cas/batch1)"] = (
            rows["batch1-cas"]["words_per_s"] / rows["batch1"]["words_per_s"]
        )
    for two in ("batch2-cas", "dask2-cas", "split2-cas"):
        if two in rows and "batch1-cas" in rows:
            ratios[f"{two}/batch1-cas words/s"] = rows[two]["words_per_s"] / rows["batch1-cas"]["words_per_s"]
            ratios[f"{two}/batch1-cas words/CPU-s"] = (
                rows[two]["words_per_cpu_s"] / rows["batch1-cas"]["words_per_cpu_s"]
            )
    for k, v in ratios.items():
        print(f"ratio {k}: {v:.2f}x")
    for side, r in rows.items():
        print(f"runs of {side} (s): {r['runs_s']}")
    rounds = per_round(rows)
    for k, v in rounds.items():
        print(f"per round {k}: {', '.join(f'{x:.2f}x' for x in v)}")
    mean_words = words / len(texts)
    machines = gdelt_machines(rows, mean_words)
    if machines:
        lo, hi = machines
        per_day = GDELT_DAY[0] * mean_words / lo
        print(
            f"GDELT day: one machine like this one parses {per_day:,.0f} words/day at the best batch rate; "
            f"{GDELT_DAY[0]:,} articles of {mean_words:.0f} words to {GDELT_DAY[1]:,} of "
            f"{max(LONG_ARTICLE, mean_words):.0f} need {lo:.2f}-{hi:.2f} machines (x1.5 headroom: "
            f"{max(1, round(lo * 1.5 + 0.499))}-{max(1, round(hi * 1.5 + 0.499))})"
        )
    doc = {"articles": len(texts), "words": words, "load": [load0, load1], "sides": rows, "ratios": ratios}
    doc["per_round"] = rounds
    if a.json:
        a.json.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    if a.out:
        record(a.out, doc, f"{date.today().isoformat()}, `--n {a.n} --repeat {a.repeat}`")


if __name__ == "__main__":
    main()
