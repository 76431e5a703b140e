"""WARC / WARC.gz: HTML responses only, URL and fetch date kept, damage reported after the records read."""

from __future__ import annotations

import gzip
import uuid

import pytest

from sitroom.ingest import read
from sitroom.ingest.warc import E_WARC, pages, read_warc, record_start
from sitroom.records import Article, ArticleResult, Failure, PublishedBasis

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
    assert [a.fetched for a in items] == ["2024-05-03T10:00:00Z"] * 2
    got = [p for p in pages(str(path)) if not isinstance(p, Failure)]
    assert [p.fetched for p in got] == ["2024-05-03T10:00:00Z"] * 2


def test_the_fetch_date_gives_a_dateline_its_year_and_is_stored(tmp_path):
    from sitroom.query import article
    from sitroom.store import open_store

    body = (
        "<p>NIAMEY, May 2 (Example Wire) - Soldiers of the junta took over the airbase on Thursday, "
        "officials said.</p>" + BODY
    ).encode()
    path = tmp_path / "crawl.warc"
    path.write_bytes(warc(False, [("response", "https://news.example/3", "200 OK", body, "text/html")]))
    (a,) = list(read([str(path)]))
    assert (a.published, a.published_basis) == ("2024-05-02", PublishedBasis.DATELINE)
    assert a.fetched == "2024-05-03T10:00:00Z"
    with open_store(str(tmp_path / "s.duckdb")) as s:
        s.write([ArticleResult(article=a)])
        got = article(s, a.id)
    assert (got["url"], got["fetched"]) == ("https://news.example/3", "2024-05-03T10:00:00Z")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("2024-05-03T10:00:00Z", "2024-05-03T10:00:00Z"),
        ("2024-05-03T12:30:00+02:00", "2024-05-03T10:30:00Z"),
        ("2024-05-03T10:00:00.250Z", "2024-05-03T10:00:00Z"),
        ("2024-05-03", "2024-05-03T00:00:00Z"),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_fetch_dates_are_kept_in_utc(given, kept):
    from sitroom.ingest.build import utc_iso

    assert utc_iso(given) == kept


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


def _big_crawl() -> list[tuple[str, str, str, bytes, str]]:
    """Responses of several sizes (one far longer than the others) among requests and metadata."""
    out = []
    for k in range(12):
        out.append(("request", f"https://news.example/{k}", "", b"", ""))
        body = page(k) * (8 if k == 5 else 1)
        out.append(("response", f"https://news.example/{k}", "200 OK", body, "text/html"))
        if k % 4 == 0:
            out.append(
                ("metadata", f"https://news.example/{k}", "", b"fetchTimeMs: 12", "application/warc-fields")
            )
    return out


def _by_ranges(path, n: int) -> list:
    size = path.stat().st_size
    cuts = [size * k // n for k in range(n + 1)]
    return [
        x
        for k, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False))
        for x in read_warc(str(path), start=a, end=b if k < n - 1 else -1)
    ]


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("n", [1, 2, 3, 7, 20, 60])
def test_byte_ranges_read_every_record_once(tmp_path, gz, n):
    path = tmp_path / ("big.warc.gz" if gz else "big.warc")
    path.write_bytes(warc(gz, _big_crawl()))
    whole = list(read_warc(str(path)))
    assert len(whole) == 12 and all(isinstance(a, Article) for a in whole)
    assert _by_ranges(path, n) == whole  # same articles, ids and sources ("path#offset") in order


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("cut", [30, 900])
def test_byte_ranges_of_a_truncated_archive_keep_what_the_whole_read_keeps(tmp_path, gz, cut):
    path = tmp_path / ("t.warc.gz" if gz else "t.warc")
    path.write_bytes(warc(gz, _big_crawl())[:-cut])
    whole = list(read_warc(str(path)))
    assert isinstance(whole[-1], Failure) and whole[-1].code == E_WARC
    for n in (2, 5, 13):
        assert _by_ranges(path, n) == whole


@pytest.mark.parametrize("gz", [False, True])
def test_record_start_finds_exactly_the_record_offsets(tmp_path, gz):
    path = tmp_path / ("s.warc.gz" if gz else "s.warc")
    chunks = [warc(gz, [r]) for r in _big_crawl()]  # a crawl is its records' bytes one after another
    path.write_bytes(b"".join(chunks))
    offsets = [sum(len(c) for c in chunks[:k]) for k in range(len(chunks))]
    size = path.stat().st_size
    with open(path, "rb") as f:
        for pos in range(0, size, 97):
            want = next((o for o in offsets if o >= pos), None)
            assert record_start(f, pos) == want, pos
            assert record_start(f, pos, end=pos + 50) == (
                want if want is not None and want < pos + 50 else None
            )


def test_a_record_quoted_inside_a_plain_payload_is_not_a_start(tmp_path):
    quoted = b"<p>log:\r\n\r\nWARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello</p>"
    recs = [
        ("response", "https://news.example/q", "200 OK", page(1) + quoted + page(2), "text/html"),
        ("response", "https://news.example/r", "200 OK", page(3), "text/html"),
    ]
    path = tmp_path / "q.warc"
    data = warc(False, recs)
    path.write_bytes(data)
    second = len(warc(False, recs[:1]))
    with open(path, "rb") as f:
        assert record_start(f, 1) == second
    whole = list(read_warc(str(path)))
    assert _by_ranges(path, 4) == whole and len(whole) == 2


@pytest.mark.parametrize("gz", [False, True])
def test_charset_of_the_http_header_reads_a_latin1_page(tmp_path, gz):
    # Crawled pages often name their charset only in the HTTP Content-Type, not in a <meta> tag.
    body = page(7).replace(b"Story 7", "D\u00e9fense \u00e0 Niamey".encode("latin-1"))
    path = tmp_path / ("l.warc.gz" if gz else "l.warc")
    path.write_bytes(
        warc(gz, [("response", "https://news.example/l", "200 OK", body, "text/html; charset=ISO-8859-1")])
    )
    (a,) = list(read([str(path)]))
    assert isinstance(a, Article), a
    assert a.title == "D\u00e9fense \u00e0 Niamey" and a.url == "https://news.example/l"


def test_a_record_without_content_length_is_named(tmp_path):
    # It was reported as "AttributeError: 'DecompressingBufferedReader' object has no attribute 'limit'".
    first = warc(False, [CRAWL[1]])
    second = warc(False, [CRAWL[5]])
    cut = second.index(b"Content-Length:")
    second = second[:cut] + second[second.index(b"\r\n", cut) + 2 :]
    path = tmp_path / "n.warc"
    path.write_bytes(first + second)
    a, f = list(read_warc(str(path)))
    assert isinstance(a, Article) and a.url == "https://news.example/1"
    assert isinstance(f, Failure) and f.code == E_WARC and "no Content-Length" in f.message
