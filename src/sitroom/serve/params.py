"""Query parameters → the query layer's `EventFilter` (which validates them, as it does for the CLI)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from sitroom.query import EventFilter

MAX_PAGE = 1000  # events per JSON page
MAX_FEATURES = 10_000  # features per GeoJSON page (the map clusters them)

Country = Annotated[
    str | None, Query(description="ISO3 country of the place or of any actor (e.g. NER)", max_length=8)
]
Types = Annotated[
    list[str] | None,
    Query(alias="type", description="PLOVER event type; repeat or comma-separate (ASSAULT,COERCE)"),
]
Actor = Annotated[
    str | None, Query(description="substring of an actor's text, name, id or country", max_length=200)
]
Since = Annotated[str | None, Query(description="events on or after: YYYY, YYYY-MM or YYYY-MM-DD")]
Until = Annotated[str | None, Query(description="events on or before: YYYY, YYYY-MM or YYYY-MM-DD")]
Near = Annotated[str | None, Query(description="LAT,LON,KM: located within KM of the point")]
Bbox = Annotated[str | None, Query(description="W,S,E,N: located inside the box (GeoJSON order)")]
Text = Annotated[str | None, Query(description="substring of the evidence sentence", max_length=500)]
ArticleId = Annotated[
    str | None, Query(alias="article", description="article id or id prefix", max_length=64)
]
Cursor = Annotated[
    str | None, Query(description="`next_cursor` of the previous page; omit for the first", max_length=600)
]


def event_filter(
    country: Country = None,
    types: Types = None,
    actor: Actor = None,
    since: Since = None,
    until: Until = None,
    near: Near = None,
    bbox: Bbox = None,
    text: Text = None,
    article_id: ArticleId = None,
) -> EventFilter:
    """The filters shared by every event endpoint (without paging)."""
    flat = [t for item in types or () for t in item.split(",")]
    return EventFilter(
        country=country or None,
        event_type=tuple(flat),
        actor=actor or None,
        since=since or None,
        until=until or None,
        near=near or None,
        bbox=bbox or None,
        text=text or None,
        article_id=article_id or None,
    )
