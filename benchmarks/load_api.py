"""Load test of `GET /api/events` with filters, on loopback only, bounded in time and count.

Builds a store of synthetic events (default 102,000), starts `sitroom serve` on a free 127.0.0.1
port in its own process, then:
  1. open loop: requests at a fixed rate (default 200/s) for a fixed time → p50/p99 latency, errors;
  2. closed loop: a few clients back to back for a few seconds → the most requests/s it serves.
Every request rotates through a table of filters (country, type, actor, dates, near, bbox, text,
cursor pages). The server's response cache (emptied on every write) serves repeated queries; run
with --no-cache to measure every request as a store query.
Usage: python benchmarks/load_api.py [--events 102000] [--rate 200] [--seconds 20] [--no-cache]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

HOST = "127.0.0.1"  # loopback only, by design
CONNECTIONS = 32  # keep-alive connections the open loop shares
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


class Conn:
    """One keep-alive HTTP/1.1 connection. A few lines of asyncio instead of a client library: at
    200 requests/s a general client (parsing, pooling) costs more CPU than the server it measures."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, host: str, port: int) -> Conn:
        return cls(*await asyncio.open_connection(host, port), host)

    async def get(self, target: str) -> tuple[int, bytes]:
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(int(x.split(":", 1)[1]) for x in lines if x.lower().startswith("content-length:"))
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


def target(params: dict) -> str:
    return "/api/events?" + urlencode(params)


async def open_loop(pool: asyncio.Queue, rate: float, seconds: float, cursors: list[str]) -> dict:
    lat: list[float] = []
    errors = 0
    n = int(rate * seconds)
    start = time.perf_counter()

    async def one(i: int, due: float) -> None:
        nonlocal errors
        params = dict(FILTERS[i % len(FILTERS)])
        if i % 10 == 9 and cursors:
            params = {"country": "NER", "cursor": cursors[i % len(cursors)]}
        conn = await pool.get()  # waiting for a free connection counts in the latency
        try:
            status, body = await conn.get(target({**params, "limit": 100}))
            ok = status == 200 and body.startswith(b'{"ok":true')
        except Exception:  # noqa: BLE001 - counted as an error
            ok = False
        finally:
            pool.put_nowait(conn)
        lat.append(time.perf_counter() - due)  # from when it was due: no coordinated omission
        errors += not ok

    tasks = []
    for i in range(n):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
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


async def closed_loop(conns: list[Conn], seconds: float) -> dict:
    lat: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(k: int, conn: Conn) -> None:
        nonlocal errors
        i = k
        while time.perf_counter() < stop and len(lat) < 100_000:
            t = time.perf_counter()
            status, _ = await conn.get(target({**FILTERS[i % len(FILTERS)], "limit": 100}))
            lat.append(time.perf_counter() - t)
            errors += status != 200
            i += len(conns)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k, c) for k, c in enumerate(conns)))
    wall = time.perf_counter() - t0
    return {
        "clients": len(conns),
        "requests": len(lat),
        "errors": errors,
        "rps": round(len(lat) / wall, 1),
        "p50_ms": round(1000 * pct(lat, 0.50), 1),
        "p99_ms": round(1000 * pct(lat, 0.99), 1),
    }


async def drive(port: int, rate: float, seconds: float, clients: int, closed_s: float) -> dict:
    conns = [await Conn.open(HOST, port) for _ in range(CONNECTIONS)]
    try:
        c = conns[0]
        cursors: list[str] = []
        cur = json.loads((await c.get(target({"country": "NER", "limit": 100})))[1])["next_cursor"]
        while cur and len(cursors) < 20:  # real cursors, deep into the NER pages
            cursors.append(cur)
            page = await c.get(target({"country": "NER", "limit": 100, "cursor": cur}))
            cur = json.loads(page[1])["next_cursor"]
        for i in range(2 * len(FILTERS)):  # warm-up
            await c.get(target({**FILTERS[i % len(FILTERS)], "limit": 100}))
        pool: asyncio.Queue = asyncio.Queue()
        for conn in conns:
            pool.put_nowait(conn)
        return {
            "open_loop": await open_loop(pool, rate, seconds, cursors),
            "closed_loop": await closed_loop(conns[:clients], closed_s),
        }
    finally:
        for conn in conns:
            conn.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=102_000)
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second in the open loop")
    ap.add_argument("--seconds", type=float, default=20.0, help="open-loop duration (at most 120)")
    ap.add_argument("--clients", type=int, default=8, help="closed-loop clients")
    ap.add_argument("--closed-seconds", type=float, default=10.0)
    ap.add_argument("--db", type=Path, help="reuse (or create) this store instead of a temporary one")
    ap.add_argument("--no-cache", action="store_true", help="turn the server's response cache off")
    args = ap.parse_args()
    seconds = min(args.seconds, 120.0)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "load.duckdb"
        build_s = None if db.exists() else round(build_store(db, args.events), 1)
        port = free_port()
        # As `sitroom serve` runs it (uvicorn, one process), with the cache setting exposed.
        code = (
            "import sys, uvicorn; from sitroom.serve import create_app; "
            "uvicorn.run(create_app(sys.argv[1], cache_bytes=int(sys.argv[2])), host=sys.argv[3], "
            "port=int(sys.argv[4]), log_level='warning', access_log=False)"
        )
        cache = "0" if args.no_cache else str(64_000_000)
        proc = subprocess.Popen([sys.executable, "-c", code, str(db), cache, HOST, str(port)])
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
            out = asyncio.run(drive(port, args.rate, seconds, args.clients, min(args.closed_seconds, 60.0)))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    out["total_events"] = info["total"]
    out["store_build_s"] = build_s
    out["target"] = {"rate": args.rate, "p99_ms_below": 100}
    out["cache"] = not args.no_cache
    out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, indent=2))
    ok = out["open_loop"]["errors"] == 0 and out["open_loop"]["p99_ms"] < 100
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
