"""WARC / WARC.gz: HTML responses only, URL kept, damage reported after the records read."""

from __future__ import annotations

import gzip
import uuid

import pytest

from sitroom.ingest import read
from sitroom.ingest.warc import E_WARC, pages, read_warc
from sitroom.records import Article, Failure, PublishedBasis

BODY = "".join(
    f"<p>Paragraph {i}: troops moved into the base near the river, a spokesman said.</p>" for i in range(6)
)


def page(n: int, date_meta: bool = False) -> bytes:
    meta = '<meta property="article:published_time" content="2024-05-02">' if date_meta else ""
    head = f"<html><head><title>Story {n}</title>{meta}</head>"
    return f"{head}<body><article><h1>Story {n}</h1>{BODY}</article></body></html>".encode()


def _record(rtype: str, url: str, payload: bytes, ctype: str) -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-05-03T10:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\nContent-Type: {ctype}\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode()
    return head + payload + b"\r\n\r\n"


def warc(gz: bool, records: list[tuple[str, str, str, bytes, str]]) -> bytes:
    """records: (type, url, HTTP status, body, content type). Written by hand (the format is simple)
    so the test does not depend on the library it checks."""
    out = []
    for rtype, url, status, body, ctype in records:
        if rtype == "response":
            http = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
            raw = _record("response", url, http.encode() + body, "application/http; msgtype=response")
        elif rtype == "request":
            http = b"GET / HTTP/1.1\r\nHost: news.example\r\n\r\n"
            raw = _record("request", url, http, "application/http; msgtype=request")
        else:
            raw = _record("metadata", url, body, ctype)
        out.append(gzip.compress(raw) if gz else raw)
    return b"".join(out)


CRAWL = [
    ("request", "https://news.example/1", "", b"", ""),
    ("response", "https://news.example/1", "200 OK", page(1, date_meta=True), "text/html; charset=utf-8"),
    ("metadata", "https://news.example/1", "", b"outlinks: none", "application/warc-fields"),
    ("response", "https://news.example/logo.png", "200 OK", b"\x89PNG\r\n", "image/png"),
    ("response", "https://news.example/old", "301 Moved", b"", "text/html"),
    ("response", "https://news.example/2", "200 OK", page(2), "text/html"),
]


@pytest.mark.parametrize("gz", [False, True])
def test_html_responses_only(tmp_path, gz):
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(warc(gz, CRAWL))
    items = list(read([str(path)]))
    assert all(isinstance(i, Article) for i in items), items
    assert [a.url for a in items] == ["https://news.example/1", "https://news.example/2"]
    assert [a.ref for a in items] == ["https://news.example/1", "https://news.example/2"]
    assert (items[0].published, items[0].published_basis) == ("2024-05-02", PublishedBasis.HTML)
    assert (items[1].published, items[1].published_basis) == (
        None,
        PublishedBasis.NONE,
    )  # WARC-Date is not it
    assert "troops moved into the base" in items[1].text
    got = [p for p in pages(str(path)) if not isinstance(p, Failure)]
    assert [p.fetched for p in got] == ["2024-05-03T10:00:00Z"] * 2


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("cut", [30, 200, 600])
def test_truncated_archive_keeps_records_before(tmp_path, gz, cut):
    data = warc(
        gz, [CRAWL[1], CRAWL[5], ("response", "https://news.example/3", "200 OK", page(3), "text/html")]
    )
    path = tmp_path / ("t.warc.gz" if gz else "t.warc")
    path.write_bytes(data[:-cut])
    items = list(read_warc(str(path)))
    assert isinstance(items[-1], Failure) and items[-1].code == E_WARC, items
    arts = [i for i in items if isinstance(i, Article)]
    assert [a.url for a in arts][:1] == ["https://news.example/1"]
    assert "https://news.example/3" not in [a.url for a in arts]


@pytest.mark.parametrize(
    "data",
    [b"not a warc file at all\n", b"\x1f\x8b\x08\x00garbage-gzip", b"WARC/1.0\r\nWARC-Type: resp"],
)
def test_garbage_is_one_failure(tmp_path, data):
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(data)
    items = list(read([str(path)]))
    assert len(items) == 1 and isinstance(items[0], Failure) and items[0].code == E_WARC


def test_empty_page_is_a_failure_not_a_crash(tmp_path):
    path = tmp_path / "e.warc"
    path.write_bytes(
        warc(False, [("response", "https://news.example/e", "200 OK", b"<html></html>", "text/html")])
    )
    (f,) = list(read([str(path)]))
    assert isinstance(f, Failure) and f.code in ("E_HTML", "E_EMPTY") and "news.example/e" in f.message
