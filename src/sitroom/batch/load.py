"""The one writer: finished shards → DuckDB (one transaction per shard, idempotent in SQL), then
stories for every article not yet in one. A loaded marker only saves work on a re-run: loading a
shard twice changes nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from sitroom.batch.work import DONE, shard_dir
from sitroom.store import WriteCounts

LOADED = "loaded"


def loaded_marker(out: Path, pid: str) -> Path:
    return out / LOADED / f"{pid}.json"


def read_shard(out: Path, pid: str) -> dict:
    """The shard's Arrow tables, shaped as `store.rows.TABLES` (a table with no rows may be absent
    from a shard written by an older version: it is then empty)."""
    import pyarrow.parquet as pq

    from sitroom.store import rows

    d = shard_dir(out, pid)
    tables = {}
    for name, schema in rows.TABLES.items():
        f = d / f"{name}.parquet"
        tables[name] = pq.read_table(f, schema=schema) if f.exists() else schema.empty_table()
    return tables


def load_shards(
    store,
    out: Path,
    pids: Iterable[str],
    *,
    on_loaded: Callable[[str, WriteCounts, list[str]], None] | None = None,
) -> WriteCounts:
    """Load the done shards among `pids` that this store has not loaded yet; `on_loaded` gets each
    loaded shard's id, counts and article ids."""
    total = WriteCounts()
    tag = os.path.abspath(store.path)
    for pid in pids:
        if not (out / DONE / f"{pid}.json").exists():
            continue
        lm = loaded_marker(out, pid)
        if lm.exists() and json.loads(lm.read_text(encoding="utf-8")).get("db") == tag:
            continue
        tables = read_shard(out, pid)
        counts = store.write_tables(tables)
        total = total + counts
        lm.parent.mkdir(parents=True, exist_ok=True)
        tmp = lm.with_name(f".{lm.name}.tmp")
        tmp.write_text(json.dumps({"db": tag, "new": counts.new, "events": counts.events}), encoding="utf-8")
        os.replace(tmp, lm)
        if on_loaded:
            on_loaded(pid, counts, tables["articles"].column("id").to_pylist())
    return total


def link_cache():
    """A `FeatureCache` for the link at the end of the run, None without the link stage. Worth it when
    workers parse in other processes: this one then computes link features while they work."""
    try:
        from sitroom.link.stored import FeatureCache
    except ImportError:
        return None
    return FeatureCache()


def link(store, cache=None) -> int | None:
    """Stories for all unlinked articles, when the link stage is installed; None when it is not.
    `cache`: link features computed ahead (`link_cache`)."""
    try:
        from sitroom.link import link_articles
    except ImportError:
        return None
    counts = link_articles(store, cache=cache)
    return getattr(counts, "articles", 0) if counts is not None else 0
