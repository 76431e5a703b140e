"""Every output format, parsed back; untrusted text printed literally."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from sitroom.errors import UsageError
from sitroom.output import (
    CSV_COLUMNS,
    FORMATS,
    render_events,
    render_failures,
    render_info,
    render_results,
)
from sitroom.records import PlaceRef, to_dict
from sitroom.store import synthetic

EVIL = "[bold]x[/bold] then [link=https://evil.example]click[/link] and \x1b[2J\x1b[31mred"


@pytest.fixture
def results():
    ok = synthetic.article_result(1, n_events=3)
    e0, e1, e2 = ok.events
    e0 = replace(e0, evidence=replace(e0.evidence, sentence=EVIL))
    e1 = replace(e1, location=None)  # unlocated: no GeoJSON feature
    e2 = replace(e2, evidence=replace(e2.evidence, sentence='=HYPERLINK("http://x")'))
    ok = replace(ok, events=(e0, e1, e2))
    return [ok, synthetic.failed_result("missing.txt", code="E_NOT_FOUND", message="no such file")]


def _render(fn, *args, **kw) -> str:
    buf = io.StringIO()
    fn(*args, file=buf, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("fn", [render_results, render_events, render_info])
def test_unknown_format_lists_the_formats(fn):
    with pytest.raises(UsageError) as e:
        fn([] if fn is not render_info else {}, "xml", file=io.StringIO())
    for f in FORMATS:
        assert f in str(e.value)


def test_json_one_object_per_input(results):
    data = json.loads(_render(render_results, results, "json"))
    assert isinstance(data, list) and len(data) == 2
    ok, bad = data
    assert set(ok) == {"article", "events", "places", "actors", "failures"}
    assert set(ok["article"]) == {"id", "ref", "url", "outlet", "title", "published", "removed"}
    assert ok["article"]["removed"] == ["READ MORE: something else"]
    assert ok["events"] == [to_dict(e) for e in results[0].events]
    assert set(ok["places"][0]) == {
        "start",
        "end",
        "text",
        "name",
        "country",
        "admin1",
        "lat",
        "lon",
        "precision",
        "gazetteer_id",
        "geonames_id",
    }
    assert set(ok["actors"][0]) == {"start", "end", "text", "name", "country", "sector", "kind"}
    assert ok["failures"] == []
    assert bad["article"]["id"] is None and bad["article"]["ref"] == "missing.txt"
    assert bad["events"] == [] and bad["failures"][0]["code"] == "E_NOT_FOUND"
    assert bad["failures"][0]["stage"] == "ingest"


def test_json_place_values(results):
    p = PlaceRef(
        text="Airbase 101",
        name="Airbase 101",
        country="NER",
        lat=13.48,
        lon=2.18,
        start=5,
        end=16,
        icao="DRRN",
    )
    r = replace(results[0], places=(p,))
    place = json.loads(_render(render_results, [r], "json"))[0]["places"][0]
    assert place == {
        "start": 5,
        "end": 16,
        "text": "Airbase 101",
        "name": "Airbase 101",
        "country": "NER",
        "admin1": None,
        "lat": 13.48,
        "lon": 2.18,
        "precision": None,
        "gazetteer_id": None,
        "geonames_id": None,
    }


def test_jsonl_one_event_per_line(results):
    lines = _render(render_results, results, "jsonl").splitlines()
    assert len(lines) == 3
    for line, e in zip(lines, results[0].events, strict=True):
        d = json.loads(line)
        assert d["article_ref"] == "syn-1" and d["article_id"] == e.article_id
        assert {k: v for k, v in d.items() if k != "article_ref"} == to_dict(e)


def test_csv_flat_rows(results):
    rows = list(csv.DictReader(io.StringIO(_render(render_results, results, "csv"))))
    assert len(rows) == 3
    assert list(rows[0]) == list(CSV_COLUMNS)
    e0 = results[0].events[0]
    r0 = rows[0]
    assert r0["id"] == e0.id and r0["article_ref"] == "syn-1"
    assert r0["source"] == e0.source[0].name and r0["source_country"] == (e0.source[0].country or "")
    assert float(r0["lat"]) == e0.location.lat and float(r0["lon"]) == e0.location.lon
    assert r0["negated"] == "false" and r0["evidence"] == EVIL
    assert rows[1]["lat"] == "" and rows[1]["location_name"] == ""
    assert rows[2]["evidence"].startswith("'=HYPERLINK")  # no formula runs in a spreadsheet
    mobilize = [r for r in rows if r["event_type"] == "MOBILIZE"]
    for r in mobilize:
        assert json.loads(r["quantities"])["personnel"] > 0


def test_csv_multi_valued_cells():
    r = synthetic.article_result(0, n_events=1)
    e = r.events[0]
    two = replace(e, source=e.source + e.target, context=("military", "border"))
    row = next(csv.DictReader(io.StringIO(_render(render_events, [to_dict(two)], "csv"))))
    assert row["source"] == f"{e.source[0].name}; {e.target[0].name}"
    assert row["context"] == "military; border"


def test_geojson_located_events_only(results):
    gj = json.loads(_render(render_results, results, "geojson"))
    assert gj["type"] == "FeatureCollection"
    located = [e for e in results[0].events if e.location]
    assert [f["id"] for f in gj["features"]] == [e.id for e in located]
    for f, e in zip(gj["features"], located, strict=True):
        assert f["geometry"] == {"type": "Point", "coordinates": [e.location.lon, e.location.lat]}
        assert f["properties"]["event_type"] == e.event_type
        assert f["properties"]["article_ref"] == "syn-1"


def test_table_lists_events_failures_and_summary(results, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    out = _render(render_results, results, "table")
    assert "Synthetic report 1" in out
    for e in results[0].events:
        assert e.event_type in out
    assert "missing.txt" in out and "E_NOT_FOUND" in out
    assert out.strip().splitlines()[-1] == "2 inputs, 3 events, 1 failed"


def test_table_prints_markup_literally(results, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    for out in (
        _render(render_results, results, "table"),
        _render(render_events, [to_dict(e) for e in results[0].events], "table"),
    ):
        assert "[bold]x[/bold]" in out
        assert "[link=https://evil.example]click[/link]" in out
        assert "\x1b" not in out  # the ANSI escapes in the evidence never reach the terminal


def test_hostile_title_and_failure_message(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    r = synthetic.article_result(2, n_events=1)
    r = replace(r, article=replace(r.article, title="[red]T[/red]"))
    bad = synthetic.failed_result("[blink]f[/blink]", message="[/] oops")
    out = _render(render_results, [r, bad], "table")
    assert "[red]T[/red]" in out and "[blink]f[/blink]" in out and "[/] oops" in out


def test_render_events_formats_from_store_dicts():
    evs = [to_dict(e) for e in synthetic.article_result(5, n_events=2).events]
    aid = evs[0]["article_id"]
    assert json.loads(_render(render_events, evs, "json")) == evs
    lines = [json.loads(x) for x in _render(render_events, evs, "jsonl", refs={aid: "r.txt"}).splitlines()]
    assert [x["article_ref"] for x in lines] == ["r.txt", "r.txt"]
    assert [x["article_ref"] for x in map(json.loads, _render(render_events, evs, "jsonl").splitlines())] == [
        None,
        None,
    ]
    assert len(json.loads(_render(render_events, evs, "geojson"))["features"]) == 2


def test_render_events_table_summary(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    evs = [to_dict(e) for e in synthetic.article_result(5, n_events=2).events]
    out = _render(render_events, evs, "table", refs={evs[0]["article_id"]: "r.txt"})
    assert "r.txt" in out and out.strip().splitlines()[-1] == "2 events"
    assert _render(render_events, [], "table").strip() == "0 events"


def test_render_failures_goes_to_the_given_file():
    out = _render(render_failures, synthetic.failed_result("x.txt").failures)
    assert "x.txt" in out and "E_EMPTY" in out


INFO = {
    "path": "s.duckdb",
    "articles": 3,
    "events": 7,
    "event_types": {"ASSAULT": 4, "AID": 3},
    "migrations": ["0001_a", "0002_b"],
}


def test_render_info_formats(monkeypatch):
    assert json.loads(_render(render_info, INFO, "json")) == INFO
    assert json.loads(_render(render_info, INFO, "jsonl")) == INFO
    rows = {r["key"]: r["value"] for r in csv.DictReader(io.StringIO(_render(render_info, INFO, "csv")))}
    assert (
        rows["events"] == "7"
        and rows["event_types.ASSAULT"] == "4"
        and rows["migrations"] == "0001_a, 0002_b"
    )
    monkeypatch.setenv("COLUMNS", "200")
    table = _render(render_info, INFO, "table")
    assert "event_types.AID" in table and "s.duckdb" in table
    with pytest.raises(UsageError, match="geojson is for events"):
        render_info(INFO, "geojson", file=io.StringIO())


def test_empty_results():
    assert json.loads(_render(render_results, [], "json")) == []
    assert _render(render_results, [], "jsonl") == ""
    assert _render(render_results, [], "csv").strip() == ",".join(CSV_COLUMNS)
    assert json.loads(_render(render_results, [], "geojson")) == {"type": "FeatureCollection", "features": []}
