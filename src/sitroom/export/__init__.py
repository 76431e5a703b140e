"""Exports of stored events for other tools: PLOVER JSONL, GDELT 2.0 event TSV, ACLED-style CSV,
GeoJSON and Parquet. Reads the store through the query layer; never imports spaCy.

Files are written to a temporary name beside the target and renamed when complete, so an
interrupted export never leaves half a file under the asked name.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

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
PAGE = 2000  # events per query while streaming


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportCounts:
    written: int  # rows / records / features in the file
    skipped: int  # matching events the format has no place for (e.g. no ACLED type, no coordinates)
    path: str


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return fmt


def iter_events(
    store: Store, flt: EventFilter | None = None, *, page: int = PAGE
) -> Iterator[dict[str, Any]]:
    """Every matching event (as the query layer returns them), fetched page by page with a cursor;
    the filter's limit caps the total."""
    from sitroom.query import EventFilter, events, next_cursor

    flt = flt or EventFilter()
    remaining = flt.limit
    current = replace(flt, limit=page if remaining is None else min(page, remaining))
    while True:
        batch = events(store, current)
        yield from batch
        if remaining is not None:
            remaining -= len(batch)
        if len(batch) < (current.limit or 0) or (remaining is not None and remaining <= 0):
            return
        n = page if remaining is None else min(page, remaining)
        current = replace(flt, limit=n, offset=0, cursor=next_cursor(batch))


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
    for ev in iter_events(store, flt):
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


def _write_gdelt(store: Store, flt: EventFilter | None, f: IO[str]) -> tuple[int, int]:
    n = 0
    for batch, facts in _pages(store, flt):
        for ev in batch:
            f.write("\t".join(_tsv_cell(c) for c in gdelt_row(ev, facts.get(ev["article_id"]))) + "\n")
            n += 1
    return n, 0


def _write_acled(store: Store, flt: EventFilter | None, f: IO[str]) -> tuple[int, int]:
    from sitroom.output.render import _cell  # the same spreadsheet-formula guard as `events --format csv`

    w = csv.writer(f, lineterminator="\n")
    w.writerow(ACLED_COLUMNS)
    n = skipped = 0
    for batch, facts in _pages(store, flt):
        for ev in batch:
            if not ev.get("acled_event_type"):
                skipped += 1
                continue
            row = acled_row(ev, facts.get(ev["article_id"]))
            w.writerow([_cell(row[c]) for c in ACLED_COLUMNS])
            n += 1
    return n, skipped


def _write_geojson(store: Store, flt: EventFilter | None, f: IO[str]) -> tuple[int, int]:
    from sitroom.output import render_events
    from sitroom.query import article_refs

    evs = list(iter_events(store, flt))
    render_events(evs, "geojson", file=f, refs=article_refs(store, [e["article_id"] for e in evs]))
    located = sum(1 for e in evs if (e.get("location") or {}).get("lat") is not None)
    return located, len(evs) - located


def export(
    store: Store,
    fmt: str,
    out: str | os.PathLike[str],
    flt: EventFilter | None = None,
    *,
    force: bool = False,
) -> ExportCounts:
    """Write the events matching `flt` to `out` in `fmt`. Refuses (UsageError) to overwrite an
    existing file unless `force`."""
    check_format(fmt)
    path = Path(out)
    if path.exists() and not force:
        raise UsageError(f"{path} exists; pass --force to overwrite it")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    if not path.parent.exists():
        raise UsageError(f"folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            from sitroom.query import events_arrow

            table = events_arrow(store, flt)
            pq.write_table(table, tmp)
            written, skipped = table.num_rows, 0
        else:
            writer = {
                "plover-jsonl": _write_plover,
                "gdelt-tsv": _write_gdelt,
                "acled-csv": _write_acled,
                "geojson": _write_geojson,
            }[fmt]
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                written, skipped = writer(store, flt, f)
        os.replace(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
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
