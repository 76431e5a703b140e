"""Exports of stored events for other tools: PLOVER JSONL, GDELT 2.0 event TSV, ACLED-style CSV,
GeoJSON and Parquet. Reads the store through the query layer; never imports spaCy.

Files are written to a temporary name beside the target and renamed when complete, so an
interrupted export never leaves half a file under the asked name. "-" is standard output; a device
or pipe (/dev/stdout, a FIFO) is written in place, never renamed over.
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from sitroom.errors import StoreError, UsageError
from sitroom.export.formats import (
    ACLED_COLUMNS,
    GDELT_COLUMNS,
    ArticleFacts,
    acled_row,
    gdelt_row,
    global_event_id,
    plover_record,
)

if TYPE_CHECKING:
    from sitroom.query import EventFilter
    from sitroom.store import Store

FORMATS = ("plover-jsonl", "gdelt-tsv", "acled-csv", "geojson", "parquet")
# Why a format leaves out a matching event (the others write every one).
SKIPS = {
    "plover-jsonl": "are statements, which PLOVER has no category for",
    "acled-csv": "have no ACLED event type",
    "geojson": "have no coordinates",
}
PAGE = 2000  # events per query while streaming
B = TypeVar("B")  # a page of events: a list of records, or an Arrow table


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportCounts:
    written: int  # rows / records / features in the file
    skipped: int  # matching events the format has no place for (e.g. no ACLED type, no coordinates)
    path: str


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return fmt


def _paged(
    flt: EventFilter | None,
    page: int,
    fetch: Callable[[EventFilter], B],
    size: Callable[[B], int],
    cursor: Callable[[B], str],
) -> Iterator[B]:
    """Pages of matching events (`fetch` of the filter with a limit and a cursor), `page` at most
    each; the filter's limit caps the total."""
    from sitroom.query import EventFilter

    flt = flt or EventFilter()
    remaining = flt.limit
    current = replace(flt, limit=page if remaining is None else min(page, remaining))
    while True:
        batch = fetch(current)
        yield batch
        n = size(batch)
        if remaining is not None:
            remaining -= n
        if n < (current.limit or 0) or (remaining is not None and remaining <= 0):
            return
        limit = page if remaining is None else min(page, remaining)
        current = replace(flt, limit=limit, offset=0, cursor=cursor(batch))


def iter_events(
    store: Store, flt: EventFilter | None = None, *, page: int = PAGE
) -> Iterator[dict[str, Any]]:
    """Every matching event (as the query layer returns them), fetched page by page with a cursor;
    the filter's limit caps the total."""
    from sitroom.query import events, next_cursor

    for batch in _paged(flt, page, lambda f: events(store, f), len, next_cursor):
        yield from batch


def _has_table(store: Store, name: str) -> bool:
    got = (
        store.cursor()
        .execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name])
        .fetchone()
    )
    return bool(got and got[0])


def article_facts(store: Store, ids: list[str]) -> dict[str, ArticleFacts]:
    """What the formats need about these articles, with story counts when stories exist."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    cur = store.cursor()
    rows = cur.execute(
        "SELECT id, url, ref, title, outlet, published, language, CAST(ingested_at AS VARCHAR), "
        "strpos(text, chr(10) || chr(10)) FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
        [wanted],
    ).fetchall()
    counts: dict[str, tuple[int, int]] = {}
    if _has_table(store, "story_articles") and _has_table(store, "stories"):
        import duckdb

        try:
            counts = {
                r[0]: (int(r[1] or 1), int(r[2] or 1))
                for r in cur.execute(
                    "SELECT sa.article_id, s.article_count, s.independent_sources "
                    "FROM story_articles sa JOIN stories s ON s.id = sa.story_id "
                    "WHERE sa.article_id IN (SELECT unnest(?::VARCHAR[]))",
                    [wanted],
                ).fetchall()
            }
        except duckdb.Error:
            counts = {}  # a stories schema this version does not know: counts stay 1
    out = {}
    for aid, url, ref, title, outlet, published, language, added, brk in rows:
        n_art, n_src = counts.get(aid, (1, 1))
        out[aid] = ArticleFacts(
            id=aid,
            url=url,
            ref=ref,
            title=title,
            outlet=outlet,
            published=published,
            language=language,
            ingested_at=added,
            first_break=(brk - 1) if brk else None,
            num_articles=max(1, n_art),
            num_sources=max(1, n_src),
        )
    return out


def _pages(
    store: Store, flt: EventFilter | None
) -> Iterator[tuple[list[dict[str, Any]], dict[str, ArticleFacts]]]:
    batch: list[dict[str, Any]] = []
    for ev in iter_events(store, flt, page=PAGE):
        batch.append(ev)
        if len(batch) >= PAGE:
            yield batch, article_facts(store, [e["article_id"] for e in batch])
            batch = []
    if batch:
        yield batch, article_facts(store, [e["article_id"] for e in batch])


def _coder() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"sitroom {version('sitroom')}"
    except PackageNotFoundError:
        return "sitroom"


def _write_plover(store: Store, flt: EventFilter | None, f: IO[str]) -> tuple[int, int]:
    coder, n, skipped = _coder(), 0, 0
    for batch, facts in _pages(store, flt):
        for ev in batch:
            if ev.get("event_type") == "STATEMENT":  # PLOVER dropped CAMEO 01: no PLOVER category
                skipped += 1
                continue
            rec = plover_record(ev, facts.get(ev["article_id"]), coder=coder)
            f.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
            n += 1
    return n, skipped


def _tsv_cell(v: Any) -> str:
    if v is None:
        return ""
    return str(v).replace("\t", " ").replace("\r", " ").replace("\n", " ")


class Areas:
    """The gazetteer entry a place was resolved to, for what the event record does not keep: its
    first-level area code (GDELT's ADM1Code) and its second-level area (ACLED's admin2). Looked up at
    export time, so stores written before the gazetteer kept them export them too; the gazetteer is
    opened on the first place below country level."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._cache_dir = cache_dir
        self._gazetteer: Any = None
        self._entries: dict[str, Any] = {}

    def __call__(self, loc: dict[str, Any] | None) -> Any:
        gid = (loc or {}).get("gazetteer_id")
        if not gid or (loc or {}).get("precision") == "country":
            return None
        if gid not in self._entries:
            if self._gazetteer is None:
                from sitroom.resolve.gazetteer import open_gazetteer

                self._gazetteer = open_gazetteer(self._cache_dir)
            self._entries[gid] = self._gazetteer.get(gid)
        return self._entries[gid]


def _write_gdelt(store: Store, flt: EventFilter | None, f: IO[str]) -> tuple[int, int]:
    n, areas = 0, Areas()
    for batch, facts in _pages(store, flt):
        for ev in batch:
            area = areas(ev.get("location"))
            row = gdelt_row(ev, facts.get(ev["article_id"]), area.admin1_code if area else None)
            f.write("\t".join(_tsv_cell(c) for c in row) + "\n")
            n += 1
    return n, 0


def _write_acled(store: Store, flt: EventFilter | None, f: IO[str]) -> tuple[int, int]:
    from sitroom.output.render import _cell  # the same spreadsheet-formula guard as `events --format csv`

    w = csv.writer(f, lineterminator="\n")
    w.writerow(ACLED_COLUMNS)
    n = skipped = 0
    areas = Areas()
    for batch, facts in _pages(store, flt):
        for ev in batch:
            if not ev.get("acled_event_type"):
                skipped += 1
                continue
            area = areas(ev.get("location"))
            row = acled_row(ev, facts.get(ev["article_id"]), admin2=area.admin2 if area else None)
            w.writerow([_cell(row[c]) for c in ACLED_COLUMNS])
            n += 1
    return n, skipped


def _write_geojson(store: Store, flt: EventFilter | None, f: IO[str]) -> tuple[int, int]:
    """The FeatureCollection of `events --format geojson`, written a feature at a time so a big
    export never holds every event in memory."""
    from sitroom.output.flat import flat_row
    from sitroom.output.render import flat_feature

    f.write('{"type": "FeatureCollection", "features": [')
    n = skipped = 0
    for batch, facts in _pages(store, flt):
        for ev in batch:
            art = facts.get(ev["article_id"])
            feat = flat_feature(flat_row(ev, art.ref if art else None))
            if feat is None:
                skipped += 1
                continue
            f.write(("\n" if n == 0 else ",\n") + json.dumps(feat, ensure_ascii=False))
            n += 1
    f.write("\n]}\n")
    return n, skipped


def _write_parquet(store: Store, flt: EventFilter | None, f: IO[bytes]) -> tuple[int, int]:
    """Arrow pages (cursor-paged like `iter_events`) appended as row groups: memory stays one page."""
    import pyarrow.parquet as pq

    from sitroom.query import events_arrow
    from sitroom.query.filters import encode_cursor

    def last(table) -> str:
        row = table.slice(table.num_rows - 1).select(["date_value", "id"]).to_pylist()[0]
        return encode_cursor(row["date_value"], row["id"])

    writer, n = None, 0
    try:
        for table in _paged(flt, PAGE, lambda fl: events_arrow(store, fl), lambda t: t.num_rows, last):
            if writer is None:
                writer = pq.ParquetWriter(f, table.schema)
            if table.num_rows:
                writer.write_table(table)
            n += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    return n, 0


def _write(store: Store, fmt: str, flt: EventFilter | None, f: IO[bytes]) -> tuple[int, int]:
    if fmt == "parquet":
        return _write_parquet(store, flt, f)
    writer = {
        "plover-jsonl": _write_plover,
        "gdelt-tsv": _write_gdelt,
        "acled-csv": _write_acled,
        "geojson": _write_geojson,
    }[fmt]
    text = io.TextIOWrapper(f, encoding="utf-8", newline="")
    try:
        return writer(store, flt, text)
    finally:
        text.flush()
        text.detach()  # the caller owns `f`


def _is_stream(path: Path) -> bool:
    """A device, pipe or socket (e.g. /dev/stdout, /dev/null, a FIFO): written in place, since renaming
    a file over it would replace the device node itself."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _new_part(path: Path) -> Path:
    """An empty temporary file beside `path`. Made with mode 0666 less the umask, as `open` would:
    mkstemp's 0600 would stay on the renamed export and hide it from everyone else."""
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.part"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp


def export(
    store: Store,
    fmt: str,
    out: str | os.PathLike[str],
    flt: EventFilter | None = None,
    *,
    force: bool = False,
) -> ExportCounts:
    """Write the events matching `flt` to `out` in `fmt` ("-": standard output). Refuses
    (UsageError) to overwrite an existing file unless `force`."""
    check_format(fmt)
    if str(out) in ("-", "/dev/stdout"):  # /dev/stdout may name a regular file the shell redirected to
        if fmt == "parquet" and sys.stdout.isatty():
            raise UsageError("parquet is binary: redirect standard output or give a file name")
        sys.stdout.flush()
        try:
            written, skipped = _write(store, fmt, flt, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        except OSError as e:  # e.g. a closed pipe (`| head`)
            raise StoreError(f"cannot write to standard output: {e.strerror or e}", code="E_WRITE") from e
        return ExportCounts(written=written, skipped=skipped, path="-")
    path = Path(out)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    stream = _is_stream(path)
    if path.exists() and not (force or stream):
        raise UsageError(f"{path} exists; pass --force to overwrite it")
    if path.is_symlink() and not stream:
        path = path.resolve()  # replace the file the link names, not the link
    if not path.parent.exists():
        raise UsageError(f"folder {path.parent} does not exist")
    tmp: Path | None = None
    try:
        if stream:
            with open(path, "wb") as f:
                written, skipped = _write(store, fmt, flt, f)
        else:
            tmp = _new_part(path)
            if path.exists():  # an overwritten export keeps its permissions
                os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
            with open(tmp, "wb") as f:
                written, skipped = _write(store, fmt, flt, f)
            os.replace(tmp, path)
    except BaseException as e:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise StoreError(f"cannot write {path}: {e.strerror or e}", code="E_WRITE") from e
        raise
    return ExportCounts(written=written, skipped=skipped, path=str(path))


__all__ = [
    "ACLED_COLUMNS",
    "FORMATS",
    "GDELT_COLUMNS",
    "ArticleFacts",
    "ExportCounts",
    "acled_row",
    "article_facts",
    "check_format",
    "export",
    "gdelt_row",
    "global_event_id",
    "iter_events",
    "plover_record",
]
