"""Engine set-up that the batch tests cannot see in their results: the Dask worker plugin really runs,
and Dask's memory-trim setting does not reach our workers' allocator."""

from __future__ import annotations

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
