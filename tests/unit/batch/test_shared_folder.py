"""The run's work folder (--out): workers elsewhere (a Dask cluster given with --scheduler) must reach it
and the inputs at the paths this machine uses, one run uses it at a time, and it must be a folder; when
any of that fails, the run says so instead of losing shards."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from sitroom.batch import engines, run_batch
from sitroom.batch import run as batch_run
from sitroom.batch.manifest import Part, Partition

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


class FakeClient:
    """`Client.run` of a cluster whose workers see the given folders as `out` (None: the real one)."""

    def __init__(self, views: dict[str, Path | Exception | None]) -> None:
        self.views = views

    def run(self, fn, out, *args, on_error="raise"):
        assert on_error == "return"  # a worker that fails to answer is reported with the others
        got = {}
        for w, view in self.views.items():
            try:
                if isinstance(view, Exception):  # the worker died, say
                    raise view
                got[w] = fn(str(view) if view else out, *args)
            except Exception as e:  # noqa: BLE001 - as Client.run(on_error="return") gives it
                got[w] = e
        return got


def parts(*paths: str) -> list[Partition]:
    return [Partition(id=f"p{i}", parts=(Part(path=p),), size=1) for i, p in enumerate(paths)]


def test_a_worker_that_reaches_everything_reports_nothing(tmp_path):
    (tmp_path / "probe").write_text("")
    (tmp_path / "in.txt").write_text("x")
    assert engines.reach(str(tmp_path), "probe", [str(tmp_path / "in.txt")]) == []
    assert sorted(os.listdir(tmp_path)) == ["in.txt", "probe"]  # its own test file is gone again


def test_a_worker_with_a_folder_of_its_own_or_without_the_inputs_says_what_it_lacks(tmp_path):
    got = engines.reach(str(tmp_path), "probe", [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert len(got) == 2
    assert "is not the folder the writer uses" in got[0]
    assert got[1].startswith("cannot see 2 of 2 inputs checked, e.g. ") and "a.txt" in got[1]


def test_a_worker_that_cannot_write_in_the_folder_says_so(tmp_path, monkeypatch):
    (tmp_path / "probe").write_text("")

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(engines, "open", refuse, raising=False)
    assert engines.reach(str(tmp_path), "probe", []) == [
        f"cannot write in --out {tmp_path}: Permission denied"
    ]


def test_the_check_names_the_workers_that_cannot_reach_the_run(tmp_path):
    out, elsewhere = tmp_path / "work", tmp_path / "their-disk"
    elsewhere.mkdir()
    src = tmp_path / "in.jsonl"
    src.write_text("{}\n")
    client = FakeClient({"tcp://10.0.0.1:4000": None, "tcp://10.0.0.2:4000": elsewhere})
    with pytest.raises(engines.FolderNotShared) as e:
        engines.check_shared(client, out, parts(str(src), "https://example.org/a"))
    msg = str(e.value)
    assert msg.startswith("1 of 2 Dask workers cannot reach this run's files: tcp://10.0.0.2:4000: ")
    assert "tcp://10.0.0.1:4000" not in msg and "shares with this machine" in msg
    assert e.value.code == "E_SHARED" and e.value.exit_code == 3
    assert list(out.iterdir()) == []  # the probe file is removed either way


def test_the_check_passes_when_every_worker_shares_the_folder(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("{}\n")
    engines.check_shared(FakeClient({"a": None, "b": None}), tmp_path / "work", parts(str(src)))
    engines.check_shared(FakeClient({}), tmp_path / "work", parts(str(src)))  # no workers yet: nothing to ask
    assert list((tmp_path / "work").iterdir()) == []


def test_remote_workers_get_absolute_paths_and_the_same_partition(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = Partition(
        id="abc",
        parts=(
            Part(path="news/a.jsonl.gz", start=10, end=20, index="work/gzindex/a.idx"),
            Part(path="https://example.org/story"),
        ),
        size=30,
    )
    d = engines.for_remote(p)
    assert d["parts"][0]["path"] == str(tmp_path / "news" / "a.jsonl.gz")
    assert d["parts"][0]["index"] == str(tmp_path / "work" / "gzindex" / "a.idx")
    assert d["parts"][1] == p.to_dict()["parts"][1]  # a URL stays as it is
    assert Partition.from_dict(d).id == "abc" and d["parts"][0]["start"] == 10
    assert p.parts[0].path == "news/a.jsonl.gz"  # the plan itself is unchanged


@pytest.mark.slow
def test_a_shard_the_writer_cannot_see_is_a_failed_partition_not_an_empty_one(tmp_path, monkeypatch):
    """A worker reports its partition done, but wrote the shard to a disk this machine does not see."""

    def elsewhere(todo, out, settings, **kw):
        for p in todo:
            yield p.id, {"id": p.id, "host": "node7", "articles": 4, "events": 9, "pid": 1, "peak_mb": 1}

    monkeypatch.setattr(engines, "run_inline", elsewhere)
    monkeypatch.setattr(
        batch_run, "VISIBLE_WAIT", 0.2
    )  # the writer looks again for a while (NFS), not 30 s here
    db = tmp_path / "db.duckdb"
    rep = run_batch([str(EXAMPLES)], tmp_path / "work", db=str(db), target_bytes=2_500)
    assert rep.partitions >= 4 and len(rep.failed_partitions) == rep.partitions
    assert rep.ran == 0 and rep.new == 0 and not rep.ok
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT code, message FROM failures").fetchall()
    assert len(rows) == rep.partitions
    assert all(code == "E_PARTITION" for code, _ in rows)
    assert all(
        "ShardNotVisible" in m and "worker on node7" in m and "shared filesystem" in m for _, m in rows
    )
    assert not (tmp_path / "work" / "loaded").exists()  # nothing was taken for loaded


def test_a_shard_that_shows_late_is_waited_for(tmp_path, monkeypatch):
    """Another machine's files can show on a network filesystem some time after it wrote them."""
    from sitroom.batch.work import DONE, SHARDS

    out = tmp_path / "work"
    (out / DONE).mkdir(parents=True)
    (out / SHARDS / "p1").mkdir(parents=True)
    calls = []

    def later(path):
        calls.append(path)
        if len(calls) == 3:
            (out / DONE / "p1.json").write_text("{}")
        return []

    monkeypatch.setattr(batch_run.os, "listdir", later)
    assert batch_run._visible(out, "p1", wait=5)
    assert len(calls) == 4  # shown after the second look
    assert not batch_run._visible(out, "p2", wait=0.1)


def test_a_worker_that_fails_to_answer_is_named_too(tmp_path):
    client = FakeClient({"tcp://a:1": None, "tcp://b:2": OSError("connection closed")})
    with pytest.raises(engines.FolderNotShared, match=r"1 of 2 .* tcp://b:2: did not answer \(OSError: conn"):
        engines.check_shared(client, tmp_path / "work", [])


def test_one_run_at_a_time_per_work_folder(tmp_path):
    """A second run on the same --out (even for another database) would replace the first one's done
    markers, and the first one's shards would never be loaded."""
    from sitroom.errors import UsageError

    out = tmp_path / "work"
    with batch_run.claim(out):
        assert (out / batch_run.LOCK).read_text().startswith(f"pid {os.getpid()} on ")
        with pytest.raises(UsageError, match=rf"in use by another sitroom batch run \(pid {os.getpid()} on"):
            run_batch([str(EXAMPLES)], out, db=str(tmp_path / "other.duckdb"))
    with batch_run.claim(out):  # free again once the first run ends
        pass


def test_a_folder_without_locks_still_runs(tmp_path, monkeypatch):
    import fcntl

    def unsupported(f, op):
        raise OSError(95, "Operation not supported")

    monkeypatch.setattr(fcntl, "flock", unsupported)
    with batch_run.claim(tmp_path / "work"):
        pass


def test_an_out_folder_that_cannot_be_one_is_a_usage_error(tmp_path):
    from sitroom.errors import UsageError

    (tmp_path / "afile").write_text("")
    with pytest.raises(UsageError, match="is a file; give a folder"):
        run_batch([str(EXAMPLES)], tmp_path / "afile", db=str(tmp_path / "db.duckdb"))
    with pytest.raises(UsageError, match="cannot make the --out folder"):
        run_batch([str(EXAMPLES)], tmp_path / "afile" / "sub", db=str(tmp_path / "db.duckdb"))
