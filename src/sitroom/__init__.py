"""Sitroom: news in, situation picture out.

    >>> import sitroom
    >>> result = sitroom.process(text, published="2024-05-03")
    >>> db = sitroom.open("sitroom.duckdb")

Nothing heavy is imported here: spaCy loads on the first call that needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sitroom.records import ArticleResult


def process(text: str, **kwargs: Any) -> ArticleResult:
    """Run the whole pipeline on one article text; see `sitroom.pipeline.process`."""
    from sitroom.pipeline import process as _process

    return _process(text, **kwargs)


def open(db: str | None = None, *, read_only: bool = False):  # noqa: A001 - the API's name for it
    """Open a Sitroom store (DuckDB file); see `sitroom.store.open_store`."""
    from sitroom.config import load
    from sitroom.store import open_store

    return open_store(db or load().db, read_only=read_only)


__all__ = ["__version__", "process", "open"]
