"""WARC / WARC.gz crawls (warcio; the format of CC-NEWS and other news crawls) → articles.

Only HTTP `response` records with a 2xx status and an HTML body become articles; requests, metadata,
redirects and non-HTML responses are skipped without a failure (a crawl is mostly those). A
truncated or corrupt archive yields the articles read before the damage and then one Failure.

The page URL (WARC-Target-URI) is kept as the article url and ref. The fetch date (WARC-Date) is not
a publication date, so `published` comes from the HTML only (else unknown); `pages` exposes the fetch
date for callers that want it (Article has no field for it).

A byte range [start, end) of a file holds the records that start in it, so a crawl file of a gigabyte
can be read by several workers without an index: each finds the first record start at or after its
`start` (`record_start`) and reads on until a record starts at or after its `end`. In a WARC.gz every
record is its own gzip member (the standard's advice, and what warcio reads fast), so a record starts
where a gzip member starts whose first bytes are "WARC/1."; in a plain WARC, where "WARC/1." follows a
record's closing blank line and its Content-Length leads to the next record or the end.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sitroom.errors import InputError
from sitroom.ingest.fail import fail, unreadable
from sitroom.records import Article, Failure

E_WARC = "E_WARC"  # not a WARC file, or truncated / corrupt
MAX_RECORD = 10_000_000  # bytes of one HTML body; bigger records are skipped with a Failure
_HTML = ("text/html", "application/xhtml+xml")
_GZIP = b"\x1f\x8b\x08"  # gzip magic and deflate: where a gzip member may start
_RECORD = b"WARC/1."  # the first bytes of every WARC 1.0 / 1.1 record
_CRLF2 = b"\r\n\r\n"
_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)
_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
_WINDOW = 1 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class WarcPage:
    url: str
    fetched: str | None  # WARC-Date, ISO
    offset: int  # byte offset of the record in the file
    html: bytes
    charset: str | None = None  # from the HTTP Content-Type: how to read bytes that are not UTF-8


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


def record_start(f: Any, pos: int, end: int = -1) -> int | None:
    """Offset of the first record that starts in [pos, end) of the open binary file (end < 0: to the
    file's end); None if none does."""
    if pos <= 0:
        return 0
    size = os.fstat(f.fileno()).st_size
    limit = size if end < 0 else min(end, size)
    f.seek(0)
    gz = f.read(2) == _GZIP[:2]
    needle, shift = (_GZIP, 0) if gz else (_CRLF2 + _RECORD, len(_CRLF2))
    at = max(0, pos - shift)
    while at < limit:
        f.seek(at)
        block = f.read(_WINDOW + len(needle))  # overlaps the next window: a needle on the seam counts
        i = block.find(needle)
        while i >= 0:
            cand = at + i + shift
            if cand >= limit:
                return None
            if cand >= pos and (_member_is_record(f, cand) if gz else _plain_is_record(f, cand, size)):
                return cand
            i = block.find(needle, i + 1)
        at += _WINDOW
    return None


def _member_is_record(f: Any, at: int) -> bool:
    f.seek(at)
    try:
        first = zlib.decompressobj(31).decompress(f.read(4096), len(_RECORD))
    except zlib.error:
        return False
    return first == _RECORD


def _plain_is_record(f: Any, at: int, size: int) -> bool:
    f.seek(at)
    head = f.read(1 << 16)
    stop = head.find(_CRLF2)
    length = _LENGTH.search(head, 0, stop) if stop > 0 else None
    if length is None:
        return False
    after = at + stop + len(_CRLF2) + int(length.group(1))
    if after >= size:  # the last record, perhaps cut short: a record start all the same
        return True
    f.seek(after)
    tail = f.read(len(_CRLF2) + len(_RECORD))
    return tail.startswith(_CRLF2) and tail[len(_CRLF2) :] in (b"", _RECORD)


def pages(path: str, *, start: int = 0, end: int = -1) -> Iterator[WarcPage | Failure]:
    """The HTML responses of a WARC file (of the records that start in bytes [start, end), end < 0:
    to the end), then a Failure if the file ends in the middle of a record."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        f = open(path, "rb")  # noqa: SIM115 - a generator: closed by `with` below
    except OSError as e:
        yield unreadable(path, e)
        return
    with f:
        if start > 0:
            first = record_start(f, start, end)
            if first is None:
                return  # a range inside one long record: that record is its start's range's
            f.seek(first)
        it = ArchiveIterator(f)  # offsets from the file's start: it begins at f.tell()
        n = 0
        offset = 0
        try:
            for rec in it:
                n += 1
                if not str(getattr(rec, "format", "warc")).startswith("warc"):
                    # warcio takes any line of words for a legacy ARC header: not ours to read
                    yield fail(path, E_WARC, f"{path}: not a WARC file (record {n} is {rec.format})")
                    return
                if rec.rec_headers.get_header("Content-Length") is None:
                    # warcio would read the rest of the file as this one record, and crash on it
                    where = "its first record" if n == 1 else f"the record after the one at byte {offset}"
                    yield fail(
                        path, E_WARC, f"{path}: {where} has no Content-Length; kept the records before it"
                    )
                    return
                body = None
                charset = None
                if rec.rec_type == "response" and rec.http_headers is not None:
                    status = rec.http_headers.get_statuscode() or ""
                    header = rec.http_headers.get_header("Content-Type") or ""
                    ctype = header.split(";", 1)[0].strip().lower()
                    charset = m[1] if (m := _CHARSET.search(header)) else None
                    if status.startswith("2") and ctype in _HTML:
                        body = _read_capped(rec.content_stream(), MAX_RECORD + 1)
                short = False
                if body is None or len(body) <= MAX_RECORD:
                    while rec.raw_stream.read(1 << 16):  # to the record's end: a short record is damage
                        pass
                    short = rec.raw_stream.limit > 0
                offset = it.get_record_offset()  # only after reading: asking first skips the record
                if 0 <= end <= offset:
                    return  # the next range's first record
                if short:
                    yield fail(
                        f"{path}#{offset}",
                        E_WARC,
                        f"{path}: truncated in the record at byte {offset}; kept the records before it",
                    )
                    return
                if body is None:
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI") or f"{path}#{offset}"
                if len(body) > MAX_RECORD:
                    yield fail(
                        url, "E_TOO_LARGE", f"{url}: HTML body over {MAX_RECORD} bytes in {path}; skipped"
                    )
                    continue
                yield WarcPage(
                    url=url,
                    fetched=rec.rec_headers.get_header("WARC-Date"),
                    offset=offset,
                    html=body,
                    charset=charset,
                )
        except Exception as e:  # noqa: BLE001 - warcio / zlib on a damaged file: keep what was read
            what = "not a WARC file" if n == 0 else f"corrupt after the record at byte {offset}"
            yield fail(path, E_WARC, f"{path}: {what}: {type(e).__name__}: {e}")
            return
        if n == 0:
            yield fail(path, E_WARC, f"{path}: no WARC records")
            return
        if end >= 0:
            return  # the file's end is the last range's to check
        try:
            last = it.get_record_offset() + it.get_record_length()
            size = os.path.getsize(path)
            f.seek(last)
            tail = f.read(64)
        except (OSError, TypeError):
            return
        if last < size and tail.strip():
            yield fail(
                path, E_WARC, f"{path}: truncated after byte {last} of {size}; kept the records before"
            )


def read_warc(
    path: str, *, published: str | None = None, start: int = 0, end: int = -1
) -> Iterator[Article | Failure]:
    """Articles from a WARC / WARC.gz file (of the records that start in bytes [start, end)); a page
    without article text is a Failure."""
    from sitroom.ingest.html import from_html
    from sitroom.records import PublishedBasis

    for page in pages(path, start=start, end=end):
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
                charset=page.charset,
                fetched=page.fetched,
            )
        except InputError as e:
            yield fail(source, e.code, f"{page.url}: {e}")
