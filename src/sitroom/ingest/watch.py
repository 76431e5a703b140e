"""Polling feeds (`sitroom watch`): each round reads every feed and yields only entries not seen
before. What was seen lives in the store's `feed_seen` table (migration 0004), and each feed's
validators (ETag, Last-Modified) in `feed_state` (0008), through a DB-API connection handed in, so
this stage does not import the store. A feed polled again is asked with a conditional GET: an
unchanged one answers 304 and is not read at all."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sitroom.errors import E_NOT_FOUND, E_READ, InputError, UsageError
from sitroom.records import Article, Failure, Stage

_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> float:
    """'15m' → 900.0; units s, m, h, d (none = seconds)."""
    m = _EVERY.match(str(text))
    if not m:
        raise UsageError(
            f"--every must be a number with an optional unit s, m, h or d (e.g. 15m), got {text!r}"
        )
    return float(m[1]) * _UNIT[m[2].lower()]


class FeedMemory:
    """Entry keys already taken in, per feed, in the `feed_seen` table of a DuckDB connection."""

    def __init__(self, con: Any) -> None:
        self.con = con

    def keys(self, feed: str) -> set[str]:
        rows = self.con.execute("SELECT entry_key FROM feed_seen WHERE feed = ?", [feed]).fetchall()
        return {r[0] for r in rows}

    def mark(self, feed: str, entries: Iterable[tuple[str, str | None]]) -> int:
        """Remember (entry key, article id) pairs; returns how many were new."""
        rows = list(dict(entries).items())
        if not rows:
            return 0
        before = self.keys(feed)
        now = datetime.now(UTC).replace(tzinfo=None)
        self.con.executemany(
            "INSERT OR IGNORE INTO feed_seen (feed, entry_key, article_id, seen_at) VALUES (?, ?, ?, ?)",
            [[feed, k, a, now] for k, a in rows],
        )
        return sum(1 for k, _ in rows if k not in before)

    def validators(self, feed: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) the feed's server last sent; (None, None) when none were kept."""
        row = self.con.execute("SELECT etag, last_modified FROM feed_state WHERE feed = ?", [feed]).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def keep_validators(self, feed: str, etag: str | None, last_modified: str | None) -> None:
        now = datetime.now(UTC).replace(tzinfo=None)
        self.con.execute(
            "INSERT OR REPLACE INTO feed_state (feed, etag, last_modified, checked_at) VALUES (?, ?, ?, ?)",
            [feed, etag, last_modified, now],
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Round:
    """One poll of one feed: the new items and the entry keys they came from."""

    feed: str
    items: tuple[Article | Failure, ...]
    keys: tuple[tuple[str, str | None], ...]  # (entry key, article id) to remember once stored
    # (ETag, Last-Modified) to keep once stored: None when a failed entry must be read again next
    # round (a conditional GET would then get a 304 and never retry it), or nothing changed
    validators: tuple[str | None, str | None] | None = None
    not_modified: bool = False  # the server said 304: nothing read


def poll(feed: str, memory: FeedMemory, *, fetcher: Any, published: str | None = None) -> Round:
    """Read one feed (URL or file) and keep the entries `memory` has not seen."""
    from sitroom.ingest.feeds import read_feed

    seen = memory.keys(feed)
    data: bytes
    base = None  # where the feed really is (after redirects): its relative entry links are read against it
    fresh: tuple[str | None, str | None] | None = None
    try:
        if "://" in feed:
            etag, modified = memory.validators(feed)
            got = fetcher.fetch(feed, etag=etag, last_modified=modified)
            if got.not_modified:
                return Round(feed=feed, items=(), keys=(), not_modified=True)
            data, base = got.body, got.final_url
            if got.etag or got.last_modified:
                fresh = (got.etag, got.last_modified)
        else:
            if not os.path.exists(feed):
                raise InputError(f"{feed}: no such file", code=E_NOT_FOUND)
            with open(feed, "rb") as f:
                data = f.read()
    except InputError as e:
        return Round(
            feed=feed, items=(Failure(source=feed, stage=Stage.INGEST, code=e.code, message=str(e)),), keys=()
        )
    except OSError as e:
        fail = Failure(source=feed, stage=Stage.INGEST, code=E_READ, message=f"{feed}: cannot read: {e}")
        return Round(feed=feed, items=(fail,), keys=())
    items = tuple(
        read_feed(data, source=feed, fetcher=fetcher, published=published, seen=seen.__contains__, base=base)
    )
    # Articles from entries carry the entry key as their ref; failures are retried next round.
    keys = tuple((a.ref, a.id) for a in items if isinstance(a, Article))
    whole = not any(isinstance(i, Failure) for i in items)
    return Round(feed=feed, items=items, keys=keys, validators=fresh if whole else None)
