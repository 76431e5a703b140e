"""The two-step page read (ids first, then records) against a plain one-pass read, one event by id,
the counts for dashboards, and the small lookups the API uses for links."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from sitroom.errors import UsageError
from sitroom.query import (
    EventFilter,
    article_heads,
    count_events,
    event,
    event_articles,
    event_page,
    events,
    stats,
)
from sitroom.query.events import ORDER, where
from sitroom.store import open_store, synthetic

N = 30  # synthetic articles × 3 events


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with open_store(str(tmp_path_factory.mktemp("pages") / "p.duckdb")) as s:
        s.write(synthetic.results(N))
        yield s


def one_pass(store, flt):
    cond, params = where(flt)
    rows = store.cursor().execute(f"SELECT record FROM events WHERE {cond} {ORDER}", params).fetchall()
    return [json.loads(r[0]) for r in rows]


FILTERS = [
    EventFilter(),
    EventFilter(country="NER"),
    EventFilter(event_type="ASSAULT,CONSULT"),
    EventFilter(actor="russia", since="2024-05-05"),
    EventFilter(near="13.5,2.1,100"),
    EventFilter(text="nothing like this at all"),
]


@pytest.mark.parametrize("flt", FILTERS)
@pytest.mark.parametrize("limit", [1, 7, 50])
def test_pages_in_two_steps_equal_one_pass(store, flt, limit):
    want = one_pass(store, flt)
    got, cursor = [], None
    while True:
        page = event_page(store, replace(flt, limit=limit, cursor=cursor), total=cursor is None)
        if cursor is None:
            assert page.total == len(want) == count_events(store, flt)
        got += [json.loads(r) for r in page.records]
        if len(page.records) < limit:
            break
        cursor = page.next_cursor
    assert [e["id"] for e in got] == [e["id"] for e in want] and got == want


@pytest.mark.parametrize("flt", FILTERS[:3])
def test_offset_and_unbounded_reads(store, flt):
    want = one_pass(store, flt)
    assert events(store, flt) == want  # no limit: one pass
    assert events(store, replace(flt, limit=5, offset=3)) == want[3:8]
    page = event_page(store, replace(flt, limit=5, offset=3), total=True)
    assert page.total == len(want)  # the count ignores paging


def test_one_event_by_id(store):
    first = events(store, EventFilter(limit=1))[0]
    assert event(store, first["id"]) == first
    assert event(store, "no-such-event") is None


def test_lookups_for_links(store):
    evs = events(store, EventFilter(limit=4))
    assert event_articles(store, [e["id"] for e in evs] + ["nope"]) == {e["id"]: e["article_id"] for e in evs}
    assert event_articles(store, []) == {}
    heads = article_heads(store, [evs[0]["article_id"], "nope"])
    assert set(heads) == {evs[0]["article_id"]}
    assert {"title", "outlet", "published", "url", "ref"} == set(heads[evs[0]["article_id"]])


@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_stats(store, interval):
    got = stats(store, EventFilter(country="NER"), interval=interval)
    assert got["total"] == count_events(store, EventFilter(country="NER")) > 0
    assert sum(r["count"] for r in got["by_type"]) == got["total"]
    assert sum(r["count"] for r in got["by_period"]) + got["undated"] == got["total"]
    keys = [r["key"] for r in got["by_period"]]
    assert keys == sorted(keys)


def test_stats_interval_is_checked(store):
    with pytest.raises(UsageError, match="interval must be one of day, week, month"):
        stats(store, interval="year")


class MovedRows:
    """A store whose second step finds other rows, as if a write moved row ids in between."""

    def __init__(self, store):
        self.store = store

    def cursor(self):
        real = self.store.cursor()

        class Cur:
            def execute(self, sql, params=()):
                if "rowid = ANY" in sql:
                    sql = sql.replace("SELECT rowid,", "SELECT rowid + 1,")
                return real.execute(sql, params)

        return Cur()


def test_moved_row_ids_fall_back_to_primary_keys(store):
    flt = EventFilter(country="NER", limit=10)
    assert event_page(MovedRows(store), flt).records == event_page(store, flt).records
