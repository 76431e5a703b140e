"""POST /api/articles, the token rules, body limits, and that the app never imports spaCy."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from servekit import READ, WRITE, fake_processor

from sitroom.serve import create_app

AUTH = {"Authorization": f"Bearer {WRITE}"}
TEXT = "Russian troops arrived in Niamey on Tuesday, officials said. They came by air."


def post(client, *, headers=AUTH, **kw):
    r = client.post("/api/articles", headers=headers, **kw)
    return r.status_code, r.json()


def test_writes_are_off_without_a_token(client):
    status, body = post(client, json={"text": TEXT})
    assert status == 403 and body["code"] == "E_WRITES_OFF" and "--token" in body["error"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": WRITE}, {"Authorization": f"Basic {WRITE}"}],
)
def test_writes_need_the_right_token(writer, headers):
    status, body = post(writer, headers=headers, json={"text": TEXT})
    assert status == 401 and body["code"] == "E_AUTH"
    assert writer.get("/api/events", params={"text": "arrived in niamey"}).json()["total"] == 0


def test_post_one_json_record_then_read_it_back(writer):
    status, body = post(writer, json={"id": "a1", "text": TEXT, "title": "T", "published": "2024-05-03"})
    assert status == 200 and body["ok"] is True
    [item] = body["articles"]
    assert item["status"] == "new" and item["events"] == 1 and item["ref"] == "a1"
    assert body["counts"] == {"new": 1, "known": 0, "failed": 0, "events": 1}
    art = writer.get(f"/api/articles/{item['article_id']}").json()
    assert art["article"]["title"] == "T" and art["article"]["published"] == "2024-05-03"
    assert len(art["events"]) == 1
    # the same text again is known: nothing processed or stored twice
    _, again = post(writer, json={"id": "a1", "text": TEXT})
    assert again["articles"][0]["status"] == "known" and again["counts"]["new"] == 0


def test_date_order_reads_a_records_numeric_date(writer):
    rec = {"text": TEXT, "published": "03/05/2024"}
    _, body = post(writer, json=rec, params={"date_order": "DMY"})
    art = writer.get(f"/api/articles/{body['articles'][0]['article_id']}").json()
    assert art["article"]["published"] == "2024-05-03"


@pytest.mark.parametrize(
    "payload",
    [
        [{"text": TEXT}, {"text": TEXT + " More."}],
        {"articles": [{"text": TEXT}, {"text": TEXT + " More."}]},
    ],
)
def test_post_a_batch(writer, payload):
    status, body = post(writer, json=payload)
    assert status == 200 and [a["status"] for a in body["articles"]] == ["new", "new"]


def test_a_bad_item_in_a_batch_is_reported_not_fatal(writer):
    status, body = post(writer, json=[{"text": TEXT}, {"title": "no text"}, {"text": "   "}])
    assert status == 200
    assert [a["status"] for a in body["articles"]] == ["new", "failed", "failed"]
    assert body["articles"][1]["failures"][0]["code"] == "E_RECORD"
    assert body["counts"]["new"] == 1 and body["counts"]["failed"] == 2


@pytest.mark.parametrize(
    ("content", "ctype"),
    [
        (
            f"<html><head><title>Page</title></head><body><article><p>{TEXT}</p><p>{TEXT}</p></article></body></html>",
            "text/html; charset=utf-8",
        ),
        (TEXT, "text/plain"),
    ],
)
def test_post_html_or_text(writer, content, ctype):
    status, body = post(
        writer,
        content=content.encode(),
        headers=AUTH | {"Content-Type": ctype},
        params={"url": "https://x.test/a"},
    )
    assert status == 200, body
    assert body["articles"][0]["status"] == "new" and body["articles"][0]["ref"] == "https://x.test/a"


@pytest.mark.parametrize(
    ("kw", "status", "code"),
    [
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 422, "E_JSON"),
        ({"json": {"title": "no text"}}, 422, "E_RECORD"),
        ({"json": []}, 422, "E_EMPTY"),
        ({"json": 5}, 422, "E_USAGE"),
        ({"content": b"", "headers": {"Content-Type": "text/plain"}}, 422, "E_EMPTY"),
        ({"content": b"\xff\xfe\xfa", "headers": {"Content-Type": "text/plain"}}, 422, "E_ENCODING"),
        ({"content": b"x", "headers": {"Content-Type": "image/png"}}, 415, "E_MEDIA_TYPE"),
        ({"json": [{"text": TEXT}] * 6}, 413, "E_TOO_LARGE"),  # max_batch=5
        ({"json": {"text": "x" * 30_000}}, 413, "E_TOO_LARGE"),  # max_body=20,000
        ({"json": {"text": TEXT}, "params": {"published": "someday"}}, 422, "E_USAGE"),
        ({"json": [{"text": TEXT}] * 2, "params": {"date_order": "DD/MM"}}, 422, "E_USAGE"),
    ],
)
def test_bad_posts(writer, kw, status, code):
    headers = AUTH | kw.pop("headers", {})
    got, body = post(writer, headers=headers, **kw)
    assert (got, body["code"]) == (status, code), body
    assert body["ok"] is False and body["error"]


def test_streamed_body_over_the_limit_is_413(writer):
    def chunks():
        for _ in range(30):
            yield b"x" * 1000

    r = writer.post("/api/articles", headers=AUTH | {"Content-Type": "text/plain"}, content=chunks())
    assert r.status_code == 413 and r.json()["code"] == "E_TOO_LARGE"


@pytest.fixture()
def private(db_path):
    with TestClient(create_app(db_path, read_token=READ)) as c:
        yield c


@pytest.mark.parametrize(
    "path",
    [
        "/api/events",
        "/api/events.geojson",
        "/api/stats",
        "/api/config",
        f"/api/articles/{'f' * 64}",
        "/api/stories",
        "/api/presence",
        "/api/presence.geojson",
    ],
)
def test_read_token_makes_reads_private(private, path):
    r = private.get(path)
    assert r.status_code == 401 and r.json()["code"] == "E_AUTH" and "Bearer" in r.headers["www-authenticate"]
    assert private.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    ok = private.get(path, headers={"Authorization": f"Bearer {READ}"})
    assert ok.status_code == 200 and (ok.json().get("ok") or ok.json()["type"] == "FeatureCollection")


def test_the_write_token_also_opens_reads(tmp_path, db_path):
    import shutil

    path = str(tmp_path / "copy.duckdb")
    shutil.copy(db_path, path)
    with TestClient(create_app(path, token=WRITE, read_token=READ, processor=fake_processor)) as c:
        assert c.get("/api/events", headers=AUTH).status_code == 200
        assert (
            c.post(
                "/api/articles", headers={"Authorization": f"Bearer {READ}"}, json={"text": TEXT}
            ).status_code
            == 401
        )


def test_static_ui_and_docs_stay_public(private):
    assert private.get("/").status_code == 200
    assert private.get("/openapi.json").status_code == 200


def test_internal_errors_are_enveloped(db_path, monkeypatch):
    from sitroom.serve import routes

    def boom(*a, **k):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(routes, "stats", boom)
    with TestClient(create_app(db_path), raise_server_exceptions=False) as c:
        r = c.get("/api/stats")
    assert r.status_code == 500
    assert r.json() == {
        "ok": False,
        "error": "internal error; the server log has the details",
        "code": "E_INTERNAL",
    }


def test_missing_store_is_a_clear_error(tmp_path):
    from sitroom.errors import StoreError

    with pytest.raises(StoreError, match="no database at"):
        create_app(str(tmp_path / "none.duckdb"))


def test_bad_tile_url(db_path):
    from sitroom.errors import UsageError

    with pytest.raises(UsageError, match="tile URL"):
        create_app(db_path, tile_url="javascript:alert(1)")
    app = create_app(db_path, tile_url="https://tiles.example.org/{z}/{x}/{y}.png")
    with TestClient(app) as c:
        assert "https://tiles.example.org" in c.get("/").headers["content-security-policy"]
        assert c.get("/api/config").json()["tile_url"].startswith("https://tiles.example.org/")


def test_the_app_never_imports_spacy(db_path):
    code = (
        "import sys; from fastapi.testclient import TestClient; from sitroom.serve import create_app; "
        f"c = TestClient(create_app({db_path!r})); "
        "assert c.get('/api/events').status_code == 200; assert c.get('/api/stats').status_code == 200; "
        "print('spacy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
