"""How much two parsing processes slow each other on this host: the bound on `2 workers / 1 worker`.

Each process loads the model, runs one partition of --n dev articles once to warm its caches, waits for
the others, then runs the same partition --passes times, timing each pass in CPU seconds (not wall
seconds: a pass that waits for a core is not counted). Rounds alternate one process alone and two at
once. Same code, same articles, warmed caches: CPU per pass rises only because the processes share the
machine (memory bandwidth, caches, or two vCPUs on one physical core). If two at once take X% more CPU
per pass, two workers cannot exceed 2 / (1 + X/100) times one worker, whatever Sitroom does. Usage:

    python benchmarks/bench_contention.py --dev ../shared/data/dev [--n 150] [--passes 3] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_batch import corpus


def one_process(path: Path, meet: Path, passes: int) -> list[float]:
    """This process's CPU seconds per pass over the partition at `path`: warmed up, it says so in the
    folder `meet` and starts when the file `go` appears there."""
    import os
    from dataclasses import replace

    from sitroom.batch.manifest import plan
    from sitroom.batch.work import process_partition
    from sitroom.config import load

    settings = replace(load(), cascade=True)
    part = plan([str(path)], target_bytes=1 << 40).partitions[0]

    def one_pass() -> float:
        with tempfile.TemporaryDirectory() as out:
            c = time.process_time()
            process_partition(part, out, settings)
            return time.process_time() - c

    one_pass()  # model, caches, expressions
    (meet / f"ready-{os.getpid()}").touch()
    while not (meet / "go").exists():
        time.sleep(0.01)
    return [one_pass() for _ in range(passes)]


def run(path: Path, processes: int, passes: int) -> list[float]:
    """CPU seconds per pass of `processes` processes started together, all passes of all of them."""
    with tempfile.TemporaryDirectory() as tmp:
        meet = Path(tmp)
        cmd = [sys.executable, __file__, "--child", str(path), "--meet", str(meet), "--passes", str(passes)]
        procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(processes)]
        while len(list(meet.glob("ready-*"))) < processes:
            if any(p.poll() not in (None, 0) for p in procs):
                raise SystemExit("a process failed while warming up")
            time.sleep(0.05)
        (meet / "go").touch()
        return [x for p in procs for x in json.loads(p.communicate()[0])]


def _bound(rise: float) -> float:
    """2 / 1 when each of two processes needs (1 + rise) times the CPU of one alone (no less: two
    processes cannot do better than twice one)."""
    return 2 / (1 + max(rise, 0.0))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=Path("../shared/data/dev"))
    ap.add_argument("--n", type=int, default=150, help="articles in the partition")
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--meet", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(one_process(a.child, a.meet, a.passes)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "part.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for i, t in enumerate(corpus(a.dev, a.n)):
                f.write(json.dumps({"id": f"c-{i}", "text": t, "published": "2024-05-03"}) + "\n")
        rises = []
        for r in range(1, a.rounds + 1):
            alone = run(path, 1, a.passes)
            pair = run(path, 2, a.passes)
            rise = statistics.mean(pair) / statistics.mean(alone) - 1
            rises.append(rise)
            print(
                f"round {r}: CPU-s per pass alone {' '.join(f'{x:.2f}' for x in alone)}; "
                f"two at once {' '.join(f'{x:.2f}' for x in pair)}; {rise:+.0%}, "
                f"so 2 / 1 at most {_bound(rise):.2f}x"
            )
    print(
        f"two processes take {min(rises):+.0%} to {max(rises):+.0%} CPU per pass: 2 / 1 at most "
        f"{_bound(max(rises)):.2f}-{_bound(min(rises)):.2f}x on this host now"
    )


if __name__ == "__main__":
    main()
