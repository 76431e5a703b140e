"""WARC / WARC.gz crawls (warcio; the format of CC-NEWS and other news crawls) → articles.

Only HTTP `response` records with a 2xx status and an HTML body become articles; requests, metadata,
redirects and non-HTML responses are skipped without a failure (a crawl is mostly those). A
truncated or corrupt archive yields the articles read before the damage and then one Failure.

The page URL (WARC-Target-URI) is kept as the article url and ref. The fetch date (WARC-Date) is not
a publication date, so `published` comes from the HTML only (else unknown); `pages` exposes the fetch
date for callers that want it (Article has no field for it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sitroom.errors import E_NOT_FOUND, E_READ, InputError
from sitroom.records import Article, Failure, Stage

E_WARC = "E_WARC"  # not a WARC file, or truncated / corrupt
MAX_RECORD = 10_000_000  # bytes of one HTML body; bigger records are skipped with a Failure
_HTML = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, slots=True, kw_only=True)
class WarcPage:
    url: str
    fetched: str | None  # WARC-Date, ISO
    offset: int  # byte offset of the record in the file
    html: bytes


def _fail(source: str, code: str, message: str) -> Failure:
    return Failure(source=source, stage=Stage.INGEST, code=code, message=message)


def _read_capped(stream: Any, cap: int) -> bytes:
    """Up to cap bytes (warcio's read(n) may return less than n before the end)."""
    parts: list[bytes] = []
    size = 0
    while size < cap:
        chunk = stream.read(min(1 << 16, cap - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def pages(path: str) -> Iterator[WarcPage | Failure]:
    """The HTML responses of a WARC file, then a Failure if the file ends in the middle of a record."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        f = open(path, "rb")  # noqa: SIM115 - a generator: closed by `with` below
    except FileNotFoundError:
        yield _fail(path, E_NOT_FOUND, f"{path}: no such file")
        return
    except OSError as e:
        yield _fail(path, E_READ, f"{path}: cannot read: {e.strerror or e}")
        return
    with f:
        it = ArchiveIterator(f)
        n = 0
        offset = 0
        try:
            for rec in it:
                n += 1
                if not str(getattr(rec, "format", "warc")).startswith("warc"):
                    # warcio takes any line of words for a legacy ARC header: not ours to read
                    yield _fail(path, E_WARC, f"{path}: not a WARC file (record {n} is {rec.format})")
                    return
                body = None
                if rec.rec_type == "response" and rec.http_headers is not None:
                    status = rec.http_headers.get_statuscode() or ""
                    ctype = (
                        (rec.http_headers.get_header("Content-Type") or "").split(";", 1)[0].strip().lower()
                    )
                    if status.startswith("2") and ctype in _HTML:
                        body = _read_capped(rec.content_stream(), MAX_RECORD + 1)
                if body is None or len(body) <= MAX_RECORD:
                    while rec.raw_stream.read(1 << 16):  # to the record's end: a short record is damage
                        pass
                    short = rec.raw_stream.limit > 0
                    offset = it.get_record_offset()  # only after reading: asking first skips the record
                    if short:
                        yield _fail(
                            f"{path}#{offset}",
                            E_WARC,
                            f"{path}: truncated in record {n} at byte {offset}; kept the records before it",
                        )
                        return
                if body is None:
                    continue
                offset = it.get_record_offset()
                url = rec.rec_headers.get_header("WARC-Target-URI") or f"{path}#{offset}"
                if len(body) > MAX_RECORD:
                    yield _fail(
                        url, "E_TOO_LARGE", f"{url}: HTML body over {MAX_RECORD} bytes in {path}; skipped"
                    )
                    continue
                yield WarcPage(
                    url=url, fetched=rec.rec_headers.get_header("WARC-Date"), offset=offset, html=body
                )
        except Exception as e:  # noqa: BLE001 - warcio / zlib on a damaged file: keep what was read
            what = "not a WARC file" if n == 0 else f"corrupt after record {n}"
            yield _fail(path, E_WARC, f"{path}: {what}: {type(e).__name__}: {e}")
            return
        if n == 0:
            yield _fail(path, E_WARC, f"{path}: no WARC records")
            return
        try:
            end = it.get_record_offset() + it.get_record_length()
            size = os.path.getsize(path)
            f.seek(end)
            tail = f.read(64)
        except (OSError, TypeError):
            return
        if end < size and tail.strip():
            yield _fail(
                path, E_WARC, f"{path}: truncated after byte {end} of {size}; kept the {n} records before"
            )


def read_warc(path: str, *, published: str | None = None) -> Iterator[Article | Failure]:
    """Articles from a WARC / WARC.gz file; a page without article text is a Failure."""
    from sitroom.ingest.html import from_html
    from sitroom.records import PublishedBasis

    for page in pages(path):
        if isinstance(page, Failure):
            yield page
            continue
        source = f"{path}#{page.offset}"
        try:
            yield from_html(
                page.html,
                ref=page.url,
                url=page.url,
                published=published,
                source=source,
                published_basis=PublishedBasis.USER,
            )
        except InputError as e:
            yield _fail(source, e.code, f"{page.url}: {e}")
