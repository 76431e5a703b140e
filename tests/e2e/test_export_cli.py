"""`sitroom export`, `sitroom watch` and `--map` through the CLI runner."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from sitroom.cli import app
from sitroom.store import open_store
from sitroom.store.synthetic import results

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "s.duckdb"
    with open_store(path) as store:
        store.write(results(5, n_events=3))
    return str(path)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("plover-jsonl", "e.jsonl"), ("gdelt-tsv", "e.tsv"), ("acled-csv", "e.csv"), ("geojson", "e.geojson"),
     ("parquet", "e.parquet")],
)  # fmt: skip
def test_export_each_format(db, tmp_path, fmt, name):
    out = tmp_path / name
    r = runner.invoke(app, ["export", "--format", fmt, "--db", db, "--out", str(out), "--country", "NER"])
    assert r.exit_code == 0, r.output
    assert out.exists() and "wrote" in r.stderr
    if fmt == "plover-jsonl":
        recs = [json.loads(x) for x in out.read_text().splitlines()]
        assert recs and all("event" in x for x in recs)
    elif fmt == "gdelt-tsv":
        rows = list(csv.reader(out.read_text().splitlines(), delimiter="\t"))
        assert rows and {len(x) for x in rows} == {61}
    elif fmt == "acled-csv":  # the events left out are counted, with why
        assert "matching events left out: they have no ACLED event type" in r.stderr
    elif fmt == "parquet":
        assert pq.read_table(out).num_rows > 0
    elif fmt == "geojson":
        assert json.loads(out.read_text())["features"]


def test_export_refuses_overwrite_and_bad_format(db, tmp_path):
    out = tmp_path / "e.tsv"
    out.write_text("x")
    r = runner.invoke(app, ["export", "-f", "gdelt-tsv", "--db", db, "--out", str(out)])
    assert r.exit_code == 2 and "--force" in r.stderr
    r = runner.invoke(app, ["export", "-f", "gdelt-tsv", "--db", db, "--out", str(out), "--force"])
    assert r.exit_code == 0 and out.read_text() != "x"
    r = runner.invoke(app, ["export", "-f", "xml", "--db", db, "--out", str(tmp_path / "a")])
    assert r.exit_code == 2 and "plover-jsonl" in r.stderr


def test_bad_map_is_a_usage_error(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("body\nhello\n")
    r = runner.invoke(app, ["run", str(f), "--map", "body=text"])
    assert r.exit_code == 2 and "unknown field" in r.stderr


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><guid>w1</guid><title>Troops enter base</title><pubDate>Fri, 03 May 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;NIAMEY, May 3 - Russian troops entered Airbase 101 in Niamey, Niger on Thursday,
a senior U.S. defense official said.&lt;/p&gt;</description></item></channel></rss>"""


@pytest.mark.slow
def test_watch_remembers_entries(tmp_path):
    feed = tmp_path / "wire.rss"
    feed.write_text(FEED)
    db = str(tmp_path / "w.duckdb")
    r = runner.invoke(app, ["watch", str(feed), "--db", db, "--every", "0s", "--max-rounds", "2"])
    assert r.exit_code == 0, r.output
    assert "round 1" in r.stderr and "1 new entries" in r.stderr
    assert "round 2" in r.stderr and "0 new entries" in r.stderr
    with open_store(db, read_only=True) as s:
        assert s.info()["articles"] == 1
        assert s.cursor().execute("SELECT entry_key FROM feed_seen").fetchall() == [("w1",)]


def test_watch_refuses_to_poll_forever_without_a_pause(tmp_path):
    r = runner.invoke(
        app, ["watch", str(tmp_path / "wire.rss"), "--db", str(tmp_path / "w.duckdb"), "--every", "0"]
    )
    assert r.exit_code == 2 and "at least 1s when polling without --max-rounds" in r.stderr
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.slow
def test_ingest_csv_with_map(tmp_path):
    f = tmp_path / "n.csv"
    f.write_text(
        "uid,body,date\n"
        'c1,"Russian troops entered Airbase 101 in Niamey, Niger, officials said.",2024-05-03\n'
    )
    db = str(tmp_path / "m.duckdb")
    r = runner.invoke(app, ["ingest", str(f), "--db", db, "--map", "text=body,id=uid,published=date"])
    assert r.exit_code == 0, r.output
    with open_store(db, read_only=True) as s:
        assert s.cursor().execute("SELECT ref, published FROM articles").fetchall() == [("c1", "2024-05-03")]
