"""Stories (each with its provenance tree) and force presence (JSON and GeoJSON), from
`sitroom.query.stories` and `sitroom.query.presence`, with the filters and errors of the CLI."""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from sitroom.query import article_heads, event_articles
from sitroom.query.presence import presence
from sitroom.query.stories import StoryFilter, stories, story
from sitroom.serve.auth import require_read
from sitroom.serve.errors import ApiError
from sitroom.serve.routes import Id, cached, dumps

router = APIRouter(prefix="/api", dependencies=[Depends(require_read)])

MAX_STORIES = 500
Iso3 = Annotated[str | None, Query(description="ISO 3166-1 alpha-3 code, e.g. NER", max_length=8)]
Day = Annotated[str | None, Query(description="YYYY, YYYY-MM or YYYY-MM-DD", max_length=10)]


def provenance_tree(members: list[dict[str, Any]], heads: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """A story's articles as a forest: each under the article it derives from (origins and
    independent reports at the top), with its title and url; a cycle or an unknown parent is cut."""
    by_id = {m["id"]: {**m, **heads.get(m["id"], {}), "children": []} for m in members}
    roots: list[dict[str, Any]] = []
    for node in by_id.values():
        parent = node.get("derived_from")
        p, seen, cycle = parent, set(), False
        while p in by_id and p not in seen:  # walk up; reaching this node again means a loop
            if p == node["id"]:
                cycle = True
                break
            seen.add(p)
            p = by_id[p].get("derived_from")
        (by_id[parent]["children"] if parent in by_id and not cycle else roots).append(node)
    return roots


@router.get("/stories", summary="Stories: reports of one real-world event across outlets, latest first")
def list_stories(
    request: Request,
    country: Iso3 = None,
    since: Day = None,
    until: Day = None,
    limit: Annotated[int, Query(ge=1, le=MAX_STORIES, description="at most this many stories")] = 100,
) -> Response:
    flt = StoryFilter(country=country or None, since=since or None, until=until or None, limit=limit)

    def build() -> bytes:
        found = stories(request.app.state.store, flt)
        return dumps({"ok": True, "stories": found, "count": len(found), "limit": limit})

    return cached(request, build)


@router.get("/stories/{story_id}", summary="One story (id or unique prefix) with its provenance tree")
def get_story(request: Request, story_id: Id) -> Response:
    store = request.app.state.store

    def build() -> bytes:
        s = story(store, story_id)
        if s is None:
            raise ApiError(404, f"no story with id {story_id!r}", "E_NOT_FOUND")
        heads = article_heads(store, (a["id"] for a in s["articles"]))
        links = event_articles(store, (i for e in s["events"] for i in e.get("event_ids") or ()))
        tree = provenance_tree(s["articles"], heads)
        return dumps({"ok": True, "story": s, "tree": tree, "event_articles": links})

    return cached(request, build)


@functools.cache
def iso_numeric(alpha3: str | None) -> str | None:
    """ISO3 → the numeric code world-atlas names its country shapes by ('RUS' → '643')."""
    if not alpha3:
        return None
    import pycountry

    c = pycountry.countries.get(alpha_3=alpha3)
    return c.numeric if c else None


def _presence(request: Request, host: str | None, force: str | None, as_of: str | None) -> dict[str, Any]:
    store = request.app.state.store
    rows = presence(store, host=host or None, force=force or None, as_of=as_of or None)
    links = event_articles(store, (i for r in rows for i in r.get("evidence") or ()))
    return {"presence": rows, "as_of": as_of or None, "event_articles": links}


@router.get("/presence", summary="Foreign force presence intervals (force, host, site, status, dates)")
def list_presence(
    request: Request,
    host: Iso3 = None,
    force: Iso3 = None,
    as_of: Annotated[Day, Query(description="the state on this day (default: all evidence)")] = None,
) -> Response:
    return cached(request, lambda: dumps({"ok": True, **_presence(request, host, force, as_of)}))


def presence_feature(row: dict[str, Any]) -> dict[str, Any]:
    """One interval as a Feature: a Point at its site when the site has coordinates, else no geometry
    (the host country is known); ISO numeric codes let a map draw force → host links."""
    site = row.get("site") or {}
    geometry = None
    if site.get("lat") is not None and site.get("lon") is not None:
        geometry = {"type": "Point", "coordinates": [site["lon"], site["lat"]]}
    force = row.get("force") or {}
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "force_country": force.get("country"),
            "force_name": force.get("name"),
            "force_numeric": iso_numeric(force.get("country")),
            "host": row.get("host"),
            "host_numeric": iso_numeric(row.get("host")),
            "site": site.get("name"),
            "status": row.get("status"),
            "from": row.get("from"),
            "to": row.get("to"),
            "size": row.get("size"),
            "evidence": row.get("evidence") or [],
        },
    }


@router.get("/presence.geojson", summary="Force presence as GeoJSON: sites as points, force → host codes")
def presence_geojson(
    request: Request,
    host: Iso3 = None,
    force: Iso3 = None,
    as_of: Annotated[Day, Query(description="the state on this day (default: all evidence)")] = None,
) -> Response:
    def build() -> bytes:
        got = _presence(request, host, force, as_of)
        feats = [presence_feature(r) for r in got["presence"]]
        return dumps({"type": "FeatureCollection", "features": feats, "as_of": got["as_of"]})

    return cached(request, build, "application/geo+json")
