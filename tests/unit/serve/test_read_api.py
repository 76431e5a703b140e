"""Read endpoints through the in-process client: filters, paging, shapes, errors."""

from __future__ import annotations

import pytest

from sitroom.query import EventFilter, count_events
from sitroom.store import open_store

TOTAL = 20 * 3 + 1  # conftest: N_ARTICLES synthetic articles × 3 events, plus the hostile article's one


def get(client, path, **params):
    r = client.get(path, params=params)
    return r.status_code, r.json()


def test_events_all_and_shape(client):
    status, body = get(client, "/api/events", limit=1000)
    assert status == 200 and body["ok"] is True
    assert body["total"] == TOTAL == len(body["events"])
    assert body["next_cursor"] is None
    ev = body["events"][0]
    assert {"id", "article_id", "event_type", "evidence", "location", "date", "source", "target"} <= set(ev)


@pytest.mark.parametrize(
    ("params", "cli_filter"),
    [
        ({"country": "NER"}, {"country": "NER"}),
        ({"country": "ner"}, {"country": "NER"}),
        ({"type": "ASSAULT"}, {"event_type": "ASSAULT"}),
        ({"type": ["ASSAULT", "CONSULT"]}, {"event_type": ("ASSAULT", "CONSULT")}),
        ({"type": "assault,consult"}, {"event_type": ("ASSAULT", "CONSULT")}),
        ({"actor": "russia"}, {"actor": "russia"}),
        ({"since": "2024-05-10", "until": "2024-05-12"}, {"since": "2024-05-10", "until": "2024-05-12"}),
        ({"since": "2024-05-20"}, {"since": "2024-05-20"}),
        ({"near": "13.5,2.1,50"}, {"near": "13.5,2.1,50"}),
        ({"bbox": "-10,10,5,20"}, {"bbox": "-10,10,5,20"}),
        ({"text": "UNITED NATIONS"}, {"text": "united nations"}),
        ({"text": "<script>"}, {"text": "<script>"}),
        ({"country": "UKR", "type": "MOBILIZE"}, {"country": "UKR", "event_type": "MOBILIZE"}),
    ],
)
def test_filters_match_the_query_layer(client, db_path, params, cli_filter):
    status, body = get(client, "/api/events", limit=1000, **params)
    assert status == 200, body
    with open_store(db_path, read_only=True) as store:
        want = count_events(store, EventFilter(**cli_filter))
    assert 0 < want < TOTAL
    assert body["total"] == want == len(body["events"])


def test_cursor_pages_cover_everything_once_in_order(client):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 7, "country": "NER"} | ({"cursor": cursor} if cursor else {})
        _, body = get(client, "/api/events", **params)
        seen += body["events"]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    _, whole = get(client, "/api/events", limit=1000, country="NER")
    assert [e["id"] for e in seen] == [e["id"] for e in whole["events"]]
    assert len({e["id"] for e in seen}) == len(seen) and pages > 2


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"since": "2024-13-01"}, "since must be an ISO date"),
        ({"until": "yesterday"}, "until must be an ISO date"),
        ({"since": "2024-06-01", "until": "2024-05-01"}, "is after until"),
        ({"bbox": "1,2,3"}, "bbox must be 4"),
        ({"bbox": "0,50,10,40"}, "south edge"),
        ({"bbox": "0,0,200,10"}, "longitude"),
        ({"near": "13,2"}, "near must be 3"),
        ({"near": "13,2,-5"}, "more than 0 km"),
        ({"country": "NE"}, "alpha-3"),
        ({"type": "BOMBING"}, "unknown event type"),
        ({"limit": "0"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "100000"}, "less than or equal to 1000"),
        ({"cursor": "not-a-cursor"}, "is not one this server gave out"),
        ({"actor": "x" * 300}, "actor"),
    ],
)
def test_bad_parameters_are_422_with_a_clear_message(client, params, needle):
    status, body = get(client, "/api/events", **params)
    assert status == 422
    assert body["ok"] is False and body["code"].startswith("E_")
    assert needle in body["error"]


def test_geojson(client):
    r = client.get("/api/events.geojson", params={"country": "MLI", "limit": 3})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 3 and fc["next_cursor"]
    f = fc["features"][0]
    lon, lat = f["geometry"]["coordinates"]
    assert f["geometry"]["type"] == "Point" and (lat, lon) == (12.6392, -8.0029)  # Bamako, [lon, lat]
    assert f["properties"]["country"] == "MLI" and f["properties"]["event_type"]
    assert client.get("/api/events.geojson", params={"bbox": "x"}).status_code == 422


def test_one_event_and_unknown_ids(client):
    _, body = get(client, "/api/events", limit=1)
    ev = body["events"][0]
    status, one = get(client, f"/api/events/{ev['id']}")
    assert status == 200 and one["event"] == ev
    status, missing = get(client, "/api/events/0123abcd")
    assert status == 404 and missing == {
        "ok": False,
        "error": "no event with id '0123abcd'",
        "code": "E_NOT_FOUND",
    }
    assert client.get("/api/events/bad%20id").status_code == 422


def test_article_with_evidence_spans(client):
    status, body = get(client, f"/api/articles/{'f' * 64}")
    assert status == 200
    art, spans = body["article"], body["spans"]
    assert "<script>" in art["text"] and art["title"].startswith("<img")  # stored as given: the UI escapes
    assert spans == [
        {
            "event_id": "e" * 32,
            "event_type": body["events"][0]["event_type"],
            "start": 0,
            "end": art["text"].index(" A banner"),
            "trigger_start": art["text"].index("gathered"),
            "trigger_end": art["text"].index("gathered") + 8,
        }
    ]
    sentence = body["events"][0]["evidence"]["sentence"]
    assert art["text"][spans[0]["start"] : spans[0]["end"]] == sentence
    assert get(client, "/api/articles/" + "0" * 64)[0] == 404


def test_stats(client):
    status, body = get(client, "/api/stats")
    assert status == 200 and body["total"] == TOTAL and body["interval"] == "week"
    assert sum(r["count"] for r in body["by_type"]) == TOTAL
    assert sum(r["count"] for r in body["by_country"]) == TOTAL
    assert sum(r["count"] for r in body["by_period"]) == TOTAL - body["undated"]
    assert all(r["key"] for r in body["by_period"])
    _, ner = get(client, "/api/stats", country="NER", interval="day")
    _, listed = get(client, "/api/events", country="NER", limit=1000)
    assert ner["total"] == listed["total"]
    days = {r["key"] for r in ner["by_period"]}
    assert days == {e["date"]["value"] for e in listed["events"]}
    assert get(client, "/api/stats", interval="year")[0] == 422


def test_config(client):
    _, body = get(client, "/api/config")
    assert body["writes"] is False and body["private"] is False and "ASSAULT" in body["event_types"]


def test_unknown_route_and_method(client):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and r.json()["code"] == "E_NOT_FOUND"
    r = client.delete("/api/events")
    assert r.status_code == 405 and r.json()["ok"] is False


def test_openapi_and_docs(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/events",
        "/api/events.geojson",
        "/api/events/{event_id}",
        "/api/articles/{article_id}",
        "/api/stats",
        "/api/stories",
        "/api/presence",
    ):
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/api/articles"]
    params = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"country", "type", "actor", "since", "until", "near", "bbox", "text", "cursor", "limit"} <= params
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/vendor/swagger-ui-bundle.js" in docs.text  # offline copy


def test_security_headers(client):
    r = client.get("/api/config")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
