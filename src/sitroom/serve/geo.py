"""Event records → GeoJSON features for the map: small properties, [lon, lat] order (RFC 7946)."""

from __future__ import annotations

from typing import Any


def _names(actors: list[dict[str, Any]] | None) -> list[str]:
    return [str(a.get("name") or a.get("text")) for a in actors or () if a.get("name") or a.get("text")]


def event_feature(ev: dict[str, Any]) -> dict[str, Any] | None:
    """One located event as a Point feature; None for an event without coordinates."""
    loc = ev.get("location") or {}
    lat, lon = loc.get("lat"), loc.get("lon")
    if lat is None or lon is None:
        return None
    dt = ev.get("date") or {}
    evd = ev.get("evidence") or {}
    return {
        "type": "Feature",
        "id": ev.get("id"),
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "id": ev.get("id"),
            "article_id": ev.get("article_id"),
            "event_type": ev.get("event_type"),
            "quad_class": ev.get("quad_class"),
            "date": dt.get("value"),
            "place": loc.get("name") or loc.get("text"),
            "country": loc.get("country"),
            "precision": loc.get("precision"),
            "source": _names(ev.get("source")),
            "target": _names(ev.get("target")),
            "trigger": evd.get("trigger"),
        },
    }


def feature_collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    """A FeatureCollection; `members` (paging, counts) ride along as foreign members."""
    return {"type": "FeatureCollection", "features": features, **members}
