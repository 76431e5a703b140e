"""Stories out of the store: each with its articles, their provenance, and its canonical events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sitroom.errors import UsageError
from sitroom.query.filters import parse_country, parse_date

if TYPE_CHECKING:
    from sitroom.store import Store


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryFilter:
    """country: ISO3 of a place or event location in the story; since/until: the story was seen in
    that period (first_seen..last_seen overlaps it; undated stories always match)."""

    country: str | None = None
    since: str | date | None = None
    until: str | date | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.country is not None:
            object.__setattr__(self, "country", parse_country(self.country))
        if self.since is not None:
            object.__setattr__(self, "since", parse_date(self.since, name="since"))
        if self.until is not None:
            object.__setattr__(self, "until", parse_date(self.until, name="until", end=True))
        if self.limit is not None and (isinstance(self.limit, bool) or int(self.limit) < 1):
            raise UsageError(f"limit must be a whole number of at least 1, got {self.limit!r}")


_COLUMNS = "id, title, first_seen, last_seen, independent_sources, article_count, outlets, agencies, events"


def _story(row: tuple, members: list[dict[str, Any]]) -> dict[str, Any]:
    sid, title, first, last, indep, n, outlets, agencies, events = row
    return {
        "id": sid,
        "title": title,
        "first_seen": first,
        "last_seen": last,
        "independent_sources": indep,
        "article_count": n,
        "outlets": list(outlets or []),
        "agencies": list(agencies or []),
        "events": json.loads(events or "[]"),
        "articles": members,
    }


def _members(store: Store, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    rows = (
        store.cursor()
        .execute(
            "SELECT s.story_id, a.ref, a.id, a.outlet, a.published, s.relation, s.derived_from, "
            "s.attribution_dropped, s.score, s.credits "
            "FROM story_articles s JOIN articles a ON a.id = s.article_id "
            "WHERE s.story_id IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY s.story_id, a.published IS NULL, a.published, a.ingested_at, a.id",
            [ids],
        )
        .fetchall()
    )
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for sid, ref, aid, outlet, pub, rel, der, dropped, score, credits in rows:
        out[sid].append(
            {
                "ref": ref,
                "id": aid,
                "outlet": outlet,
                "published": pub,
                "relation": rel,
                "derived_from": der,
                "attribution_dropped": bool(dropped),
                "score": score,
                "credits": list(credits or []),
            }
        )
    return out


def stories(store: Store, flt: StoryFilter | None = None) -> list[dict[str, Any]]:
    """Matching stories, most recently seen first (undated last), with their articles."""
    flt = flt or StoryFilter()
    conds, params = [], []
    if flt.country:
        conds.append("list_contains(countries, ?)")
        params.append(flt.country)
    if flt.since is not None:
        conds.append("(day_max IS NULL OR day_max >= ?)")
        params.append(flt.since)
    if flt.until is not None:
        conds.append("(day_min IS NULL OR day_min <= ?)")
        params.append(flt.until)
    sql = f"SELECT {_COLUMNS} FROM stories WHERE {' AND '.join(conds) or 'TRUE'} "
    sql += "ORDER BY last_seen DESC NULLS LAST, article_count DESC, id"
    if flt.limit:
        sql += " LIMIT ?"
        params.append(int(flt.limit))
    rows = store.cursor().execute(sql, params).fetchall()
    members = _members(store, [r[0] for r in rows])
    return [_story(r, members[r[0]]) for r in rows]


def story(store: Store, story_id: str) -> dict[str, Any] | None:
    """One story by id (or a unique id prefix), or None."""
    rows = (
        store.cursor()
        .execute(f"SELECT {_COLUMNS} FROM stories WHERE starts_with(id, ?) ORDER BY id LIMIT 2", [story_id])
        .fetchall()
    )
    if not rows:
        return None
    if len(rows) > 1 and rows[0][0] != story_id:
        raise UsageError(f"story id prefix {story_id!r} is ambiguous; give more characters")
    return _story(rows[0], _members(store, [rows[0][0]])[rows[0][0]])


def story_of_article(store: Store, article_id: str) -> str | None:
    got = (
        store.cursor()
        .execute("SELECT story_id FROM story_articles WHERE article_id = ?", [article_id])
        .fetchall()
    )
    return got[0][0] if got else None
