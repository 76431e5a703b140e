"""The one query layer behind the CLI and the HTTP API. Reads the store; never imports spaCy."""

from sitroom.query.events import (
    EventPage,
    article,
    article_heads,
    article_refs,
    count_events,
    event,
    event_articles,
    event_page,
    events,
    events_arrow,
    events_frame,
    failures,
    next_cursor,
)
from sitroom.query.filters import EVENT_TYPES, EventFilter, parse_bbox, parse_date, parse_near
from sitroom.query.stats import INTERVALS, stats

__all__ = [
    "EVENT_TYPES",
    "INTERVALS",
    "EventFilter",
    "EventPage",
    "article",
    "article_heads",
    "article_refs",
    "count_events",
    "event",
    "event_articles",
    "event_page",
    "events",
    "events_arrow",
    "events_frame",
    "failures",
    "next_cursor",
    "parse_bbox",
    "parse_date",
    "parse_near",
    "stats",
]
