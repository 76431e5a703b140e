"""Read endpoints: events (JSON and GeoJSON), one event, one article with its evidence, stats, config.

Handlers are sync functions: FastAPI runs them in its thread pool, and each query takes its own
cursor from the store (`Store.cursor()`), as DuckDB wants one per thread. Bodies are cached per
request until the next write (`serve.cache`); event pages are spliced from the stored JSON texts.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from sitroom.query import (
    EVENT_TYPES,
    INTERVALS,
    EventFilter,
    article,
    event,
    event_page,
    events,
    stats,
)
from sitroom.serve.auth import require_read
from sitroom.serve.errors import ApiError
from sitroom.serve.geo import event_feature, feature_collection
from sitroom.serve.params import MAX_FEATURES, MAX_PAGE, Cursor, event_filter

router = APIRouter(prefix="/api", dependencies=[Depends(require_read)])

Filter = Annotated[EventFilter, Depends(event_filter)]
Id = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:\-]+$")]


def ok(**body: Any) -> JSONResponse:
    # A JSONResponse skips FastAPI's per-field re-encoding: records are plain JSON already.
    return JSONResponse({"ok": True, **body})


def dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def cached(request: Request, build: Callable[[], bytes], media_type: str = "application/json") -> Response:
    """The body for this exact request (path + query) from the cache, or built and kept."""
    key = f"{request.url.path}?{request.url.query}"
    return Response(request.app.state.cache.get_or_build(key, build), media_type=media_type)


@router.get("/config", summary="What this server offers (writes, privacy, tiles, event types)")
def config(request: Request) -> JSONResponse:
    st = request.app.state
    return ok(
        version=st.version,
        writes=st.tokens.write is not None,
        private=st.tokens.read is not None,
        tile_url=st.tile_url,
        event_types=list(EVENT_TYPES),
        max_page=MAX_PAGE,
        max_features=MAX_FEATURES,
    )


@router.get("/events", summary="Events matching the filters, by date then id, one page at a time")
def list_events(
    request: Request,
    flt: Filter,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="events per page")] = 100,
    cursor: Cursor = None,
    total: Annotated[bool, Query(description="also count all matching events")] = True,
) -> Response:
    store = request.app.state.store

    def build() -> bytes:
        page = event_page(store, dataclasses.replace(flt, limit=limit, cursor=cursor), total=total)
        nxt = page.next_cursor if len(page.records) == limit else None
        tail: dict[str, Any] = {"next_cursor": nxt, "limit": limit}
        if total:
            tail["total"] = page.total
        # The stored records are JSON already: splice them in rather than parse and re-encode.
        return b'{"ok":true,"events":[' + ",".join(page.records).encode() + b"]," + dumps(tail)[1:]

    return cached(request, build)


@router.get("/events.geojson", summary="Located events as a GeoJSON FeatureCollection (paged like /events)")
def events_geojson(
    request: Request,
    flt: Filter,
    limit: Annotated[int, Query(ge=1, le=MAX_FEATURES, description="events per page")] = 2000,
    cursor: Cursor = None,
) -> Response:
    def build() -> bytes:
        store = request.app.state.store
        page = event_page(store, dataclasses.replace(flt, limit=limit, cursor=cursor), total=True)
        nxt = page.next_cursor if len(page.records) == limit else None
        feats = [f for f in (event_feature(json.loads(r)) for r in page.records) if f is not None]
        return dumps(feature_collection(feats, next_cursor=nxt, total=page.total))

    return cached(request, build, "application/geo+json")


@router.get("/events/{event_id}", summary="One event record, and the story its article belongs to")
def get_event(request: Request, event_id: Id) -> JSONResponse:
    ev = event(request.app.state.store, event_id)
    if ev is None:
        raise ApiError(404, f"no event with id {event_id!r}", "E_NOT_FOUND")
    from sitroom.query.stories import story_of_article

    return ok(event=ev, story_id=story_of_article(request.app.state.store, ev["article_id"]))


@router.get("/articles/{article_id}", summary="One article: its text and the evidence spans of its events")
def get_article(request: Request, article_id: Id) -> JSONResponse:
    store = request.app.state.store
    art = article(store, article_id)
    if art is None:
        raise ApiError(404, f"no article with id {article_id!r}", "E_NOT_FOUND")
    evs = events(store, EventFilter(article_id=art["id"]))
    evs = [e for e in evs if e.get("article_id") == art["id"]]  # the filter matches id prefixes
    spans = []
    for e in evs:
        evd = e.get("evidence") or {}
        spans.append(
            {
                "event_id": e["id"],
                "event_type": e.get("event_type"),
                "start": evd.get("start"),
                "end": evd.get("end"),
                "trigger_start": evd.get("trigger_start"),
                "trigger_end": evd.get("trigger_end"),
            }
        )
    spans.sort(key=lambda s: (s["start"] if s["start"] is not None else -1, s["end"] or 0))
    return ok(article=art, events=evs, spans=spans)


@router.get("/stats", summary="Counts of matching events by type, country and day / week / month")
def get_stats(
    request: Request,
    flt: Filter,
    interval: Annotated[str, Query(description="day | week | month")] = "week",
) -> Response:
    if interval not in INTERVALS:  # the query checks it too; an error must not wait for the cache
        stats(request.app.state.store, flt, interval=interval)
    return cached(
        request, lambda: dumps({"ok": True, **stats(request.app.state.store, flt, interval=interval)})
    )
