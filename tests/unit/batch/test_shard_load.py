"""The writer: shards load in slices of whole articles, and a step that runs out of DuckDB memory runs
again with more instead of failing the run."""

from __future__ import annotations

import json

import duckdb
import pyarrow.parquet as pq
import pytest

from sitroom.batch import load
from sitroom.batch.work import DONE, shard_dir
from sitroom.errors import StoreError
from sitroom.records import ArticleResult, Failure, Stage
from sitroom.store import open_store, rows, synthetic


def _tables(n: int) -> dict:
    results = list(synthetic.results(n, n_events=3))
    failed = ArticleResult(
        article=None, failures=(Failure(source="x.txt", stage=Stage.INGEST, code="E", message="m"),)
    )
    return rows.tables([*results, failed])


def _snapshot(store) -> list[list[tuple]]:
    return [
        store.con.execute(f"SELECT * EXCLUDE ({col}) FROM {t} ORDER BY ALL").fetchall()
        for t, col in (
            ("articles", "ingested_at"),
            ("events", "id"),
            ("places", "article_id"),
            ("actors", "article_id"),
            ("failures", "recorded_at"),
        )
    ]


def test_slices_hold_whole_articles_and_cover_the_shard():
    tables = _tables(23)
    pieces = list(load.slices(tables, n=5))
    assert len(pieces) == 5
    for k, piece in enumerate(pieces):
        ids = set(piece["articles"].column("id").to_pylist())
        assert 0 < len(ids) <= 5
        for name in ("events", "places", "actors"):
            assert set(piece[name].column("article_id").to_pylist()) <= ids
        assert piece["failures"].num_rows == (tables["failures"].num_rows if k == 0 else 0)
    for name, t in tables.items():
        assert sum(p[name].num_rows for p in pieces) == t.num_rows
    assert list(load.slices(tables, n=100)) == [tables]  # a small shard: one transaction


def test_a_shard_loaded_in_slices_is_stored_as_in_one_transaction(tmp_path, monkeypatch):
    tables = _tables(23)
    out = tmp_path / "work"
    d = shard_dir(out, "p1")
    d.mkdir(parents=True)
    for name, t in tables.items():
        pq.write_table(t, d / f"{name}.parquet")
    (out / DONE).mkdir()
    with open_store(":memory:") as whole:
        want = whole.write_tables(tables)
        expected = _snapshot(whole)
    monkeypatch.setattr(load, "SLICE", 4)
    with open_store(tmp_path / "db.duckdb") as store:
        (out / DONE / "p1.json").write_text(json.dumps({"db": store.identity(), "shard": "s1"}))
        got = load.load_shards(store, out, ["p1"])
        assert (got.new, got.events, got.failed) == (want.new, want.events, want.failed) == (23, 69, 1)
        assert _snapshot(store) == expected


def _oom(times: int, seen: list):
    def step(store):
        seen.append(store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
        if len(seen) <= times:
            try:
                raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate")
            except duckdb.Error as e:
                raise StoreError(f"writing failed: {e}") from e  # as Store.write_tables wraps it
        return "done"

    return step


def test_a_step_out_of_memory_runs_again_with_twice_the_cap(monkeypatch):
    monkeypatch.setattr(load, "MAX_MEMORY", 64)
    with open_store(":memory:") as store:
        seen: list[str] = []
        step = _oom(2, seen)
        assert load.roomy(store, 16, lambda: step(store)) == "done"
        assert seen == ["15.2 MiB", "30.5 MiB", "61.0 MiB"]
        seen.clear()
        step = _oom(3, seen)
        assert load.roomy(store, 16, lambda: step(store)) == "done"
        assert len(seen) == 4  # the last try without a cap (DuckDB's default, 80% of RAM)
        seen.clear()
        step = _oom(99, seen)
        with pytest.raises(StoreError):
            load.roomy(store, 16, lambda: step(store))
        assert len(seen) == 4


def test_other_errors_are_not_retried():
    with open_store(":memory:") as store:
        calls = []

        def step():
            calls.append(1)
            raise StoreError("disk full")

        with pytest.raises(StoreError, match="disk full"):
            load.roomy(store, 16, step)
        assert calls == [1]


def test_a_load_that_needs_more_than_the_cap_still_loads(tmp_path, monkeypatch):
    """Real DuckDB out-of-memory errors, not a mock: a cap far too small is raised until it fits."""
    tables = _tables(200)
    monkeypatch.setattr(load, "LOAD_MEMORY", 1)
    with open_store(tmp_path / "db.duckdb") as store:
        seen = []
        real = store.write_tables

        def write(t):
            seen.append(store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
            return real(t)

        monkeypatch.setattr(store, "write_tables", write)
        got = load.roomy(store, load.LOAD_MEMORY, lambda: store.write_tables(tables))
        assert got.new == 200
        assert len(seen) >= 2  # 1 MB was not enough: it ran again with more


def test_only_shards_made_for_this_database_load_and_a_shard_made_again_loads_again(tmp_path):
    out = tmp_path / "work"
    (out / DONE).mkdir(parents=True)

    def shard(pid: str, n: int, db: str, sid: str) -> None:
        d = shard_dir(out, pid)
        d.mkdir(parents=True, exist_ok=True)
        for name, t in _tables(n).items():
            pq.write_table(t, d / f"{name}.parquet")
        (out / DONE / f"{pid}.json").write_text(json.dumps({"db": db, "shard": sid}))

    with open_store(tmp_path / "db.duckdb") as store:
        me = store.identity()
        shard("mine", 5, me, "s1")
        shard("theirs", 7, f"{tmp_path}/other.duckdb@2026-01-01T00:00:00", "s2")
        got = load.load_shards(store, out, ["mine", "theirs"])
        assert got.new == 5  # a shard made for another database lacks what that one already held
        assert load.load_shards(store, out, ["mine"]).new == 0  # loaded: not read again
        seen: list[str] = []
        shard("mine", 6, me, "s3")  # the partition ran again (its earlier shard was lost, say)
        again = load.load_shards(store, out, ["mine"], on_loaded=lambda pid, c, ids: seen.append(pid))
        assert seen == ["mine"] and again.new == 1  # the five it holds already are skipped in SQL


def test_a_shard_that_cannot_be_read_loses_its_done_marker(tmp_path):
    out = tmp_path / "work"
    d = shard_dir(out, "p1")
    d.mkdir(parents=True)
    for name, t in _tables(3).items():
        pq.write_table(t, d / f"{name}.parquet")
    (d / "events.parquet").write_bytes(b"PAR1")
    (out / DONE).mkdir()
    with open_store(tmp_path / "db.duckdb") as store:
        (out / DONE / "p1.json").write_text(json.dumps({"db": store.identity(), "shard": "s"}))
        with pytest.raises(load.ShardUnreadable, match="cannot be read"):
            load.load_shards(store, out, ["p1"])
        assert not (out / DONE / "p1.json").exists()  # the partition runs again
        (out / DONE / "p1.json").write_text(json.dumps({"db": store.identity(), "shard": "s"}))
        bad: list[str] = []
        assert load.load_shards(store, out, ["p1"], on_unreadable=lambda pid, e: bad.append(pid)).new == 0
        assert bad == ["p1"] and store.con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
