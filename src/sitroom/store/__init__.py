"""The DuckDB store: articles, events, mentions and failures in one file, evolved by named migrations."""

from sitroom.store.db import (
    BATCH,
    Store,
    WriteCounts,
    default_path,
    interrupt_queries,
    open_store,
    registered,
)

__all__ = ["BATCH", "Store", "WriteCounts", "default_path", "interrupt_queries", "open_store", "registered"]
