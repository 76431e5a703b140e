"""Sources (paths, folders, globs, URLs, "-") → a stream of Article | Failure. Nothing raises out of
`read` for bad input: each problem becomes a Failure with a stable code and the stream goes on.

Files are told by extension (text, HTML, JSON, JSON Lines, CSV/TSV, WARC), any of them gzipped
(`.gz`); feeds (RSS/Atom) by content. http(s) URLs are fetched (see `web`)."""

from __future__ import annotations

import glob
import gzip
import json
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TextIO

from sitroom.errors import (
    E_BINARY,
    E_EMPTY,
    E_ENCODING,
    E_JSON,
    E_NOT_FOUND,
    E_READ,
    E_RECORD,
    E_UNSUPPORTED,
    InputError,
)
from sitroom.ingest.build import build, user_published
from sitroom.ingest.fail import fail, unreadable
from sitroom.ingest.html import decode_html, from_html
from sitroom.ingest.record import from_record
from sitroom.records import Article, Failure

if TYPE_CHECKING:
    from sitroom.ingest.web import Fetcher

TEXT_EXT = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_EXT = frozenset({".html", ".htm", ".xhtml"})
JSONL_EXT = frozenset({".jsonl", ".ndjson"})
JSON_EXT = frozenset({".json"})
CSV_EXT = frozenset({".csv", ".tsv"})
WARC_EXT = frozenset({".warc"})  # .warc.gz too: warcio reads the per-record gzip members itself
FEED_EXT = frozenset({".xml", ".rss", ".atom"})
SUPPORTED = TEXT_EXT | HTML_EXT | JSONL_EXT | JSON_EXT | CSV_EXT | WARC_EXT | FEED_EXT
GZ = ".gz"
MAX_GZ_BYTES = 200_000_000  # decompressed size cap for a gzipped file read whole (a gzip bomb guard)
MAX_FILE_BYTES = (
    50_000_000  # a text, HTML or feed file read whole (JSON: MAX_GZ_BYTES); 100 MB is refused unread
)
E_GZIP = "E_GZIP"  # a .gz file that does not decompress
E_TOO_LARGE = "E_TOO_LARGE"  # a file over the size read whole
_GLOB_CHARS = frozenset("*?[")
_HEAD = 8192
# Bytes that never occur in text (tab, newlines, form feed and ESC do occur).
_CONTROL = frozenset(range(32)) - {9, 10, 11, 12, 13, 27}
_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\xfd7zXZ")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))

Item = Article | Failure


def decode_bom(data: bytes) -> str | None:
    """Text of data that starts with a byte-order mark (BOM dropped), else None."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc)
            except UnicodeDecodeError as e:
                raise InputError(
                    f"bad {enc} after its byte-order mark at byte {e.start}", code=E_ENCODING
                ) from None
    return None


def looks_binary(head: bytes) -> bool:
    """NUL bytes, a known binary file signature, or more than 10% control bytes."""
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False  # UTF-16 text is full of NULs
    if b"\x00" in head or head.startswith(_MAGIC):
        return True
    if not head:
        return False
    control = sum(1 for b in head if b in _CONTROL)
    return control * 10 > len(head)


def decode_text(data: bytes, *, source: str) -> str:
    text = decode_bom(data)
    if text is not None:
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{source}: not valid UTF-8 at byte {e.start}", code=E_ENCODING) from None


def read(
    sources: Iterable[str],
    *,
    published: str | None = None,
    stdin: TextIO | None = None,
    mapping: str | dict[str, str] | None = None,
    fetcher: Fetcher | None = None,
    date_order: str | None = None,
) -> Iterator[Item]:
    """Articles and failures from every source, in order. `published` (from the user) overrides any
    date found in the inputs; an unreadable one raises UsageError here, before anything is read.
    `mapping` renames CSV / JSON columns to article fields ("text=body,published=date"); `date_order`
    ("DMY", "MDY", "YMD") orders the parts of their numeric dates (default MDY); `fetcher` fetches
    URLs (default: one made from the settings when the first URL comes)."""
    from sitroom.ingest.dates import check_date_order
    from sitroom.ingest.tabular import parse_mapping

    iso = user_published(published)
    cols = parse_mapping(mapping)
    ctx = _Ctx(published=iso, mapping=cols, fetcher=fetcher, date_order=check_date_order(date_order))
    if isinstance(sources, str):  # read("a.txt") means one source, not one per character
        sources = [sources]
    return _read(sources, ctx, stdin)


class _Ctx:
    """What every reader of one `read` call shares; the fetcher is made on first use and closed
    at the end only if it was made here."""

    def __init__(
        self,
        *,
        published: str | None,
        mapping: dict[str, str],
        fetcher: Fetcher | None,
        date_order: str | None = None,
    ) -> None:
        self.published = published
        self.mapping = mapping
        self.date_order = date_order
        self._fetcher = fetcher
        self._own = False

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            from sitroom.config import load
            from sitroom.ingest.web import Fetcher, WebSettings

            self._fetcher = Fetcher(WebSettings.from_settings(load()))
            self._own = True
        return self._fetcher

    def close(self) -> None:
        if self._own and self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None


def _read(sources: Iterable[str], ctx: _Ctx, stdin: TextIO | None) -> Iterator[Item]:
    published = ctx.published
    try:
        for src in sources:
            if src == "-":
                stream = stdin if stdin is not None else sys.stdin
                yield from read_stdin(stream, published=published, date_order=ctx.date_order)
                continue
            if "://" in src:
                if src.split("://", 1)[0].lower() not in ("http", "https"):
                    yield fail(src, E_UNSUPPORTED, f"{src}: only http and https URLs are fetched")
                    continue
                from sitroom.ingest.web import read_url

                yield from read_url(src, ctx.fetcher, published=published)
                continue
            if os.path.isdir(src):
                yield from _read_dir(src, ctx)
            elif os.path.exists(src):
                yield from _read_file(src, ctx)
            elif _GLOB_CHARS & set(src):
                matches = sorted(glob.glob(src, recursive=True))
                files = [m for m in matches if os.path.isdir(m) or kind(m) in SUPPORTED]
                if not files:
                    yield fail(src, E_NOT_FOUND, f"no supported file matches {src!r} ({_supported()})")
                for m in files:
                    if os.path.isdir(m):
                        yield from _read_dir(m, ctx)
                    else:
                        yield from _read_file(m, ctx)
            else:
                yield fail(src, E_NOT_FOUND, f"{src}: no such file or folder")
    finally:
        ctx.close()


def _supported() -> str:
    return "supported: " + " ".join(sorted(SUPPORTED)) + ", each also as .gz"


def kind(path: str) -> str:
    """The type-giving extension: ".csv" for a.csv and a.csv.gz, ".warc" for a.warc.gz."""
    root, ext = os.path.splitext(path.lower())
    if ext == GZ:
        return os.path.splitext(root)[1]
    return ext


def is_gz(path: str) -> bool:
    return path.lower().endswith(GZ)


def _read_dir(root: str, ctx: _Ctx) -> Iterator[Item]:
    """Files with a supported extension under root, depth first, sorted; hidden entries skipped."""
    found = False
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or kind(name) not in SUPPORTED:
                continue
            found = True
            yield from _read_file(os.path.join(dirpath, name), ctx)
    if not found:
        yield fail(root, E_NOT_FOUND, f"{root}: folder holds no readable file ({_supported()})")


def read_file(
    path: str,
    *,
    published: str | None = None,
    mapping: dict[str, str] | None = None,
    fetcher: Fetcher | None = None,
    date_order: str | None = None,
) -> Iterator[Item]:
    """One file by its extension (none = plain text). `published` is ISO or None."""
    ctx = _Ctx(published=published, mapping=dict(mapping or {}), fetcher=fetcher, date_order=date_order)
    try:
        yield from _read_file(path, ctx)
    finally:
        ctx.close()


class _TooLarge(InputError):
    """A file over the size read whole (`_read_whole`)."""


def _read_whole(path: str, gz: bool, cap: int = MAX_GZ_BYTES) -> bytes:
    """The file's bytes (decompressed when gz), at most `cap` of them: a bigger file is refused before
    it is read. Raises OSError / InputError."""
    if not gz:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > cap:
                raise _TooLarge(
                    f"{path}: {size:,} bytes; a file read as one document may have at most {cap:,} "
                    "(use JSON Lines, CSV or WARC for many articles)",
                    code=E_TOO_LARGE,
                )
            return f.read(cap + 1)
    try:
        with gzip.open(path, "rb") as g:
            data = g.read(cap + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise InputError(f"{path}: not a readable gzip file: {type(e).__name__}: {e}", code=E_GZIP) from None
    if len(data) > cap:
        raise _TooLarge(f"{path}: decompresses to more than {cap:,} bytes; refused", code=E_GZIP)
    return data


def _read_file(path: str, ctx: _Ctx) -> Iterator[Item]:
    ext, gz = kind(path), is_gz(path)
    published = ctx.published
    if ext in WARC_EXT:
        from sitroom.ingest.warc import read_warc

        yield from read_warc(path, published=published)
        return
    if ext in JSONL_EXT:
        yield from _read_jsonl(path, published, gz=gz, mapping=ctx.mapping, date_order=ctx.date_order)
        return
    if ext in CSV_EXT:
        from sitroom.ingest.tabular import delimiter_for, read_csv, text_opener

        if not os.path.exists(path):
            yield fail(path, E_NOT_FOUND, f"{path}: no such file")
            return
        if gz and not _gz_ok(path):
            yield fail(path, E_GZIP, f"{path}: not a gzip file")
            return
        opener = text_opener(path, gz=gz)
        yield from read_csv(
            opener,
            path,
            mapping=ctx.mapping,
            published=published,
            delimiter=delimiter_for(ext, opener),
            date_order=ctx.date_order,
        )
        return
    if ext and ext not in SUPPORTED:
        yield fail(path, E_UNSUPPORTED, f"{path}: unsupported file type {ext!r} ({_supported()})")
        return
    try:
        data = _read_whole(path, gz, MAX_GZ_BYTES if ext in JSON_EXT else MAX_FILE_BYTES)
    except OSError as e:
        yield unreadable(path, e)
        return
    except _TooLarge as e:
        if ext in JSON_EXT:  # one array of records of any size is read element by element
            yield from _read_big_json(path, gz, e, published, ctx.mapping, ctx.date_order)
        else:
            yield fail(path, e.code, str(e))
        return
    except InputError as e:
        yield fail(path, e.code, str(e))
        return
    if not data.strip():
        yield fail(path, E_EMPTY, f"{path}: empty file")
        return
    if looks_binary(data[:_HEAD]):
        yield fail(path, E_BINARY, f"{path}: looks like binary data, not text")
        return
    if ext in FEED_EXT or (not ext and _looks_like_feed(data)):
        from sitroom.ingest.feeds import E_FEED, looks_like_feed, read_feed

        if not looks_like_feed(data):
            yield fail(path, E_FEED, f"{path}: not an RSS or Atom feed (no rss, feed or RDF root element)")
            return
        yield from read_feed(data, source=path, fetcher=ctx.fetcher, published=published)
        return
    if ext in JSON_EXT:
        yield from _read_json(path, data, published, ctx.mapping, ctx.date_order)
        return
    maker: Callable[[], Article]
    if ext in HTML_EXT:
        maker = lambda: from_html(data, ref=path, source=path, published=published)  # noqa: E731
    else:
        maker = lambda: build(decode_text(data, source=path), ref=path, source=path, published=published)  # noqa: E731
    yield _guard(path, maker)


def _looks_like_feed(data: bytes) -> bool:
    from sitroom.ingest.feeds import looks_like_feed

    return looks_like_feed(data)


def _gz_ok(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(2) == b"\x1f\x8b"
    except OSError:
        return True  # let the reader report the OS error


def _guard(source: str, maker: Callable[[], Article]) -> Item:
    try:
        return maker()
    except InputError as e:
        return fail(source, e.code, str(e))


def _read_json(
    path: str,
    data: bytes,
    published: str | None,
    mapping: dict[str, str] | None = None,
    date_order: str | None = None,
) -> Iterator[Item]:
    try:
        doc = json.loads(decode_text(data, source=path))
    except InputError as e:
        yield fail(path, e.code, str(e))
        return
    except json.JSONDecodeError as e:
        yield fail(path, E_JSON, f"{path}: not JSON: {e.msg} at line {e.lineno} column {e.colno}")
        return
    if isinstance(doc, dict):
        yield _record(doc, path, path, published, mapping, date_order)
    elif isinstance(doc, list):
        if not doc:
            yield fail(path, E_EMPTY, f"{path}: empty list of records")
        for i, rec in enumerate(doc):
            yield _record(rec, f"{path}[{i}]", path, published, mapping, date_order)
    else:
        yield fail(
            path, E_RECORD, f"{path}: expected a record or a list of records, got {type(doc).__name__}"
        )


def _read_big_json(
    path: str,
    gz: bool,
    too_large: InputError,
    published: str | None,
    mapping: dict[str, str] | None,
    date_order: str | None = None,
) -> Iterator[Item]:
    """A JSON file over the size read whole, as one array of records walked element by element
    (`jsonarray`: the memory of one chunk and one record). Where the file stops being one well-formed
    array, an E_JSON failure says at which byte and element; the records before it are kept (a whole
    read, which would keep none, cannot hold the file). Not an array at all: refused as too large."""
    from sitroom.ingest.jsonarray import ArrayError, NotAnArray, elements

    k = 0
    try:
        with gzip.open(path, "rb") if gz else open(path, "rb") as f:
            for k, (_, _, rec) in enumerate(elements(f), start=1):
                yield _record(rec, f"{path}[{k - 1}]", path, published, mapping, date_order)
    except NotAnArray:  # one document too large to read
        yield fail(path, too_large.code, f"{too_large} (use JSON Lines, or one JSON array of records)")
    except ArrayError as e:
        where = f"after element {k - 1}, {k} read" if k else "at its first element"
        yield fail(path, E_JSON, f"{path}: not a well-formed JSON array {where}: {e}")
    except (OSError, EOFError, zlib.error) as e:  # a broken gzip stream or a read error midway
        code = E_GZIP if gz else E_READ
        yield fail(path, code, f"{path}: cannot read past element {k - 1}: {type(e).__name__}: {e}")


def array_spans(f: BinaryIO, target: int) -> list[tuple[int, int, int]] | None:
    """Cuts of a JSON file holding one array (`f`, its bytes from the start), at element starts, ~`target`
    bytes each: (byte start, byte end, index of the first element), for `read_array_span`. None when the
    file should be read whole: not a UTF-8 array of two cuts or more, or anything its whole read would
    report (bad JSON). Reads the file once, a chunk at a time (`jsonarray`)."""
    from sitroom.ingest.jsonarray import ArrayError, spans

    try:
        cuts = spans(f, target)
    except ArrayError:
        return None
    return cuts if len(cuts) > 1 else None


def read_array_span(
    data: bytes,
    path: str,
    first: int,
    published: str | None,
    mapping: dict[str, str] | None = None,
    date_order: str | None = None,
) -> Iterator[Item]:
    """The elements in one cut of `array_spans` (its bytes), as records `path[INDEX]` like the whole read."""
    text, decode, pos = data.decode("utf-8"), json.JSONDecoder().raw_decode, 0
    k = first
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            return
        rec, pos = decode(text, pos)
        yield _record(rec, f"{path}[{k}]", path, published, mapping, date_order)
        k += 1


def _record(
    rec: Any,
    source: str,
    path: str,
    published: str | None,
    mapping: dict[str, str] | None = None,
    date_order: str | None = None,
) -> Item:
    if not isinstance(rec, dict):
        return fail(source, E_RECORD, f"{source}: expected a JSON object, got {type(rec).__name__}")
    missing = sorted(c for c in (mapping or {}).values() if c not in rec)
    if mapping:
        from sitroom.ingest.tabular import remap

        rec = remap(rec, mapping)
    got = _guard(source, lambda: from_record(rec, source=source, published=published, date_order=date_order))
    if isinstance(got, Failure) and got.code == E_RECORD and missing:
        # The fields listed are those after --map: say which mapped column this record lacks.
        return fail(source, E_RECORD, f"{got.message}; --map names column(s) {missing} not in this record")
    return got


def _read_jsonl(
    path: str,
    published: str | None,
    *,
    gz: bool = False,
    mapping: dict[str, str] | None = None,
    date_order: str | None = None,
) -> Iterator[Item]:
    """Streams line by line: a bad line is one Failure (`path:LINENO`), the rest go on."""
    try:
        f: IO[bytes] = gzip.open(path, "rb") if gz else open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as e:
        yield unreadable(path, e)
        return
    with f:
        try:
            head = f.peek(_HEAD)[:_HEAD] if hasattr(f, "peek") else b""  # type: ignore[attr-defined]
        except (gzip.BadGzipFile, EOFError, zlib.error) as e:
            yield fail(path, E_GZIP, f"{path}: not a readable gzip file: {type(e).__name__}: {e}")
            return
        if looks_binary(head.removeprefix(b"\xef\xbb\xbf")):
            yield fail(path, E_BINARY, f"{path}: looks like binary data, not JSON Lines")
            return
        any_line = False
        try:
            for lineno, raw in enumerate(f, 1):
                if lineno == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                if not raw.strip():
                    continue
                any_line = True
                yield _jsonl_line(raw, f"{path}:{lineno}", published, mapping, date_order)
        except (gzip.BadGzipFile, EOFError, zlib.error) as e:
            yield fail(path, E_GZIP, f"{path}: gzip stream broken: {type(e).__name__}: {e}")
        except OSError as e:
            yield fail(path, E_READ, f"{path}: read failed: {e.strerror or e}")
        if not any_line:
            yield fail(path, E_EMPTY, f"{path}: empty file")


def _jsonl_line(
    raw: bytes | str,
    source: str,
    published: str | None,
    mapping: dict[str, str] | None = None,
    date_order: str | None = None,
) -> Item:
    try:
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as e:
        return fail(source, E_ENCODING, f"{source}: not valid UTF-8 at byte {e.start} of the line")
    try:
        # without its line break, as a cut partition reads it: the same column in every message
        rec = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as e:
        return fail(source, E_JSON, f"{source}: not JSON: {e.msg} (column {e.colno})")
    return _record(rec, source, source, published, mapping, date_order)


def read_stdin(
    stream: TextIO, *, published: str | None = None, date_order: str | None = None
) -> Iterator[Item]:
    """stdin: JSON Lines when every non-empty line starts with "{", an HTML page when it starts
    like one, plain text otherwise."""
    try:
        data = stream.read()
    except UnicodeDecodeError as e:
        yield fail("stdin", E_ENCODING, f"stdin: not valid UTF-8 at byte {e.start}")
        return
    except OSError as e:
        yield fail("stdin", E_READ, f"stdin: cannot read: {e.strerror or e}")
        return
    if isinstance(data, bytes):  # a binary stream passed by a caller
        try:
            data = decode_text(data, source="stdin")
        except InputError as e:
            yield fail("stdin", e.code, str(e))
            return
    if not data.strip():
        yield fail("stdin", E_EMPTY, "stdin: no input")
        return
    if "\x00" in data[:_HEAD]:
        yield fail("stdin", E_BINARY, "stdin: looks like binary data, not text")
        return
    lines = data.split("\n")
    if all(ln.lstrip().startswith("{") for ln in lines if ln.strip()):
        for lineno, ln in enumerate(lines, 1):
            if ln.strip():
                yield _jsonl_line(ln, f"stdin:{lineno}", published, date_order=date_order)
        return
    head = data.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")) or (
        head.startswith("<") and "<html" in data[:2000].lower()
    ):
        yield _guard("stdin", lambda: from_html(data, ref="stdin", source="stdin", published=published))
        return
    yield _guard("stdin", lambda: build(data, ref="stdin", source="stdin", published=published))


__all__ = ["read", "read_file", "read_stdin", "decode_html", "looks_binary", "kind", "is_gz"]
