"""Partitioning: line ranges cover a file exactly, ids are stable, reading a range equals reading the file."""

from __future__ import annotations

import json
import os

import pytest

from sitroom.batch import manifest
from sitroom.batch.manifest import TARGET_BYTES, Manifest, expand, line_ranges, partition_bytes, plan
from sitroom.batch.work import _is_known, known_ids, read_part, save_known
from sitroom.errors import UsageError
from sitroom.ingest import read


def _jsonl(path, n: int, width: int = 40) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(
                json.dumps({"text": f"Article {i}. " + "Troops crossed the border. " * (1 + i % width)})
                + "\n"
            )


@pytest.mark.parametrize("target", [1, 50, 300, 1000, 10_000, 10**9])
def test_line_ranges_cover_the_file(tmp_path, target):
    p = tmp_path / "a.jsonl"
    _jsonl(p, 37, width=7)
    data = p.read_bytes()
    cuts = line_ranges(str(p), target)
    assert cuts[0][0] == 0
    pieces = [data[a : (b if b >= 0 else len(data))] for a, b, _ in cuts]
    assert b"".join(pieces) == data
    for (a, _b, line), _piece in zip(cuts, pieces, strict=True):
        assert line == data[:a].count(b"\n") + 1  # first line number of the range
        assert a == 0 or data[a - 1 : a] == b"\n"  # ranges start at line starts
    if target >= len(data):
        assert len(cuts) == 1


def test_line_ranges_without_final_newline(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_bytes(b'{"text": "a"}\n{"text": "b"}\n{"text": "c"}')
    cuts = line_ranges(str(p), 5)
    assert [c[2] for c in cuts] == [1, 2, 3]
    assert cuts[-1][1] == -1


def test_plan_groups_small_files_and_splits_big_jsonl(tmp_path):
    for name in ("b.txt", "a.txt", ".hidden.txt", "skip.bin"):
        (tmp_path / name).write_text("Police arrested ten protesters in Tbilisi on Monday.\n")
    _jsonl(tmp_path / "c.jsonl", 60)
    m = plan([str(tmp_path)], target_bytes=2_000)
    paths = [part.path for p in m.partitions for part in p.parts]
    assert paths[:2] == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    assert all(".hidden" not in p and not p.endswith(".bin") for p in paths)
    ranges = [p for p in m.partitions if p.parts[0].path.endswith("c.jsonl")]
    assert len(ranges) > 3
    assert m.partitions[0].parts[1].path.endswith("b.txt")  # two small files share one partition
    again = plan([str(tmp_path)], target_bytes=2_000)
    assert [p.id for p in again.partitions] == [p.id for p in m.partitions]
    os.utime(tmp_path / "a.txt", ns=(1, 1))
    changed = plan([str(tmp_path)], target_bytes=2_000)
    assert changed.partitions[0].id != m.partitions[0].id  # a changed input is new work
    assert changed.partitions[-1].id == m.partitions[-1].id


@pytest.mark.parametrize(
    ("total", "workers", "want"),
    [
        (10**9, 1, TARGET_BYTES),
        (3_000_000, 1, TARGET_BYTES),  # one worker: nothing to balance
        (3_200_000, 2, 200_000),  # each of 2 workers gets 8 partitions
        (10**9, 2, TARGET_BYTES),  # big inputs keep the standard size
        (100_000, 4, manifest.MIN_TARGET),  # tiny inputs are not cut into crumbs
    ],
)
def test_partition_bytes(total, workers, want):
    assert partition_bytes(total, workers) == want


def test_several_workers_get_several_partitions_of_a_small_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(manifest, "MIN_TARGET", 500)
    for k in range(6):
        _jsonl(tmp_path / f"f{k}.jsonl", 12)
    total = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert total < TARGET_BYTES
    assert len(plan([str(tmp_path)]).partitions) == 1  # one worker: one partition
    two = plan([str(tmp_path)], workers=2)
    assert len(two.partitions) >= 2 * manifest.PER_WORKER - 2
    assert two.options["target_bytes"] == total // (2 * manifest.PER_WORKER)
    assert max(p.size for p in two.partitions) <= 2 * two.options["target_bytes"]
    assert sorted(part.path for p in two.partitions for part in p.parts if part.start == 0) == sorted(
        str(p) for p in tmp_path.iterdir()
    )


def test_manifest_round_trip(tmp_path):
    _jsonl(tmp_path / "c.jsonl", 30)
    m = plan([str(tmp_path / "c.jsonl")], target_bytes=1_000)
    m.save(tmp_path / "out")
    assert Manifest.load(tmp_path / "out").partitions == m.partitions


def test_reading_ranges_equals_reading_the_file(tmp_path):
    p = tmp_path / "c.jsonl"
    _jsonl(p, 40)
    with open(p, "a", encoding="utf-8") as f:
        f.write("not json\n\n" + json.dumps({"text": "Rebels shelled the town."}) + "\n")
    whole = list(read([str(p)]))
    m = plan([str(p)], target_bytes=700)
    assert len(m.partitions) > 4
    parts = [x for part in m.partitions for x in read_part(part.parts[0], published=None, mapping=None)]
    assert len(parts) == len(whole)
    for a, b in zip(parts, whole, strict=True):
        assert type(a) is type(b)
        assert a == b  # same ids, refs ("path:LINENO"), failures


def test_stdin_is_refused():
    with pytest.raises(UsageError):
        list(expand(["-"]))


@pytest.mark.parametrize(
    ("ids", "probe", "known"),
    [
        (["b" * 64, "a" * 64], "a" * 64, True),
        (["b" * 64, "a" * 64], "c" * 64, False),
        ([], "a" * 64, False),
        (["x1", "x3"], "x2", False),
    ],
)
def test_known_ids(tmp_path, ids, probe, known):
    save_known(tmp_path, ids)
    assert _is_known(known_ids(tmp_path), probe) is known


def test_several_workers_take_the_largest_partitions_first(tmp_path, monkeypatch):
    import sitroom.batch.run as run_mod
    from sitroom.batch import engines, run_batch

    for name, size in (("a.txt", 300), ("b.txt", 9_000), ("c.txt", 2_000)):
        (tmp_path / name).write_text("Troops left the town. " * (size // 22), encoding="utf-8")
    seen = []

    def fake_pool(todo, out, settings, **kw):
        seen.extend(p.size for p in todo)
        return iter(())

    monkeypatch.setattr(engines, "run_pool", fake_pool)
    monkeypatch.setattr(run_mod, "link", lambda store, cache=None, on_batch=None: 0)
    db = str(tmp_path / "db.duckdb")
    run_batch([str(tmp_path)], tmp_path / "out", workers=2, db=db, target_bytes=1_000)
    assert len(seen) >= 2 and seen == sorted(seen, reverse=True)


def test_a_file_named_twice_is_one_partition(tmp_path):
    """Two partitions of one id would be run at once into the same shard folder, and counted twice."""
    _jsonl(tmp_path / "big.jsonl", 60)
    (tmp_path / "a.txt").write_text("Police arrested ten protesters in Tbilisi on Monday.\n")
    big, a = str(tmp_path / "big.jsonl"), str(tmp_path / "a.txt")
    once = plan([big, a], target_bytes=2_000)
    for inputs in ([big, big, a], [str(tmp_path), big, a], [big, str(tmp_path / "*.*")]):
        m = plan(inputs, target_bytes=2_000)
        ids = [p.id for p in m.partitions]
        assert len(ids) == len(set(ids))
        assert sorted(ids) == sorted(p.id for p in once.partitions)


def test_the_work_folder_inside_an_input_folder_is_not_read(tmp_path):
    """`sitroom batch crawl/ --out crawl/work`: a re-run must not read the first run's manifest and
    markers (JSON files) as articles: each would be a failure, and the new inputs a new plan."""
    _jsonl(tmp_path / "a.jsonl", 5)
    work = tmp_path / "work"
    first = plan([str(tmp_path)], skip=work)
    first.save(work)
    (work / "done").mkdir()
    (work / "done" / "x.json").write_text('{"id": "x"}')
    for inputs in ([str(tmp_path)], [str(tmp_path / "**" / "*.json*")], [str(tmp_path / "*")]):
        m = plan(inputs, skip=work)
        assert [part.path for p in m.partitions for part in p.parts] == [str(tmp_path / "a.jsonl")]
    assert plan([str(tmp_path)], skip=work).partitions == first.partitions  # the re-run resumes
