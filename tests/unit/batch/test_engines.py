"""Engine set-up that the batch tests cannot see in their results: the Dask worker plugin really runs,
and Dask's memory-trim setting does not reach our workers' allocator."""

from __future__ import annotations

import os
import platform

import pytest

from sitroom.batch import engines
from sitroom.config import load

needs_dask = pytest.mark.skipif(
    not engines.dask_available(), reason="dask[distributed] is not installed (extra: sitroom[dask])"
)


@needs_dask
def test_the_dask_plugin_runs_our_setup(monkeypatch):
    calls = []
    monkeypatch.setattr(engines, "warm", lambda s: calls.append(("warm", s.model)))
    monkeypatch.setattr(engines, "malloc_for_throughput", lambda: calls.append(("malloc",)))
    from distributed import WorkerPlugin

    plugin = engines.model_plugin(load())
    assert isinstance(plugin, WorkerPlugin)
    plugin.setup(worker=None)
    assert calls == [("malloc",), ("warm", load().model)]


@needs_dask
def test_local_cluster_workers_start_without_the_trim_threshold_or_profiler():
    import dask

    dask_default = dask.config.get("distributed.nanny.pre-spawn-environ")
    assert engines.TRIM_ENV in dask_default  # what this guards against is still Dask's default
    cfg = engines.local_config()
    env = cfg["distributed.nanny.pre-spawn-environ"]
    assert engines.TRIM_ENV not in env
    assert {k: v for k, v in dask_default.items() if k != engines.TRIM_ENV} == env  # the rest is kept
    assert cfg["distributed.worker.profile.enabled"] is False
    with dask.config.set(cfg):  # the keys are Dask's own: setting them changes what Dask reads
        assert dask.config.get("distributed.worker.profile.enabled") is False
        assert engines.TRIM_ENV not in dask.config.get("distributed.nanny.pre-spawn-environ")


def test_malloc_left_alone_without_the_trim_variable(monkeypatch):
    monkeypatch.delenv(engines.TRIM_ENV, raising=False)
    assert engines.malloc_for_throughput() is False


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt thresholds are glibc's")
def test_malloc_thresholds_set_where_dask_set_the_trim_variable(monkeypatch):
    monkeypatch.setenv(engines.TRIM_ENV, "65536")
    assert engines.malloc_for_throughput() is True


def test_a_pool_worker_ends_when_its_driver_is_killed():
    """A driver killed with SIGKILL cannot stop its pool: each worker must notice on its own, or it
    waits on the task queue forever with its model loaded (and writes into the next run's --out)."""
    import select
    import signal
    import subprocess
    import sys

    worker = (
        "import sys, time; from sitroom.batch.engines import exit_with; "
        "exit_with(int(sys.argv[1]), every=0.05); print('ready', flush=True); time.sleep(60)"
    )
    driver = (
        "import os, subprocess, sys, time; "
        f"subprocess.Popen([sys.executable, '-c', {worker!r}, str(os.getpid())]); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", driver], stdout=subprocess.PIPE, text=True)
    try:
        up, _, _ = select.select([proc.stdout], [], [], 30)
        assert up and proc.stdout.readline() == "ready\n"  # the worker holds the pipe from here on
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        gone, _, _ = select.select([proc.stdout], [], [], 10)
        assert gone and proc.stdout.read() == "", "the worker outlived its driver"
    finally:
        proc.kill()
        proc.stdout.close()


def test_pool_workers_are_told_the_drivers_pid(monkeypatch, tmp_path):
    seen = {}

    class Pool:
        def __init__(self, **kw):
            seen.update(kw)
            raise KeyboardInterrupt  # stop here: only the arguments matter

    monkeypatch.setattr(engines, "ProcessPoolExecutor", Pool)
    part = engines.Partition(id="p", parts=(), size=1)
    with pytest.raises(KeyboardInterrupt):
        next(engines.run_pool([part], tmp_path, load(), workers=2))
    assert seen["initializer"] is engines._init and seen["initargs"][1] == os.getpid()


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads Linux's /proc")
def test_a_spawned_workers_peak_is_its_own_not_its_parents():
    """ru_maxrss survives fork+exec: a pool worker spawned by a big parent reported the parent's size
    (the batch tests saw 1,091 MB workers when pytest itself held that much)."""
    import multiprocessing as mp

    from sitroom.batch.work import peak_mb

    ballast = bytearray(400 * 1024 * 1024)
    ballast[::4096] = b"\1" * len(ballast[::4096])  # touch every page: resident
    with mp.get_context("spawn").Pool(1) as pool:
        child = pool.apply(peak_mb)
    assert peak_mb() >= 400 and child < 300
