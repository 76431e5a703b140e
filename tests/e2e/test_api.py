"""The HTTP API end to end: the real pipeline behind POST /api/articles, then every read endpoint
over what it stored, through the in-process client (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install 'sitroom[serve]'")

from fastapi.testclient import TestClient  # noqa: E402

from sitroom.serve import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TOKEN = "e2e-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    db = tmp_path_factory.mktemp("api") / "api.duckdb"
    with TestClient(create_app(str(db), token=TOKEN)) as c:
        yield c


@pytest.fixture(scope="module")
def posted(api):
    """Every example: the .txt files as text/plain, the .html as text/html, wire.jsonl as one JSON batch."""
    out = []
    for f in sorted(EXAMPLES.glob("*.txt")):
        r = api.post(
            "/api/articles",
            content=f.read_bytes(),
            headers=AUTH | {"Content-Type": "text/plain"},
            params={"url": f"https://example.test/{f.stem}"},
        )
        assert r.status_code == 200, r.text
        out += r.json()["articles"]
    for f in sorted(EXAMPLES.glob("*.html")):
        r = api.post("/api/articles", content=f.read_bytes(), headers=AUTH | {"Content-Type": "text/html"})
        assert r.status_code == 200, r.text
        out += r.json()["articles"]
    records = [
        json.loads(line) for line in (EXAMPLES / "wire.jsonl").read_text().splitlines() if line.strip()
    ]
    r = api.post("/api/articles", json=records, headers=AUTH)
    assert r.status_code == 200, r.text
    out += r.json()["articles"]
    return out


def test_every_example_is_stored_with_a_status(api, posted):
    assert len(posted) >= 10
    assert all(a["status"] in ("new", "failed") and a["article_id"] for a in posted)
    for a in posted:
        body = api.get(f"/api/articles/{a['article_id']}").json()
        assert body["ok"] and body["article"]["id"] == a["article_id"]
        assert len(body["events"]) == a["events"]
        text = body["article"]["text"]
        for s, ev in zip(
            body["spans"], sorted(body["events"], key=lambda e: e["evidence"]["start"]), strict=True
        ):
            assert text[s["start"] : s["end"]] == ev["evidence"]["sentence"]


def test_reads_agree_with_each_other(api, posted):
    page = api.get("/api/events", params={"limit": 1000}).json()
    stats = api.get("/api/stats").json()
    assert page["total"] == stats["total"] == sum(a["events"] for a in posted)
    fc = api.get("/api/events.geojson", params={"limit": 1000}).json()
    assert len(fc["features"]) == page["total"] - stats["unlocated"]
    for ev in page["events"][:5]:
        assert api.get(f"/api/events/{ev['id']}").json()["event"] == ev


def test_posting_again_changes_nothing(api, posted):
    f = sorted(EXAMPLES.glob("*.txt"))[0]
    r = api.post(
        "/api/articles",
        content=f.read_bytes(),
        headers=AUTH | {"Content-Type": "text/plain"},
        params={"url": f"https://example.test/{f.stem}"},
    )
    assert r.json()["articles"][0]["status"] == "known"
    assert r.json()["counts"]["new"] == 0


def test_stories_and_presence_over_the_examples(api, posted):
    new = [a for a in posted if a["status"] == "new"]
    body = api.get("/api/stories", params={"limit": 500}).json()
    assert body["ok"] and body["count"] >= 1
    # every stored article was linked into exactly one story when it was posted
    members = [a["id"] for s in body["stories"] for a in s["articles"]]
    assert sorted(members) == sorted(a["article_id"] for a in new)
    for s in body["stories"]:
        assert 1 <= s["independent_sources"] <= s["article_count"] == len(s["articles"])
        one = api.get(f"/api/stories/{s['id']}").json()
        assert one["story"]["id"] == s["id"] and len(one["tree"]) >= 1
    pres = api.get("/api/presence").json()
    assert pres["ok"] and pres["presence"], "the examples tell of troops arriving in and leaving Niger"
    assert "NER" in {r["host"] for r in pres["presence"]}
    fc = api.get("/api/presence.geojson").json()
    assert len(fc["features"]) == len(pres["presence"])
