"""Load test of `GET /api/events` with filters, on loopback only, bounded in time and count.

Builds a store of synthetic events (default 102,000), starts `sitroom serve` on a free 127.0.0.1
port in its own process, then:
  1. open loop: requests at a fixed rate (default 200/s) for a fixed time → p50/p99 latency, errors;
  2. closed loop: a few clients back to back for a few seconds → the most requests/s it serves.
Every request rotates through a table of filters (country, type, actor, dates, near, bbox, text,
cursor pages). Usage: python benchmarks/load_api.py [--events 102000] [--rate 200] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

HOST = "127.0.0.1"  # loopback only, by design
FILTERS = (
    {"country": "NER"},
    {"type": "ASSAULT"},
    {"actor": "russia", "since": "2024-05-10"},
    {"since": "2024-05-03", "until": "2024-05-09"},
    {"near": "13.5,2.1,100"},
    {"bbox": "-10,10,5,20", "type": "CONSULT"},
    {"text": "united nations"},
    {"country": "UKR", "type": "MOBILIZE", "until": "2024-05-20"},
)


def build_store(path: Path, n_events: int) -> float:
    from sitroom.store import open_store
    from sitroom.store.synthetic import results

    t = time.perf_counter()
    with open_store(path) as store:
        store.write(results((n_events + 2) // 3), batch=5_000)
        assert store.info()["events"] >= n_events
    return time.perf_counter() - t


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


async def open_loop(client, base: str, rate: float, seconds: float, cursors: list[str]) -> dict:
    lat: list[float] = []
    errors = 0
    n = int(rate * seconds)
    start = time.perf_counter()

    async def one(i: int) -> None:
        nonlocal errors
        params = dict(FILTERS[i % len(FILTERS)])
        if i % 10 == 9 and cursors:
            params = {"country": "NER", "cursor": cursors[i % len(cursors)]}
        t = time.perf_counter()
        try:
            r = await client.get(f"{base}/api/events", params={**params, "limit": 100})
            ok = r.status_code == 200 and r.json()["ok"]
        except Exception:  # noqa: BLE001 - counted as an error
            ok = False
        lat.append(time.perf_counter() - t)
        errors += not ok

    tasks = []
    for i in range(n):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - start
    return {
        "requests": n,
        "errors": errors,
        "wall_s": round(wall, 2),
        "rps": round(n / wall, 1),
        "p50_ms": round(1000 * pct(lat, 0.50), 1),
        "p99_ms": round(1000 * pct(lat, 0.99), 1),
        "max_ms": round(1000 * max(lat), 1),
        "mean_ms": round(1000 * statistics.fmean(lat), 1),
    }


async def closed_loop(client, base: str, clients: int, seconds: float) -> dict:
    lat: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(k: int) -> None:
        nonlocal errors
        i = k
        while time.perf_counter() < stop and len(lat) < 100_000:
            t = time.perf_counter()
            r = await client.get(f"{base}/api/events", params={**FILTERS[i % len(FILTERS)], "limit": 100})
            lat.append(time.perf_counter() - t)
            errors += r.status_code != 200
            i += clients

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(clients)))
    wall = time.perf_counter() - t0
    return {
        "clients": clients,
        "requests": len(lat),
        "errors": errors,
        "rps": round(len(lat) / wall, 1),
        "p50_ms": round(1000 * pct(lat, 0.50), 1),
        "p99_ms": round(1000 * pct(lat, 0.99), 1),
    }


async def drive(base: str, rate: float, seconds: float, clients: int, closed_s: float) -> dict:
    import httpx

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        first = (await client.get(f"{base}/api/events", params={"country": "NER", "limit": 100})).json()
        cursors, cur = [], first["next_cursor"]
        while cur and len(cursors) < 20:  # real cursors, deep into the NER pages
            cursors.append(cur)
            cur = (
                await client.get(f"{base}/api/events", params={"country": "NER", "limit": 100, "cursor": cur})
            ).json()["next_cursor"]
        for i in range(2 * len(FILTERS)):  # warm-up
            await client.get(f"{base}/api/events", params={**FILTERS[i % len(FILTERS)], "limit": 100})
        return {
            "open_loop": await open_loop(client, base, rate, seconds, cursors),
            "closed_loop": await closed_loop(client, base, clients, closed_s),
        }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=102_000)
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second in the open loop")
    ap.add_argument("--seconds", type=float, default=20.0, help="open-loop duration (at most 120)")
    ap.add_argument("--clients", type=int, default=8, help="closed-loop clients")
    ap.add_argument("--closed-seconds", type=float, default=10.0)
    ap.add_argument("--db", type=Path, help="reuse (or create) this store instead of a temporary one")
    args = ap.parse_args()
    seconds = min(args.seconds, 120.0)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "load.duckdb"
        build_s = None if db.exists() else round(build_store(db, args.events), 1)
        port = free_port()
        sitroom = Path(sys.executable).with_name("sitroom")
        proc = subprocess.Popen([str(sitroom), "serve", "--db", str(db), "--host", HOST, "--port", str(port)])
        base = f"http://{HOST}:{port}"
        try:
            for _ in range(200):
                try:
                    info = json.loads(urlopen(f"{base}/api/stats", timeout=2).read())
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise SystemExit("sitroom serve did not start")
            out = asyncio.run(drive(base, args.rate, seconds, args.clients, min(args.closed_seconds, 60.0)))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    out["total_events"] = info["total"]
    out["store_build_s"] = build_s
    out["target"] = {"rate": args.rate, "p99_ms_below": 100}
    print(json.dumps(out, indent=2))
    ok = out["open_loop"]["errors"] == 0 and out["open_loop"]["p99_ms"] < 100
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
