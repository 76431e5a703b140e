"""Tables of articles: CSV / TSV files and JSON records whose columns have other names than ours.

A column mapping (`--map text=body,published=date,url=link`) says which input column fills which
article field; fields not mapped are read from columns of their own name. A CSV row with bad
quoting is one Failure (`path:LINE`) and the rows after it are still read.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import IO, Any

from sitroom.errors import E_READ, E_RECORD, InputError, UsageError
from sitroom.ingest.fail import fail, unreadable
from sitroom.records import Article, Failure

# Article fields a mapping may fill (the keys of `record.from_record`).
FIELDS = ("text", "html", "published", "url", "title", "outlet", "id", "authors", "language")
E_CSV = "E_CSV"  # a CSV row that does not parse (bad quoting, unterminated field)
_FIELD_LIMIT = 64 * 1024 * 1024  # csv's default 128 KB field cap is smaller than long articles
_MAX_RESTARTS = 1000


def parse_mapping(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """'text=body,published=date' → {'text': 'body', 'published': 'date'}. Unknown targets, empty
    names and a target given twice are usage errors that list what is allowed."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        pairs = list(spec.items())
    else:
        pairs = []
        for part in str(spec).split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise UsageError(
                    f"--map entry {part.strip()!r} needs the form FIELD=COLUMN, e.g. text=body; "
                    f"fields: {', '.join(FIELDS)}"
                )
            k, v = part.split("=", 1)
            pairs.append((k, v))
    out: dict[str, str] = {}
    for k, v in pairs:
        k, v = str(k).strip().lower(), str(v).strip()
        if k not in FIELDS:
            raise UsageError(f"--map: unknown field {k!r}; fields: {', '.join(FIELDS)}")
        if not v:
            raise UsageError(f"--map: field {k!r} has no column name")
        if k in out:
            raise UsageError(f"--map: field {k!r} is mapped twice")
        out[k] = v
    return out


def remap(rec: dict[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """A record with the mapped columns renamed to our field names (mapped targets win over a column
    that already has the field's name)."""
    if not mapping:
        return rec
    used = set(mapping.values())
    out = {k: v for k, v in rec.items() if k not in mapping and k not in used}
    for field, column in mapping.items():
        if column in rec:
            out[field] = rec[column]
    return out


def read_csv(
    open_text: Callable[[], IO[str]],
    path: str,
    *,
    mapping: Mapping[str, str] | None = None,
    published: str | None = None,
    delimiter: str = ",",
    span: Span | None = None,
    date_order: str | None = None,
) -> Iterator[Article | Failure]:
    """Rows of a CSV (or TSV) file as articles. `open_text` opens the file as text (it may be called
    again to resume after an unterminated quote swallowed the rest of the file).

    `span`: only the rows of one cut made by `row_spans`, exactly as the whole read gives them. The
    first cut reports what concerns the whole file (no header, mapped columns missing); the others
    read the header, then start at their own offset."""
    from sitroom.ingest.record import from_record

    mapping = dict(mapping or {})
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    header: list[str] | None = None
    skip_to = 0  # physical lines already consumed before a restart
    restarts = 0
    any_row = False
    while True:
        try:
            f = open_text()
        except OSError as e:
            yield unreadable(path, e)
            return
        with f:
            lines = _Lines(f, 0)
            try:
                lines.skip(skip_to)
            except (UnicodeDecodeError, OSError, EOFError, zlib.error) as e:
                yield fail(path, _read_error_code(e), f"{path}: read failed: {type(e).__name__}: {e}")
                return
            reader = csv.reader(lines, delimiter=delimiter, strict=True)
            restart_at = None
            while True:
                start = lines.n + 1  # first physical line of the next record
                if span and span.end_line and start >= span.end_line:
                    break
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as e:
                    if "unexpected end of data" in str(e) or lines.eof:
                        yield fail(
                            f"{path}:{start}", E_CSV, f"{path}:{start}: unterminated quoted field ({e})"
                        )
                        restart_at = start  # go on from the line after the bad one
                        break
                    yield fail(f"{path}:{start}", E_CSV, f"{path}:{start}: bad CSV row: {e}")
                    continue
                except (UnicodeDecodeError, OSError, EOFError, zlib.error) as e:
                    code = _read_error_code(e)
                    yield fail(path, code, f"{path}: read failed near line {start}: {type(e).__name__}: {e}")
                    return
                if header is None:
                    header = [h.strip().lstrip("\ufeff") for h in row]
                    missing = sorted({c for c in mapping.values() if c not in header})
                    if missing:
                        if not (span and span.start):  # one failure for the file, from its first cut
                            yield fail(
                                path,
                                E_RECORD,
                                f"{path}: --map names column(s) {missing} not in the header {header}",
                            )
                        return
                    if span and span.start:
                        f.seek(span.start)
                        lines.n = span.first_line - 1
                        reader = csv.reader(lines, delimiter=delimiter, strict=True)
                    continue
                if not any(c.strip() for c in row):
                    continue
                any_row = True
                src = f"{path}:{start}"
                if len(row) != len(header):
                    yield fail(src, E_CSV, f"{src}: {len(row)} cells, the header has {len(header)}")
                    continue
                rec = remap(dict(zip(header, row, strict=True)), mapping)
                try:
                    yield from_record(rec, source=src, published=published, date_order=date_order)
                except InputError as e:
                    yield fail(src, e.code, str(e))
        if restart_at is None or restarts >= _MAX_RESTARTS or span:  # a cut file has no bad quotes
            break
        restarts += 1
        skip_to = restart_at
    if span:
        return
    if header is None:
        yield fail(path, "E_EMPTY", f"{path}: empty file (no header row)")
    elif not any_row and not restarts:
        yield fail(path, "E_EMPTY", f"{path}: header only, no rows")


def _read_error_code(e: BaseException) -> str:
    if isinstance(e, UnicodeDecodeError):
        return "E_ENCODING"
    if isinstance(e, EOFError | zlib.error | gzip.BadGzipFile):
        return "E_GZIP"
    return E_READ


@dataclass(frozen=True, slots=True)
class Span:
    """The rows of a CSV file whose first line is in [first_line, end_line) (end_line 0: to the end),
    starting at `start`, a text position of the file (`TextIO.tell`, a byte offset; 0: the file's
    start, header included)."""

    start: int
    first_line: int
    end_line: int = 0
    chars: int = 0  # text it holds, about (for balance and progress)


def row_spans(open_text: Callable[[], IO[str]], target: int, *, delimiter: str = ",") -> list[Span] | None:
    """Cuts of a CSV file at row starts, ~`target` characters each, for `read_csv(span=...)`. None when
    the file should be read whole: fewer than two cuts, or anything its whole read would report or
    resume from (a bad row, a decoding or gzip error)."""
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    spans: list[Span] = []
    start, first, base = 0, 1, 0
    try:
        with open_text() as f:
            if getattr(f, "encoding", "").startswith("utf-16"):
                return None  # two bytes a character and a BOM to start from: read whole
            lines = _Lines(f, 0)
            reader = csv.reader(lines, delimiter=delimiter, strict=True)
            if next(reader, None) is None:
                return None
            while True:
                if lines.chars - base >= target:
                    pos = f.tell()
                    if pos < 1 << 64:  # a plain byte offset (no decoder state packed into the cookie)
                        line = lines.n + 1
                        spans.append(Span(start, first, line, lines.chars - base))
                        start, first, base = pos, line, lines.chars
                try:
                    next(reader)
                except StopIteration:
                    break
    except (csv.Error, UnicodeDecodeError, OSError, EOFError, zlib.error):
        return None
    if lines.chars > base:
        spans.append(Span(start, first, 0, lines.chars - base))
    elif spans:  # the last cut fell at the end of the file
        spans[-1] = replace(spans[-1], end_line=0)
    return spans if len(spans) > 1 else None


DELIMITERS = (",", ";", "\t", "|")  # what a .csv may hold: ";" where the comma is the decimal mark


_HEADER_CHARS = 1 << 16  # a header line longer than this is not one


def delimiter_for(ext: str, open_text: Callable[[], IO[str]] | None = None) -> str:
    """A TSV's tab; for a CSV, the delimiter its header line holds most of (a spreadsheet saved in a
    locale whose decimal mark is the comma writes ";"), the comma when the line cannot be read."""
    if ext == ".tsv":
        return "\t"
    if open_text is None:
        return ","
    try:
        with open_text() as f:
            head = f.readline(_HEADER_CHARS)
    except (OSError, UnicodeDecodeError, EOFError, zlib.error):
        return ","  # the read itself reports it
    counts = {d: head.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties keep the comma (first)
    return best if counts[best] > counts[","] else ","


class _Lines:
    """Line iterator that counts physical lines (and their characters) and skips the first `skip`."""

    def __init__(self, f: IO[str], skip: int) -> None:
        self.f = f
        self.n = 0
        self.chars = 0
        self.eof = False
        self.skip(skip)

    def skip(self, n: int) -> None:
        for _ in range(n):
            if not self.f.readline():
                break
            self.n += 1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.f.readline()
        if not line:
            self.eof = True
            raise StopIteration
        self.n += 1
        self.chars += len(line)
        return line


def text_opener(path: str, *, gz: bool = False, index: str = "") -> Callable[[], IO[str]]:
    """Opens path as UTF-8 text (BOM dropped), or UTF-16 when it starts with that BOM (a spreadsheet's
    "Unicode text"), through gzip when gz (with seek points from `index`, if any: `ingest.gzindex`);
    newline='' as csv wants."""

    def raw() -> IO[bytes]:
        if gz:
            from sitroom.ingest.gzindex import open_gz

            return open_gz(path, index=index)
        return open(path, "rb")  # noqa: SIM115 - the caller closes it

    encoding = "utf-8-sig"
    try:
        with raw() as f:
            if f.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                encoding = "utf-16"
    except (OSError, EOFError, zlib.error):
        pass  # the read itself reports it

    def open_text() -> IO[str]:
        return io.TextIOWrapper(raw(), encoding=encoding, newline="")

    return open_text
