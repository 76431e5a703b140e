"""Throughput of `sitroom batch` against plain spaCy, on the same real articles, in one run.

Sides, each in its own process tree (so peak memory and CPU time are its own):
  spacy        plain `nlp.pipe` of the full sm pipeline, one process (model load and warm-up not timed)
  batch1       `sitroom batch --engine local --workers 1` (full parse)
  batch1-cas   the same with the cascade (parse only sentences that can hold an event)
  batch2-cas   `--workers 2`
  dask2-cas    `--engine dask --workers 2` (LocalCluster); skipped when dask is not installed
Batch times are end to end: planning, worker start and model load, parsing, Parquet shards, the
DuckDB load and story linking. CPU seconds (all processes of a side) are printed too: on a shared
machine they move less than wall time. Usage:

    python benchmarks/bench_batch.py --dev ../shared/data/dev [--n 400] [--sides spacy,batch1,...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIDES = ("spacy", "batch1", "batch1-cas", "batch2-cas", "dask2-cas")
GDELT_DAY = (100_000, 250_000)


def corpus(dev: Path, n: int) -> list[str]:
    """Real news texts (GeoWebNews, ECB+), repeated with a copy mark when `n` asks for more (the mark
    keeps copies distinct: Sitroom would skip an exact copy as a known article)."""
    texts: list[str] = []
    for rel in ("places/geowebnews.jsonl", "stories/ecbplus_docs.jsonl"):
        with open(dev / rel, encoding="utf-8") as f:
            texts += [t for t in (json.loads(line)["text"] for line in f if line.strip()) if t.strip()]
    out = [t if k == 0 else f"{t}\n\n(copy {k})" for k in range(n // len(texts) + 1) for t in texts]
    return out[:n]


def write_corpus(texts: list[str], folder: Path, files: int = 8) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(files):
        with open(folder / f"part{k:02d}.jsonl", "w", encoding="utf-8") as f:
            for i, t in enumerate(texts[k::files]):
                f.write(json.dumps({"id": f"bench-{k}-{i}", "text": t, "published": "2024-05-03"}) + "\n")


def side_spacy(texts: list[str], batch: int) -> dict:
    from sitroom.nlp import load

    nlp = load()
    list(nlp.pipe(texts[:8]))  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts, batch_size=batch):
        pass
    secs = time.perf_counter() - t0
    return {
        "seconds": secs,
        "cpu_s": time.process_time() - c0,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers": 1,
    }


def side_batch(folder: Path, work: Path, *, engine: str, workers: int, cascade: bool) -> dict:
    from sitroom.batch import run_batch
    from sitroom.config import load

    settings = load(cascade=cascade)
    rep = run_batch(
        [str(folder)],
        work / "out",
        engine=engine,
        workers=workers,
        db=str(work / "bench.duckdb"),
        settings=settings,
        target_bytes=150_000,
    )
    assert rep.ok, rep
    return {
        "seconds": rep.seconds,
        "events": rep.events,
        "peak_mb": max(rep.peak_mb.values(), default=0),
        "workers": len(rep.peak_mb),
    }


def run_side(side: str, args: argparse.Namespace, folder: Path, texts_n: int) -> dict | None:
    if side == "dask2-cas":
        from sitroom.batch.engines import dask_available

        if not dask_available():
            print("dask2-cas: skipped (dask[distributed] is not installed)", file=sys.stderr)
            return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = [sys.executable, __file__, "--side", side, "--folder", str(folder), "--dev", str(args.dev)]
    cmd += ["--n", str(texts_n), "--batch", str(args.batch)]
    p = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise SystemExit(f"{side} failed:\n{p.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = json.loads(p.stdout.strip().splitlines()[-1])
    out["cpu_s_tree"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=Path("../shared/data/dev"))
    ap.add_argument("--n", type=int, default=400, help="articles (the dev texts repeat past ~400)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--sides", default=",".join(SIDES))
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.side:
        texts = corpus(a.dev, a.n)
        if a.side == "spacy":
            res = side_spacy(texts, a.batch)
        else:
            engine = "dask" if a.side.startswith("dask") else "local"
            workers = 2 if "2" in a.side else 1
            with tempfile.TemporaryDirectory(prefix="sitroom-bench-") as tmp:
                res = side_batch(a.folder, Path(tmp), engine=engine, workers=workers, cascade="cas" in a.side)
        print(json.dumps(res))
        return
    if not (a.dev / "places/geowebnews.jsonl").exists():
        sys.exit(f"bench: {a.dev} is absent; the benchmark reads real articles from the dev sets")
    texts = corpus(a.dev, a.n)
    words = sum(len(t.split()) for t in texts)
    load0 = os.getloadavg()
    print(
        f"{len(texts)} articles, {words:,} words; load average {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}"
    )
    tmp = Path(tempfile.mkdtemp(prefix="sitroom-bench-corpus-"))
    rows: dict[str, dict] = {}
    try:
        write_corpus(texts, tmp / "corpus")
        for side in a.sides.split(","):
            got = run_side(side, a, tmp / "corpus", len(texts))
            if got is None:
                continue
            got["articles_per_s"] = len(texts) / got["seconds"]
            got["words_per_s"] = words / got["seconds"]
            got["words_per_cpu_s"] = words / got.get("cpu_s", got["cpu_s_tree"])  # spaCy: timed part only
            rows[side] = got
            print(
                f"{side:11s} {got['seconds']:7.1f} s  {got['articles_per_s']:6.2f} articles/s  "
                f"{got['words_per_s']:7,.0f} words/s  {got['words_per_cpu_s']:7,.0f} words/CPU-s  "
                f"peak {got['peak_mb']:.0f} MB/worker  events {got.get('events', '-')}",
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
    if "batch1" in rows and "batch1-cas" in rows:
        ratios["cascade gain (batch1-cas/batch1)"] = (
            rows["batch1-cas"]["words_per_s"] / rows["batch1"]["words_per_s"]
        )
    for two in ("batch2-cas", "dask2-cas"):
        if two in rows and "batch1-cas" in rows:
            ratios[f"{two}/batch1-cas"] = rows[two]["words_per_s"] / rows["batch1-cas"]["words_per_s"]
    for k, v in ratios.items():
        print(f"ratio {k}: {v:.2f}x")
    best = max((r["articles_per_s"] for s, r in rows.items() if s != "spacy"), default=0)
    if best:
        per_day = best * 86_400
        lo, hi = (d / per_day for d in GDELT_DAY)
        print(
            f"GDELT day: one machine like this one does {per_day:,.0f} articles/day at the best batch rate; "
            f"{GDELT_DAY[0]:,}-{GDELT_DAY[1]:,} articles need {lo:.2f}-{hi:.2f} machines (x1.5 headroom: "
            f"{max(1, round(lo * 1.5 + 0.499))}-{max(1, round(hi * 1.5 + 0.499))})"
        )
    if a.json:
        a.json.write_text(
            json.dumps(
                {
                    "articles": len(texts),
                    "words": words,
                    "load": [load0, load1],
                    "sides": rows,
                    "ratios": ratios,
                },
                indent=1,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
