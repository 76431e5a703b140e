"""The response cache: bounded, keyed by the exact request, emptied by every write, and never a way
round the read token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from servekit import READ, WRITE

from sitroom.serve import create_app
from sitroom.serve.cache import ResponseCache

AUTH = {"Authorization": f"Bearer {WRITE}"}


def test_hits_misses_and_lru_bound():
    c = ResponseCache(max_bytes=10)
    built = []

    def make(body):
        return lambda: built.append(body) or body

    assert c.get_or_build("a", make(b"aaaa")) == b"aaaa"
    assert c.get_or_build("a", make(b"other")) == b"aaaa"  # a hit: not rebuilt
    c.get_or_build("b", make(b"bbbb"))
    c.get_or_build("a", make(b"x"))  # touch a: b is now the oldest
    c.get_or_build("c", make(b"cccc"))  # 12 bytes > 10: b goes
    assert built == [b"aaaa", b"bbbb", b"cccc"] and len(c) == 2
    assert c.get_or_build("b", make(b"b2")) == b"b2"
    assert (c.hits, c.misses) == (2, 4)


def test_a_body_built_across_a_write_is_not_kept():
    c = ResponseCache()

    def build():
        c.invalidate()  # a write lands while the query runs
        return b"stale"

    assert c.get_or_build("k", build) == b"stale"
    assert len(c) == 0 and c.get_or_build("k", lambda: b"fresh") == b"fresh"


@pytest.mark.parametrize("size", [0, -1])
def test_off(size):
    c = ResponseCache(max_bytes=size)
    c.get_or_build("k", lambda: b"1")
    assert c.get_or_build("k", lambda: b"2") == b"2" and len(c) == 0


def test_a_write_empties_the_cache(writer):
    before = writer.get("/api/events", params={"text": "arrived"}).json()
    assert before["total"] == 0
    assert writer.get("/api/stories").json()["count"] >= 0
    r = writer.post(
        "/api/articles",
        headers=AUTH,
        json={"text": "Russian troops arrived in Niamey on Tuesday. They flew."},
    )
    assert r.status_code == 200 and r.json()["counts"]["new"] == 1
    after = writer.get("/api/events", params={"text": "arrived"}).json()
    assert after["total"] == 1  # not the cached 0
    listed = writer.get("/api/stories").json()["stories"]
    assert any(r.json()["articles"][0]["article_id"] in {a["id"] for a in s["articles"]} for s in listed)


def test_cached_reads_still_need_the_read_token(db_path):
    with TestClient(create_app(db_path, read_token=READ)) as c:
        ok = c.get("/api/events", headers={"Authorization": f"Bearer {READ}"})
        assert ok.status_code == 200 and len(c.app.state.cache) == 1
        r = c.get("/api/events")  # same request, now cached, without the token
        assert r.status_code == 401 and r.json()["code"] == "E_AUTH"


def test_the_same_query_is_served_from_the_cache(db_path):
    with TestClient(create_app(db_path)) as c:
        a = c.get("/api/events", params={"country": "NER", "limit": 5})
        b = c.get("/api/events", params={"country": "NER", "limit": 5})
        assert a.content == b.content and c.app.state.cache.hits == 1
        bad = c.get("/api/events", params={"country": "NER", "limit": 5, "cursor": "zz"})
        assert bad.status_code == 422 and len(c.app.state.cache) == 1  # errors are not cached
