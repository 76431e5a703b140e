"""The one writer: finished shards → DuckDB (one transaction per shard, idempotent in SQL), then
stories for every article not yet in one. A loaded marker only saves work on a re-run: loading a
shard twice changes nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from sitroom.batch.work import finished, marker, read_json, shard_dir, shard_tables
from sitroom.store import WriteCounts

LOADED = "loaded"
# Articles per load transaction: DuckDB holds a transaction's new rows and the insert's working memory at
# once, and one transaction of a 1,750-article shard sometimes took more than 244 MiB
SLICE = 500
# DuckDB's buffer pool in the writer, in MB (its default, 80% of RAM, keeps what a load touched): with
# one worker the writer is the parsing process, and a 4 MB partition's load took it from 657 to 899 MB
LOAD_MEMORY = 256
# ... and during the link, after a checkpoint has written the loads out: with one worker the buffers the
# loads left sat beside the link's own memory (5,000 articles: peak 1,017 -> 926 MiB); link time the same.
# A cap keeps the writer small but must not stop a run: a step that runs out of memory rolls back and
# runs again with the cap doubled, up to MAX_MEMORY, then with DuckDB's default (`roomy`).
LINK_MEMORY = 128
MAX_MEMORY = 4096
T = TypeVar("T")


def loaded_marker(out: Path, pid: str) -> Path:
    return out / LOADED / f"{pid}.json"


def read_shard(out: Path, pid: str) -> dict:
    """The shard's Arrow tables, shaped as `work.shard_tables()` (a table with no rows may be absent
    from a shard written by an older version: it is then empty; one without link features has
    them computed by the link). The link features get their MinHash band keys here: this process
    already has what makes them, and while workers parse it is otherwise idle."""
    import pyarrow.parquet as pq

    from sitroom.link.stored import with_bands

    d = shard_dir(out, pid)
    tables = {}
    for name, schema in shard_tables().items():
        f = d / f"{name}.parquet"
        tables[name] = pq.read_table(f, schema=schema) if f.exists() else schema.empty_table()
    tables["link_features"] = with_bands(tables["link_features"])
    return tables


def slices(tables: dict, n: int = SLICE) -> Iterator[dict]:
    """A shard's tables in pieces of `n` articles, each with its articles' events, places and actors
    (each piece is then one transaction: a whole article or none of it is stored). Failures come
    with the first piece."""
    import pyarrow.compute as pc

    arts = tables["articles"]
    if arts.num_rows <= n:
        yield tables
        return
    for i in range(0, arts.num_rows, n):
        piece = arts.slice(i, n)
        ids = piece.column("id")
        out = {}
        for name, t in tables.items():
            if name == "articles":
                out[name] = piece
            elif name == "failures":
                out[name] = t if i == 0 else t.schema.empty_table()
            else:
                out[name] = t.filter(pc.is_in(t.column("article_id"), value_set=ids))
        yield out


class ShardUnreadable(RuntimeError):
    """A finished partition's shard cannot be read (damaged or cut short on disk): its done marker is
    removed, so the partition runs again."""


def load_shards(
    store,
    out: Path,
    pids: Iterable[str],
    *,
    on_loaded: Callable[[str, WriteCounts, list[str]], None] | None = None,
    on_unreadable: Callable[[str, ShardUnreadable], None] | None = None,
    how: dict | None = None,
    ingested_at: datetime | None = None,
) -> WriteCounts:
    """Load the shards among `pids` that were made for this store (their done marker names it) and
    that it has not loaded yet; `on_loaded` gets each loaded shard's id, counts and article ids. A
    shard that cannot be read loses its done marker (the partition runs again) and goes to
    `on_unreadable` (raised without it). `how`: load only shards read that way (`work.reading`).
    `ingested_at`: the articles' stamp (`Store.write_tables`); default: the time of each load."""
    import pyarrow as pa

    total = WriteCounts()
    tag = store.identity()
    for pid in pids:
        done = finished(out, pid, tag, how)
        if done is None:
            continue  # not finished, or for another database or read another way: it runs again
        lm = loaded_marker(out, pid)
        before = read_json(lm) or {}
        if before.get("db") == tag and before.get("shard") == done.get("shard"):
            continue  # this very shard is in (a shard made again has another `shard` id)
        try:
            tables = read_shard(out, pid)
        except (OSError, ValueError, pa.ArrowException) as e:
            marker(out, pid).unlink(missing_ok=True)
            bad = ShardUnreadable(f"its shard cannot be read ({type(e).__name__}: {e}); it runs again")
            if on_unreadable is None:
                raise bad from e
            on_unreadable(pid, bad)
            continue
        counts = WriteCounts()
        for piece in slices(tables):
            write = partial(store.write_tables, piece, ingested_at=ingested_at)
            counts = counts + roomy(store, LOAD_MEMORY, write)
        total = total + counts
        lm.parent.mkdir(parents=True, exist_ok=True)
        tmp = lm.with_name(f".{lm.name}.tmp")
        info = {"db": tag, "shard": done.get("shard"), "new": counts.new, "events": counts.events}
        tmp.write_text(json.dumps(info), encoding="utf-8")
        os.replace(tmp, lm)
        if on_loaded:
            on_loaded(pid, counts, tables["articles"].column("id").to_pylist())
    return total


def link(store, on_batch: Callable[[int, int], None] | None = None) -> int | None:
    """Stories for all unlinked articles, when the link stage is installed; None when it is not.
    `on_batch`: as `link_articles` takes it."""
    try:
        from sitroom.link import link_articles
        from sitroom.link.stored import unlinked
    except ImportError:
        return None
    store.con.execute("CHECKPOINT")  # the loads written out: their buffers can go
    todo = len(unlinked(store))  # counted here: a retry after running out of memory links only the rest
    roomy(store, LINK_MEMORY, partial(link_articles, store, on_batch=on_batch))
    return todo - len(unlinked(store))


def roomy(store, first_mb: int, step: Callable[[], T]) -> T:
    """`step()` with DuckDB's memory capped at `first_mb`; while it fails for want of memory (having
    rolled back), again with the cap doubled, then lifted. A cap below what DuckDB holds already
    cannot be set: that too is a cap too small."""
    mb: int | None = first_mb
    while True:
        try:
            store.con.execute("RESET memory_limit" if mb is None else f"SET memory_limit = '{mb}MB'")
            return step()
        except Exception as e:
            if mb is None or not _out_of_memory(e):
                raise
            mb = mb * 2 if mb * 2 <= MAX_MEMORY else None


def _out_of_memory(e: BaseException | None) -> bool:
    import duckdb

    while e is not None:
        if isinstance(e, duckdb.OutOfMemoryException):
            return True
        e = e.__cause__ or e.__context__
    return False
