"""Stories, one story's provenance tree, and force presence through the in-process client, checked
against the query layer they wrap; plus the tree builder on hand-made members."""

from __future__ import annotations

import pytest
from servekit import N_ARTICLES

from sitroom.query.presence import presence
from sitroom.query.stories import StoryFilter, stories, story
from sitroom.serve.stories import provenance_tree
from sitroom.store import open_store


def get(client, path, **params):
    r = client.get(path, params=params)
    return r.status_code, r.json()


def test_stories_list_matches_the_query_layer(client, db_path):
    status, body = get(client, "/api/stories")
    assert status == 200 and body["ok"] is True
    with open_store(db_path, read_only=True) as store:
        expected = stories(store, StoryFilter(limit=100))
    assert body["stories"] == expected and body["count"] == len(expected) >= 1
    s = body["stories"][0]
    assert {
        "id",
        "title",
        "first_seen",
        "last_seen",
        "independent_sources",
        "article_count",
        "outlets",
    } <= set(s)
    assert s["article_count"] == len(s["articles"]) == N_ARTICLES + 1  # every article joined one story
    assert 1 <= s["independent_sources"] < s["article_count"]  # copies are not independent
    assert {a["relation"] for a in s["articles"]} >= {"origin", "copy"}


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"country": "NER"}, 1),
        ({"country": "FJI"}, 0),
        ({"since": "2030-01-01"}, 0),
        ({"until": "2000"}, 0),
        ({"since": "2024-01", "until": "2024-12"}, 1),
        ({"limit": 1}, 1),
    ],
)
def test_story_filters(client, params, count):
    status, body = get(client, "/api/stories", **params)
    assert status == 200 and body["count"] == count


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"country": "Niger"}, "ISO 3166-1 alpha-3"),
        ({"since": "May 2024"}, "since must be an ISO date"),
        ({"until": "2024-13"}, "until must be an ISO date"),
        ({"limit": 0}, "limit"),
        ({"limit": 100_000}, "limit"),
    ],
)
def test_story_filter_errors_are_422_in_the_envelope(client, params, needle):
    status, body = get(client, "/api/stories", **params)
    assert status == 422 and body["ok"] is False and body["code"] == "E_USAGE" and needle in body["error"]


def test_one_story_with_its_tree(client, db_path):
    _, listed = get(client, "/api/stories")
    sid = listed["stories"][0]["id"]
    for key in (sid, sid[:8]):  # a unique prefix works too
        status, body = get(client, f"/api/stories/{key}")
        assert status == 200 and body["story"]["id"] == sid
    with open_store(db_path, read_only=True) as store:
        assert body["story"] == story(store, sid)
    tree = body["tree"]

    def walk(nodes, parent=None):
        for n in nodes:
            yield n, parent
            yield from walk(n["children"], n["id"])

    flat = list(walk(tree))
    assert len(flat) == len(body["story"]["articles"])  # every article once
    assert {n["id"] for n, _ in flat} == {a["id"] for a in body["story"]["articles"]}
    for node, parent in flat:
        assert "title" in node and "outlet" in node
        if parent is not None:
            assert node["derived_from"] == parent and node["relation"] in ("copy", "rewrite")
    assert any(n["relation"] == "origin" for n in tree)
    ids = {i for e in body["story"]["events"] for i in e["event_ids"]}
    assert ids and set(body["event_articles"]) == ids


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/stories/st-nothing-like-it", 404, "E_NOT_FOUND"),
        ("/api/stories/bad%20id", 422, "E_USAGE"),
    ],
)
def test_story_errors(client, path, status, code):
    r = client.get(path)
    assert r.status_code == status and r.json()["ok"] is False and r.json()["code"] == code


def test_an_event_names_its_story(client):
    _, page = get(client, "/api/events", limit=1)
    _, one = get(client, f"/api/events/{page['events'][0]['id']}")
    _, listed = get(client, "/api/stories")
    assert one["story_id"] == listed["stories"][0]["id"]


def test_presence_matches_the_query_layer(client, db_path):
    status, body = get(client, "/api/presence")
    assert status == 200 and body["ok"] is True and body["as_of"] is None
    with open_store(db_path, read_only=True) as store:
        assert body["presence"] == presence(store)
    rows = body["presence"]
    assert {(r["force"]["country"], r["host"]) for r in rows} >= {("RUS", "NER"), ("USA", "MLI")}
    for r in rows:
        assert r["status"] in ("arriving", "present", "ordered_out", "withdrawing", "withdrawn")
        assert r["evidence"] and set(r["evidence"]) <= set(body["event_articles"])


@pytest.mark.parametrize(
    ("params", "forces"),
    [
        ({"host": "NER"}, {"RUS"}),
        ({"force": "USA"}, {"USA"}),
        ({"host": "FJI"}, set()),
        ({"as_of": "2000-01-01"}, set()),  # before any evidence
    ],
)
def test_presence_filters(client, params, forces):
    status, body = get(client, "/api/presence", **params)
    assert status == 200 and {r["force"]["country"] for r in body["presence"]} == forces


@pytest.mark.parametrize(
    ("params", "needle"),
    [({"as_of": "yesterday"}, "as_of must be an ISO date"), ({"host": "ne"}, "did you mean NER")],
)
def test_presence_errors(client, params, needle):
    for path in ("/api/presence", "/api/presence.geojson"):
        status, body = get(client, path, **params)
        assert status == 422 and body["code"] == "E_USAGE" and needle in body["error"]


def test_presence_geojson(client):
    r = client.get("/api/presence.geojson")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and fc["features"]
    by_force = {f["properties"]["force_country"]: f for f in fc["features"]}
    ru = by_force["RUS"]
    assert ru["geometry"] == {"type": "Point", "coordinates": [2.1098, 13.5137]}  # Niamey, [lon, lat]
    assert ru["properties"]["force_numeric"] == "643" and ru["properties"]["host_numeric"] == "562"
    assert ru["properties"]["site"] == "Niamey" and ru["properties"]["status"]


def m(i, rel="copy", parent=None):
    return {"id": i, "relation": rel, "derived_from": parent}


@pytest.mark.parametrize(
    ("members", "shape"),
    [
        ([m("a", "origin"), m("b", parent="a"), m("c", parent="b")], {"a": ["b"], "b": ["c"], "c": []}),
        ([m("a", "origin"), m("b", "independent")], {"a": [], "b": []}),
        ([m("a", "origin"), m("b", parent="gone")], {"a": [], "b": []}),  # parent outside the story
        ([m("a", parent="b"), m("b", parent="a")], {"a": [], "b": []}),  # a loop: both become roots
        ([m("a", parent="a")], {"a": []}),  # derived from itself
    ],
)
def test_provenance_tree_shapes(members, shape):
    roots = provenance_tree(members, {"a": {"title": "A"}})
    seen = {}

    def walk(nodes):
        for n in nodes:
            seen[n["id"]] = [k["id"] for k in n["children"]]
            walk(n["children"])

    walk(roots)
    assert seen == shape
    assert all(n.get("title") == "A" for n in roots if n["id"] == "a")
