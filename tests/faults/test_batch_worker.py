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
