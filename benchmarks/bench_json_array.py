"""A big JSON array walked element by element (`sitroom.ingest.jsonarray`) against `json.load` of the
whole file, on the same file, each in its own process (so peak memory is its own).

The file holds the dev sets' real articles as records, repeated up to `--mb` megabytes. Sides:
  json-load  `json.load` of the whole file (what the whole read did up to 200 MB): time, peak memory
  plan       `sitroom batch` planning: the array's cuts at element starts for 4 MB partitions
  read       `sitroom.ingest.read` of the whole file: every record made an Article (no parse)

    python benchmarks/bench_json_array.py --dev ../shared/data/dev [--mb 300] [--keep FILE]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_batch import corpus

SIDES = ("json-load", "plan", "read")


def write_array(dev: Path, path: Path, mb: int) -> int:
    texts = corpus(dev, 2000)
    n = size = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write("[\n")
        while size < mb * 1_000_000:
            rec = json.dumps({"id": f"a{n}", "text": texts[n % len(texts)], "published": "2024-05-01"})
            f.write(("" if n == 0 else ",\n") + rec)
            size, n = size + len(rec) + 2, n + 1
        f.write("\n]\n")
    return n


def side(name: str, path: Path) -> dict:
    t = time.perf_counter()
    if name == "json-load":
        with open(path, "rb") as f:
            n = len(json.load(f))
    elif name == "plan":
        from sitroom.ingest.sources import array_spans

        with open(path, "rb") as f:
            n = len(array_spans(f, 4_000_000) or [])
    else:
        from sitroom.ingest import read

        n = sum(1 for x in read([str(path)]) if type(x).__name__ == "Article")
    return {
        "side": name,
        "seconds": round(time.perf_counter() - t, 2),
        "count": n,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=Path("../shared/data/dev"))
    ap.add_argument("--mb", type=int, default=300)
    ap.add_argument("--keep", type=Path, help="write the file here (and reuse it when it is there)")
    ap.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.side:
        print(json.dumps(side(a.side, a.file)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = a.keep or Path(tmp) / "array.json"
        if not path.exists():
            print(f"wrote {write_array(a.dev, path, a.mb):,} records", file=sys.stderr)
        print(f"{path.stat().st_size / 1e6:,.0f} MB JSON array")
        for name in SIDES:
            cmd = [sys.executable, __file__, "--side", name, "--file", str(path)]
            got = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
            what = {"json-load": "records", "plan": "cuts", "read": "articles"}[name]
            line = f"{name:10} {got['seconds']:7.2f} s  {got['count']:>9,} {what:8}"
            print(f"{line}  peak {got['peak_mb']:,} MB")


if __name__ == "__main__":
    main()
