"""Where partitions run: this process, a local process pool, or a Dask cluster. Each engine yields
(partition id, marker dict or exception) as partitions finish, in any order."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from sitroom.batch.manifest import Partition
from sitroom.batch.work import process_partition, warm
from sitroom.config import Settings
from sitroom.errors import EnvironmentProblem

DASK_HINT = 'pip install "sitroom[dask]"  (or: pip install "dask[distributed]>=2024.1")'
Outcome = tuple[str, dict[str, Any] | BaseException]


class DaskMissing(EnvironmentProblem):
    code = "E_DASK"


class SchedulerUnreachable(EnvironmentProblem):
    code = "E_DASK_SCHEDULER"


CONNECT_TIMEOUT = 10  # seconds to reach a --scheduler


class FolderNotShared(EnvironmentProblem):
    """Workers of a cluster cannot reach the run's --out folder or its inputs at the paths this
    machine uses: their shards would land where the writer never looks."""

    code = "E_SHARED"


# Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 (`distributed.nanny.pre-spawn-environ`),
# to hand freed memory back to the OS sooner. Setting that variable at all also turns off glibc's
# dynamic mmap threshold, so every array over 128 KB is mmapped and unmapped again: the parse makes
# such arrays all the time, and a partition took ~50% more CPU than in a plain process (BENCHMARKS.md).
TRIM_ENV = "MALLOC_TRIM_THRESHOLD_"
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (malloc.h)
MMAP_THRESHOLD = 32 << 20  # where glibc's dynamic threshold tops out on 64-bit
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # ... and the trim threshold it keeps beside it


def malloc_for_throughput() -> bool:
    """In a process started with MALLOC_TRIM_THRESHOLD_ set (a Dask worker), put glibc's mmap and
    trim thresholds where its dynamic adjustment would have taken them. Returns whether it did."""
    if TRIM_ENV not in os.environ:
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )


def run_inline(todo: Sequence[Partition], out: Path, settings: Settings, **kw: Any) -> Iterator[Outcome]:
    """One worker: this process (the model loads once, here)."""
    for p in todo:
        try:
            yield p.id, process_partition(p, out, settings, **kw)
        except Exception as e:  # noqa: BLE001 - reported as the partition's failure
            yield p.id, e


PARENT_CHECK = 1.0  # seconds between a pool worker's looks at whether the driver is still there


def exit_with(parent: int, every: float = PARENT_CHECK) -> None:
    """End this process when `parent` has gone. A pool worker whose driver is killed (SIGKILL, SIGTERM,
    out of memory) is not told: it holds the task queue's write end itself, so it would wait on it
    forever, a loaded model (~0.5 GB) and all, and keep writing shards into an --out that a re-run
    now holds. Its half-written shard has no marker: the next run sweeps it."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="sitroom-exit-with-driver", daemon=True).start()


def _init(settings: Settings, parent: int | None = None) -> None:
    # Workers ignore Ctrl-C: the driver decides, and a half-written shard has no marker anyway.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        exit_with(parent)
    malloc_for_throughput()  # a no-op unless started from an environment that set the trim threshold
    warm(settings)


def run_pool(
    todo: Sequence[Partition],
    out: Path,
    settings: Settings,
    *,
    workers: int,
    attempts: int = 3,
    **kw: Any,
) -> Iterator[Outcome]:
    """Processes on this machine, the model loaded once per process by the pool's initializer.

    A worker that dies (killed, out of memory) breaks the pool: a new pool takes the partitions
    left, and a partition that was running when a worker died `attempts` times is reported failed."""
    import multiprocessing as mp

    left = list(todo)
    tries: dict[str, int] = {}
    ctx = mp.get_context("spawn")  # no fork of a parent that may hold DuckDB or spaCy state
    pools = 0
    while left:
        pools += 1
        if pools > attempts * (len(todo) + 1):  # pools that break with no partition to blame
            for p in list(left):
                left.remove(p)
                yield p.id, RuntimeError("the worker pool keeps breaking")
            return
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init, initargs=(settings, os.getpid())
        )
        running: dict[Future, Partition] = {}
        queue = list(left)
        broken = False
        crashed: list[Partition] = []
        try:
            while queue or running:
                while queue and len(running) < workers * 2 and not broken:
                    p = queue[0]
                    try:
                        running[pool.submit(process_partition, p.to_dict(), str(out), settings, **kw)] = p
                    except BrokenProcessPool:
                        broken = True
                    else:
                        queue.pop(0)
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for f in done:
                    p = running.pop(f)
                    try:
                        yield p.id, f.result()
                        left.remove(p)
                    except BrokenProcessPool:
                        broken = True
                        crashed.append(p)
                    except Exception as e:  # noqa: BLE001
                        left.remove(p)
                        yield p.id, e
                if broken:
                    break
        finally:
            # No wait: the processes exit on their own (~0.4 s for a loaded model) while the driver
            # loads the last shards and links; interpreter exit still joins them.
            pool.shutdown(wait=False, cancel_futures=True)
        if broken:
            for p in [*running.values(), *crashed]:
                tries[p.id] = tries.get(p.id, 0) + 1
            for p in [p for p in left if tries.get(p.id, 0) >= attempts]:
                left.remove(p)
                yield p.id, RuntimeError(f"worker died {attempts} times on this partition")


class _ModelPlugin:
    """Dask worker plugin: load the pipeline when a worker starts, once per worker process."""

    name = "sitroom-model"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self, worker: Any) -> None:
        malloc_for_throughput()  # workers of any cluster, also one started by someone else
        warm(self.settings)

    def teardown(self, worker: Any) -> None:
        pass


def local_config() -> dict[str, Any]:
    """Dask settings for the LocalCluster we start: the nanny's environment without the trim threshold
    (see TRIM_ENV), and no statistical profiler in the workers (it samples every thread's stack every
    10 ms for a dashboard this cluster does not serve: ~4% of a partition's CPU)."""
    import dask
    import distributed  # noqa: F401 - registers the distributed.* config defaults

    environ = dask.config.get("distributed.nanny.pre-spawn-environ")
    return {
        "distributed.nanny.pre-spawn-environ": {k: v for k, v in environ.items() if k != TRIM_ENV},
        "distributed.worker.profile.enabled": False,
    }


def model_plugin(settings: Settings) -> Any:
    """The plugin as Dask takes it: a `WorkerPlugin` whose setup is ours (ours first in the MRO:
    `WorkerPlugin.setup` is a no-op that would otherwise win)."""
    from distributed import WorkerPlugin

    class ModelPlugin(_ModelPlugin, WorkerPlugin):
        pass

    return ModelPlugin(settings)


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def dask_slots(scheduler: str | None, workers: int) -> int:
    """Tasks the cluster runs at once: `workers` for our LocalCluster (one thread each), the worker
    threads of a running cluster (raises `SchedulerUnreachable` when there is none)."""
    if not scheduler or not dask_available():
        return workers
    with connect(scheduler) as client:
        info = client.scheduler_info()
    return max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))


def connect(scheduler: str) -> Any:
    """A Dask client of a running scheduler; `SchedulerUnreachable` when there is none at that address."""
    from distributed import Client

    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT)
    except OSError as e:  # refused, timed out, no such host
        raise SchedulerUnreachable(
            f"cannot reach the Dask scheduler {scheduler}: {e}. Is it running, and is the address "
            "(tcp://HOST:PORT) right?"
        ) from None


def run_dask(
    todo: Sequence[Partition],
    out: Path,
    settings: Settings,
    *,
    workers: int,
    scheduler: str | None = None,
    **kw: Any,
) -> Iterator[Outcome]:
    """A Dask cluster: the given scheduler, or a LocalCluster of `workers` single-threaded processes.
    Lost workers are Dask's business (it reschedules their tasks); shards and markers make a rerun
    of a task harmless."""
    if not dask_available():
        raise DaskMissing(f"the dask engine needs dask.distributed, which is not installed: {DASK_HINT}")
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = connect(scheduler)
    else:
        import dask

        with dask.config.set(local_config()):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                memory_limit=0,
                silence_logs=40,
            )
        client = Client(cluster)
    try:
        if scheduler:  # workers elsewhere: their working folder is not ours, and their disk may not be
            out = Path(os.path.abspath(out))
            check_shared(client, out, todo)
        client.register_plugin(model_plugin(settings), name=_ModelPlugin.name)
        futures = {
            client.submit(
                process_partition,
                for_remote(p) if scheduler else p.to_dict(),
                str(out),
                settings,
                key=f"sitroom-part-{p.id}",
                pure=False,
                **kw,
            ): p
            for p in todo
        }
        for f in as_completed(futures):
            p = futures[f]
            try:
                yield p.id, f.result()
            except Exception as e:  # noqa: BLE001
                yield p.id, e
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _local(path: str) -> bool:
    return "://" not in path


def for_remote(p: Partition) -> dict:
    """The partition as a worker on another machine needs it: file paths absolute (relative ones would
    be read from the worker's own working folder); URLs as they are. The id does not change."""
    d = p.to_dict()
    for part in d["parts"]:
        if _local(part["path"]):
            part["path"] = os.path.abspath(part["path"])
        if part["index"]:
            part["index"] = os.path.abspath(part["index"])
    return d


PROBE_PATHS = 200  # input files each worker checks before the run (all of them when fewer)


def reach(out: str, probe: str, paths: Sequence[str]) -> list[str]:
    """Run on a worker: what it cannot reach of the run (empty: everything). `probe` is a file this
    machine just wrote in `out`: a worker that does not see it has a folder of its own by that name."""
    problems = []
    if not os.path.isfile(os.path.join(out, probe)):
        problems.append(f"--out {out} is not the folder the writer uses (a file written there is missing)")
    else:
        test = os.path.join(out, f"{probe}.{os.getpid()}")
        try:
            with open(test, "w", encoding="utf-8"):
                pass
            os.remove(test)
        except OSError as e:
            problems.append(f"cannot write in --out {out}: {e.strerror or e}")
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        problems.append(f"cannot see {len(missing)} of {len(paths)} inputs checked, e.g. {missing[0]}")
    return problems


def check_shared(client: Any, out: Path, todo: Sequence[Partition]) -> None:
    """Before any work: every worker of the cluster sees `out` (the folder this machine writes and
    reads shards in) and the inputs, at the same paths. Raises `FolderNotShared` naming the workers
    that do not. A cluster with no workers yet is not checked (the writer still checks each shard)."""
    import uuid

    probe = f".probe-{uuid.uuid4().hex}"
    out.mkdir(parents=True, exist_ok=True)
    (out / probe).write_text("sitroom batch: can the workers see this?\n", encoding="utf-8")
    paths = sorted({os.path.abspath(x.path) for p in todo for x in p.parts if _local(x.path)})[:PROBE_PATHS]
    try:
        seen = client.run(reach, str(out), probe, paths, on_error="return")
    finally:
        (out / probe).unlink(missing_ok=True)
    seen = {
        w: [f"did not answer ({type(got).__name__}: {got})"] if isinstance(got, BaseException) else got
        for w, got in seen.items()
    }
    bad = {worker: problems for worker, problems in sorted(seen.items()) if problems}
    if bad:
        lines = "; ".join(f"{w}: {', '.join(ps)}" for w, ps in list(bad.items())[:5])
        more = f" (and {len(bad) - 5} more workers)" if len(bad) > 5 else ""
        raise FolderNotShared(
            f"{len(bad)} of {len(seen)} Dask workers cannot reach this run's files: {lines}{more}. "
            "Put --out and the inputs on a filesystem that every worker shares with this machine, "
            "at the same paths."
        )


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
