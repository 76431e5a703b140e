"""The one query layer behind the CLI and the HTTP API. Reads the store; never imports spaCy."""

from sitroom.query.events import (
    article,
    article_refs,
    count_events,
    events,
    events_arrow,
    events_frame,
    failures,
    next_cursor,
)
from sitroom.query.filters import EVENT_TYPES, EventFilter, parse_bbox, parse_date, parse_near

__all__ = [
    "EVENT_TYPES",
    "EventFilter",
    "article",
    "article_refs",
    "count_events",
    "events",
    "events_arrow",
    "events_frame",
    "failures",
    "next_cursor",
    "parse_bbox",
    "parse_date",
    "parse_near",
]
