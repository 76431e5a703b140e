"""A batch worker that fails partway (a full disk, a crash in the pipeline) leaves nothing that a
re-run would take for its shard."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitroom.batch.manifest import Part, Partition

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_a_partition_that_fails_midway_leaves_no_half_shard(tmp_path, monkeypatch):
    import sitroom.pipeline
    from sitroom.batch.work import SHARDS, is_done, process_partition
    from sitroom.config import load

    def full_disk(items, settings):
        next(iter(items))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sitroom.pipeline, "process_articles", full_disk)
    monkeypatch.setattr("sitroom.batch.work.warm", lambda settings: None)
    p = Partition(id="p1", parts=(Part(path=str(EXAMPLES / "wire.jsonl")),), size=1)
    with pytest.raises(OSError, match="No space"):
        process_partition(p, tmp_path, load())
    assert list((tmp_path / SHARDS).iterdir()) == [] and not is_done(tmp_path, "p1")


def test_a_late_task_whose_half_shard_was_swept_leaves_the_finished_shard_alone(tmp_path, monkeypatch):
    """A Dask task of a stopped run still writing when a later run, having finished the partition,
    swept its half shard: it fails, and the finished shard stays as it was."""
    import shutil

    import sitroom.pipeline
    from sitroom.batch.work import SHARDS, process_partition, shard_dir
    from sitroom.config import load

    final = shard_dir(tmp_path, "p1")
    final.mkdir(parents=True)
    (final / "articles.parquet").write_bytes(b"the finished shard")

    def swept_meanwhile(items, settings):
        next(iter(items))
        for d in (tmp_path / SHARDS).glob(".p1.*.tmp"):
            shutil.rmtree(d)
        return iter(())

    monkeypatch.setattr(sitroom.pipeline, "process_articles", swept_meanwhile)
    monkeypatch.setattr("sitroom.batch.work.warm", lambda settings: None)
    p = Partition(id="p1", parts=(Part(path=str(EXAMPLES / "wire.jsonl")),), size=1)
    with pytest.raises(FileNotFoundError, match="was removed"):
        process_partition(p, tmp_path, load())
    assert (final / "articles.parquet").read_bytes() == b"the finished shard"


def test_a_dask_run_sweeps_only_the_half_shards_of_finished_partitions(tmp_path):
    from sitroom.batch.run import _sweep
    from sitroom.batch.work import SHARDS, marker, shard_dir

    shards = tmp_path / SHARDS
    for name in (".done1.123.tmp", ".open1.456.tmp"):
        (shards / name).mkdir(parents=True)
    shard_dir(tmp_path, "done1").mkdir()
    marker(tmp_path, "done1").parent.mkdir(parents=True, exist_ok=True)
    marker(tmp_path, "done1").write_text("{}")
    _sweep(tmp_path, done_only=True)
    assert sorted(d.name for d in shards.glob(".*")) == [".open1.456.tmp"]  # may still be written
    _sweep(tmp_path)  # a local run's start: its own workers have not started
    assert list(shards.glob(".*")) == []
