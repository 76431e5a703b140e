"""Reads under load while an ingest writes: `sitroom serve` (with a write token, so the real spaCy
pipeline runs inside it) takes 200 requests/s of mixed event queries for 60 s on loopback while a writer
POSTs articles through `POST /api/articles` back to back. DuckDB allows one writing process, so the
ingest goes through the server itself. Reports read p50/p99/errors and write count/errors/latency.

Usage: python benchmarks/load_mixed.py [--events 30000] [--rate 200] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from load_api import CONNECTIONS, HOST, Conn, build_store, free_port, open_loop, pct  # noqa: E402

TOKEN = "load-mixed-token"
TEXT = (
    "{city}, May {day}, 2024 - Soldiers from {a} withdrew from a base near {city} on Thursday, two officials "
    "said, after talks between the governments of {a} and {b} earlier in the week (report {n}).\n\n"
    "Residents said convoys left at dawn and that police closed the main road for several hours."
)
PLACES = [("Niamey", "Chad", "Niger"), ("Bamako", "France", "Mali"), ("Kyiv", "Russia", "Ukraine")]


def writer(port: int, stop: threading.Event, out: dict) -> None:
    """POST one new article at a time until stopped; each body is unique so each is processed."""
    n = 0
    while not stop.is_set():
        city, a, b = PLACES[n % len(PLACES)]
        body = json.dumps({"text": TEXT.format(city=city.upper(), day=1 + n % 28, a=a, b=b, n=n)}).encode()
        req = urllib.request.Request(
            f"http://{HOST}:{port}/api/articles",
            data=body,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
            method="POST",
        )
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                ok = r.status == 200 and json.loads(r.read())["ok"]
        except Exception:  # noqa: BLE001 - counted
            ok = False
        out["lat"].append(time.perf_counter() - t)
        out["writes"] += ok
        out["errors"] += not ok
        n += 1


async def reads(port: int, rate: float, seconds: float) -> dict:
    conns = [await Conn.open(HOST, port) for _ in range(CONNECTIONS)]
    try:
        pool: asyncio.Queue = asyncio.Queue()
        for c in conns:
            pool.put_nowait(c)
        return await open_loop(pool, rate, seconds, [])
    finally:
        for c in conns:
            c.close()


def wait_up(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/config", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def run(events: int, rate: float, seconds: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "mixed.duckdb"
        build_store(db, events)
        port = free_port()
        sitroom = str(Path(sys.executable).parent / "sitroom")
        env = {**os.environ, "SITROOM_TOKEN": TOKEN}
        server = subprocess.Popen(
            [sitroom, "serve", "--db", str(db), "--host", HOST, "--port", str(port), "--token", TOKEN],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_up(port, server)
            # One POST first: the server loads spaCy on its first write, not inside the measured window.
            warm = {"lat": [], "writes": 0, "errors": 0}
            writer(port, _Once(), warm)
            if warm["errors"]:
                raise SystemExit("the warm-up POST failed")
            w: dict = {"lat": [], "writes": 0, "errors": 0}
            stop = threading.Event()
            thread = threading.Thread(target=writer, args=(port, stop, w), daemon=True)
            thread.start()
            got = asyncio.run(reads(port, rate, seconds))
            stop.set()
            thread.join(timeout=180)
            return {
                "reads": got,
                "writes": {
                    "articles": w["writes"],
                    "errors": w["errors"],
                    "p50_ms": round(1000 * pct(w["lat"], 0.5), 1),
                    "p99_ms": round(1000 * pct(w["lat"], 0.99), 1),
                },
                "events_in_store": events,
            }
        finally:
            server.terminate()
            server.wait(timeout=30)


class _Once(threading.Event):
    """An event that is set after its first check: `writer` then posts exactly one article."""

    def __init__(self) -> None:
        super().__init__()
        self._checks = 0

    def is_set(self) -> bool:
        self._checks += 1
        return self._checks > 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=30_000)
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    args = ap.parse_args()
    out = run(args.events, args.rate, min(args.seconds, 120.0))
    print(json.dumps(out, indent=2))
    return 0 if out["reads"]["errors"] == 0 and out["writes"]["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
