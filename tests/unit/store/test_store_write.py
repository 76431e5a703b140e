"""Writing results: idempotence, failures, the stored record and the flattened columns."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from sitroom.errors import StoreError
from sitroom.records import (
    ActorRef,
    ArticleResult,
    Failure,
    PlaceRef,
    Precision,
    Stage,
    to_dict,
)
from sitroom.store import WriteCounts, open_store, rows, synthetic


@pytest.fixture
def store():
    with open_store(":memory:") as s:
        yield s


def _counts(s) -> tuple[int, ...]:
    return tuple(
        s.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("articles", "events", "places", "actors", "failures")
    )


def test_write_new_then_known(store):
    res = list(synthetic.results(10, n_events=4))
    assert store.write(res) == WriteCounts(new=10, known=0, failed=0, events=40)
    before = _counts(store)
    assert before == (10, 40, 40, 80, 0)
    assert store.write(res) == WriteCounts(new=0, known=10, failed=0, events=0)
    assert _counts(store) == before


def test_same_article_twice_in_one_call(store):
    r = synthetic.article_result(1)
    assert store.write([r, r]) == WriteCounts(new=1, known=1, failed=0, events=3)
    assert _counts(store)[:2] == (1, 3)


def test_small_batches_give_the_same_result(store):
    res = list(synthetic.results(7, n_events=2))
    assert store.write(res + res[:3], batch=2) == WriteCounts(new=7, known=3, failed=0, events=14)


def test_failures_recorded_once(store):
    bad = synthetic.failed_result("feed.jsonl:3", code="E_JSON", message="bad JSON")
    c = store.write([bad, bad, synthetic.failed_result("empty.txt")])
    assert c == WriteCounts(new=0, known=0, failed=3, events=0)
    assert store.write([bad]).failed == 1
    rows_ = store.con.execute("SELECT source, stage, code, message FROM failures ORDER BY source").fetchall()
    assert rows_ == [
        ("empty.txt", "ingest", "E_EMPTY", "no text after extraction"),
        ("feed.jsonl:3", "ingest", "E_JSON", "bad JSON"),
    ]


def test_article_with_a_failure_is_stored_and_the_failure_too(store):
    r = synthetic.article_result(2)
    f = Failure(
        source="x.html", stage=Stage.RESOLVE, code="E_RESOLVE", message="boom", article_id=r.article.id
    )
    c = store.write([replace(r, failures=(f,))])
    assert (c.new, c.failed, c.events) == (1, 1, 3)
    assert store.con.execute("SELECT article_id, stage FROM failures").fetchall() == [
        (r.article.id, "resolve")
    ]


def test_record_column_is_to_dict(store):
    res = list(synthetic.results(5, n_events=3))
    store.write(res)
    stored = {i: json.loads(rec) for i, rec in store.con.execute("SELECT id, record FROM events").fetchall()}
    for r in res:
        for e in r.events:
            assert stored[e.id] == to_dict(e)


def test_json_columns_are_cut_from_the_record(store):
    r = synthetic.article_result(0, n_events=1)  # MOBILIZE, with a personnel quantity
    store.write([r])
    src, tgt, qty = store.con.execute("SELECT source, target, quantities FROM events").fetchone()
    e = to_dict(r.events[0])
    assert (json.loads(src), json.loads(tgt), json.loads(qty)) == (e["source"], e["target"], e["quantities"])
    assert json.loads(qty)["personnel"]["value"] == 100.0


def test_flattened_columns(store):
    e = synthetic.article_result(0, n_events=1).events[0]
    e = replace(
        e,
        source=(
            ActorRef(text="Russian troops", name="Russia", country="RUS", sector="MIL", id="RUS"),
            ActorRef(text="Wagner", sector="REB"),
        ),
        location=PlaceRef(
            text="Airbase 101",
            name="Airbase 101",
            country="NER",
            lat=13.48,
            lon=2.18,
            precision=Precision.FACILITY,
            geonames_id=123,
            icao="DRRN",
        ),
    )
    r = synthetic.article_result(0, n_events=1)
    store.write([replace(r, events=(e,))])
    got = store.con.execute(
        "SELECT source_country, source_sector, source_name, source_actor_id, actor_search, location_country, "
        "location_precision, location_geonames_id, location_icao, date_start, date_end, hedged FROM events"
    ).fetchone()
    assert got[:4] == (["RUS"], ["MIL", "REB"], ["Russia", "Wagner"], ["RUS"])
    assert "wagner" in got[4].split("\n") and "rus" in got[4].split("\n")
    assert got[5:9] == ("NER", "facility", 123, "DRRN")
    assert got[9] == got[10] == date(2024, 5, 1)


def test_duplicate_event_id_keeps_first(store):
    r = synthetic.article_result(3, n_events=2)
    dup = replace(r.events[1], id=r.events[0].id)
    c = store.write([replace(r, events=(r.events[0], dup))])
    assert c.events == 1
    assert store.con.execute("SELECT event_type FROM events").fetchone()[0] == r.events[0].event_type


def test_places_and_actors_rows(store):
    r = synthetic.article_result(4, n_events=2)
    store.write([r])
    places = store.con.execute(
        "SELECT article_id, name, country, precision FROM places ORDER BY name"
    ).fetchall()
    assert places == sorted((r.article.id, p.name, p.country, "city") for p in r.places)
    assert store.con.execute("SELECT count(*) FROM actors").fetchone()[0] == len(r.actors)


def test_known_ids(store):
    res = list(synthetic.results(3))
    store.write(res[:2])
    ids = [r.article.id for r in res]
    assert store.known_ids(ids) == set(ids[:2])
    assert store.known_ids([]) == set()


def test_info(store, tmp_path):
    store.write(synthetic.results(6, n_events=3))
    store.write([synthetic.failed_result("a")])
    info = store.info()
    assert {k: info[k] for k in ("articles", "events", "failures", "places")} == {
        "articles": 6,
        "events": 18,
        "failures": 1,
        "places": 18,
    }
    assert sum(info["event_types"].values()) == 18
    assert set(info["event_types"]) == {"MOBILIZE", "CONSULT", "ASSAULT"}
    assert info["schema_version"] == len(info["migrations"])
    with open_store(tmp_path / "f.duckdb") as s:
        s.write(synthetic.results(2))
        s.con.execute("CHECKPOINT")
        assert s.info()["size_bytes"] > 0


def test_write_tables_needs_every_table(store):
    t = rows.tables(synthetic.results(1))
    del t["places"]
    with pytest.raises(StoreError, match="places"):
        store.write_tables(t)


def test_write_tables_is_idempotent_in_sql(store):
    t = rows.tables(synthetic.results(4))
    assert store.write_tables(t).new == 4
    again = store.write_tables(t)  # e.g. a Parquet shard loaded twice after a crash
    assert (again.new, again.known, again.events) == (0, 4, 0)
    assert _counts(store)[:2] == (4, 12)


def test_file_store_persists(tmp_path):
    path = tmp_path / "p.duckdb"
    with open_store(path) as s:
        s.write(synthetic.results(3))
    with open_store(path, read_only=True) as s:
        assert s.info()["events"] == 9


@pytest.mark.parametrize(
    ("value", "precision", "start", "end"),
    [
        ("2024-05-02", "day", date(2024, 5, 2), date(2024, 5, 2)),
        ("2024-05-02", None, date(2024, 5, 2), date(2024, 5, 2)),
        ("2024-05-06", "week", date(2024, 5, 6), date(2024, 5, 12)),
        ("2024-W19", "week", date(2024, 5, 6), date(2024, 5, 12)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2024-02-10", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023", "year", date(2023, 1, 1), date(2023, 12, 31)),
        ("2024-05-02T10:00:00", "day", date(2024, 5, 2), date(2024, 5, 2)),
        ("2024-13", "month", None, None),
        ("soon", None, None, None),
        (None, None, None, None),
    ],
)
def test_date_span(value, precision, start, end):
    assert rows.date_span(value, precision) == (start, end)


def test_dumps_and_plain_match_to_dict():
    res = list(synthetic.results(6, n_events=3))
    bare = replace(res[0].events[0], location=None, date=None, attribution=None, quantities={}, source=())
    for rec in [bare, res[0].article, *res[0].failures, *(e for r in res for e in r.events)]:
        assert json.loads(rows.dumps(rec)) == to_dict(rec)
        assert rows.plain(rec) == to_dict(rec)
    fail = synthetic.failed_result("x").failures[0]
    assert rows.plain(fail) == to_dict(fail)
    with pytest.raises(TypeError):
        rows.dumps(object())


def test_failure_id_depends_on_source_and_code():
    assert rows.failure_id("a", "E_JSON") == rows.failure_id("a", "E_JSON")
    assert (
        len({rows.failure_id("a", "E_JSON"), rows.failure_id("a", "E_EMPTY"), rows.failure_id("b", "E_JSON")})
        == 3
    )


def test_empty_result_without_article_or_failure_is_ignored(store):
    assert store.write([ArticleResult(article=None)]) == WriteCounts()


def test_a_failed_batch_leaves_nothing_behind(store):
    t = rows.tables(synthetic.results(2))
    t["places"] = (
        t["places"].drop_columns(["lat"]).append_column("lat", t["places"].column("text"))
    )  # text → DOUBLE
    with pytest.raises(StoreError, match="writing to"):
        store.write_tables(t)
    assert _counts(store) == (0, 0, 0, 0, 0)
    assert store.write(synthetic.results(2)).new == 2  # the connection is usable again


def test_failures_are_listed_newest_first_and_filtered(tmp_path):
    from sitroom.records import ArticleResult, Failure, Stage
    from sitroom.store import open_store

    def failed(source: str, code: str) -> ArticleResult:
        return ArticleResult(
            article=None, failures=(Failure(source=source, stage=Stage.INGEST, code=code, message="m"),)
        )

    with open_store(tmp_path / "db.duckdb") as st:
        st.write([failed("a.csv", "E_RECORD"), failed("b.json", "E_JSON")])
        st.write([failed("c.csv", "E_RECORD")])
        assert [f["source"] for f in st.failures()] == ["c.csv", "a.csv", "b.json"]
        assert [f["source"] for f in st.failures(code="E_RECORD")] == ["c.csv", "a.csv"]
        assert [f["source"] for f in st.failures(source=".json")] == ["b.json"]
        assert len(st.failures(limit=1)) == 1
        assert set(st.failures()[0]) == {"source", "stage", "code", "message", "article_id", "recorded_at"}


def test_a_registered_table_never_hides_the_error_of_its_block():
    """After a failed statement (or Ctrl-C: DuckDB's interrupt) in a transaction, DuckDB refuses even
    to unregister a view; that error must not replace the one that stopped the block."""
    import duckdb
    import pyarrow as pa

    from sitroom.store import registered

    con = duckdb.connect()
    con.execute("CREATE TABLE t (a INTEGER PRIMARY KEY)")
    con.execute("BEGIN")
    with pytest.raises(duckdb.ConstraintException), registered(con, "_x", pa.table({"a": [1, 1]})) as name:
        con.execute(f"INSERT INTO t SELECT a FROM {name}")
    con.execute("ROLLBACK")
    with registered(con, "_x", pa.table({"a": [2]})):
        con.execute("INSERT INTO t SELECT a FROM _x")
    assert con.execute("SELECT a FROM t").fetchall() == [(2,)]
    with pytest.raises(duckdb.CatalogException):
        con.execute("SELECT * FROM _x")  # gone after the block
