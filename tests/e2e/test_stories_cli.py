"""`sitroom stories`, `story` and `presence` through the CLI runner (the contract outside checks use)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitroom.cli import app

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus" / "stories"
SEED = ROOT.parent / "shared" / "data" / "dev" / "seed"
runner = CliRunner()

pytestmark = pytest.mark.slow


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("stories") / "s.duckdb")
    r = invoke("ingest", str(CORPUS / "articles.jsonl"), "--db", db)
    assert r.exit_code == 0, r.output
    return db


def test_stories_json_contract(corpus_db):
    r = invoke("stories", "--db", corpus_db, "--format", "json")
    assert r.exit_code == 0, r.output
    stories = json.loads(r.stdout)
    assert len(stories) == 3
    for s in stories:
        assert {"id", "title", "first_seen", "last_seen", "independent_sources", "events", "articles"} <= set(
            s
        )
        for a in s["articles"]:
            assert {
                "ref",
                "id",
                "outlet",
                "published",
                "relation",
                "derived_from",
                "attribution_dropped",
            } <= set(a)
            assert a["relation"] in ("origin", "copy", "rewrite", "independent")
    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["stories"]
    by_ref = {a["ref"]: (s, a) for s in stories for a in s["articles"]}
    for exp in expected:
        refs = set(exp["articles"])
        (story,) = {by_ref[r][0]["id"] for r in refs}
        for ref, want in exp["articles"].items():
            s, a = by_ref[ref]
            ids = {x["id"]: x["ref"] for x in s["articles"]}
            assert a["relation"] == want["relation"], ref
            assert (ids.get(a["derived_from"]) if a["derived_from"] else None) == want["derived_from"], ref
            assert a["attribution_dropped"] == want["attribution_dropped"], ref
        assert by_ref[next(iter(refs))][0]["independent_sources"] == exp["independent_sources"]


def test_stories_filters(corpus_db):
    r = invoke("stories", "--db", corpus_db, "--since", "2024-05-01", "--format", "json")
    assert r.exit_code == 0, r.output
    assert {a["ref"] for s in json.loads(r.stdout) for a in s["articles"]} >= {
        "wire-ru-base",
        "indep-ru-base",
    }
    assert "accord-ended" not in r.stdout
    r = invoke("stories", "--db", corpus_db, "--country", "XX")
    assert r.exit_code == 2


def test_story_tree(corpus_db):
    stories = json.loads(invoke("stories", "--db", corpus_db, "--format", "json").stdout)
    big = max(stories, key=lambda s: len(s["articles"]))
    r = invoke("story", big["id"], "--db", corpus_db)
    assert r.exit_code == 0, r.output
    assert "attribution dropped" in r.stdout and "rewrite" in r.stdout and "copy" in r.stdout
    j = json.loads(invoke("story", big["id"], "--db", corpus_db, "--format", "json").stdout)
    assert j["id"] == big["id"] and len(j["articles"]) == 7
    assert invoke("story", "st-nope", "--db", corpus_db).exit_code == 2


@pytest.mark.shared
@pytest.mark.skipif(not SEED.is_dir(), reason=f"seed absent ({SEED})")
def test_seed_presence(tmp_path):
    db = str(tmp_path / "seed.duckdb")
    r = invoke("ingest", str(SEED / "article.txt"), "--published", "2024-05-03", "--db", db)
    assert r.exit_code == 0, r.output
    r = invoke("presence", "--db", db, "--as-of", "2024-05-03", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    for row in rows:
        assert {"force", "host", "site", "status", "from", "to", "size", "evidence"} <= set(row)
        assert {"country", "sector", "name"} <= set(row["force"])
    state = {(x["force"]["country"], x["force"]["sector"], x["host"]): x for x in rows}
    assert state[("RUS", "MIL", "NER")]["status"] == "present"
    assert state[("USA", "MIL", "NER")]["status"] in ("ordered_out", "withdrawing")
    assert state[("USA", "MIL", "NER")]["size"] == 1000
    assert state[("USA", "MIL", "TCD")]["status"] in ("withdrawing", "withdrawn")
    assert state[("FRA", "MIL", "MLI")]["status"] in ("withdrawing", "withdrawn")
    r = invoke("presence", "--db", db, "--host", "NER", "--force", "RUS")
    assert r.exit_code == 0 and "present" in r.stdout
    # "from Mali and Burkina Faso": one event per coordinated place, so both hosts appear.
    assert state[("FRA", "MIL", "BFA")]["status"] in ("withdrawing", "withdrawn")
