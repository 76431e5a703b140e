"""Event dicts → shapes for files: the `run` JSON object per input, flat rows for CSV and GeoJSON.

Works on plain dicts (`to_dict(event)` or the store's record), so `run` and `events` share it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sitroom.records import ArticleResult, to_dict

ARTICLE_KEYS = ("id", "ref", "url", "outlet", "title", "published", "removed")
PLACE_KEYS = (
    "start",
    "end",
    "text",
    "name",
    "country",
    "admin1",
    "lat",
    "lon",
    "precision",
    "gazetteer_id",
    "geonames_id",
)
ACTOR_KEYS = ("start", "end", "text", "name", "country", "sector", "kind")

CSV_COLUMNS = (
    "article_id",
    "article_ref",
    "id",
    "event_type",
    "cameo",
    "cameo_root",
    "quad_class",
    "goldstein",
    "mode",
    "context",
    "acled_event_type",
    "acled_sub_event_type",
    "source",
    "source_country",
    "source_sector",
    "target",
    "target_country",
    "target_sector",
    "location_text",
    "location_name",
    "location_country",
    "location_admin1",
    "lat",
    "lon",
    "location_precision",
    "gazetteer_id",
    "geonames_id",
    "date",
    "date_precision",
    "date_basis",
    "date_text",
    "negated",
    "hedged",
    "planned",
    "conditional",
    "tense",
    "attribution",
    "attribution_anonymous",
    "attribution_via",
    "quantities",
    "evidence",
    "evidence_start",
    "evidence_end",
    "trigger",
    "confidence",
    "method",
)
LIST_SEP = "; "  # joins multi-valued cells (several source actors, context tags)


def _pick(d: dict[str, Any] | None, keys: Sequence[str]) -> dict[str, Any]:
    d = d or {}
    return {k: d.get(k) for k in keys}


def result_dict(r: ArticleResult) -> dict[str, Any]:
    """One input of `sitroom run` as JSON data. A failed input keeps a minimal article (id null)."""
    if r.article is not None:
        art = _pick(to_dict(r.article), ARTICLE_KEYS)
    else:
        art = dict.fromkeys(ARTICLE_KEYS)
        art["ref"] = r.failures[0].source if r.failures else None
        art["removed"] = []
    return {
        "article": art,
        "events": [to_dict(e) for e in r.events],
        "places": [_pick(to_dict(p), PLACE_KEYS) for p in r.places],
        "actors": [_pick(to_dict(a), ACTOR_KEYS) for a in r.actors],
        "failures": [to_dict(f) for f in r.failures],
    }


def _names(actors: list[dict[str, Any]] | None, key: str) -> str:
    vals = []
    for a in actors or []:
        v = (a.get("name") or a.get("text")) if key == "name" else a.get(key)
        if v:
            vals.append(str(v))
    return LIST_SEP.join(vals)


def flat_row(ev: dict[str, Any], article_ref: str | None = None) -> dict[str, Any]:
    """An event dict as one flat row with CSV_COLUMNS keys (lists joined, quantities as JSON)."""
    loc = ev.get("location") or {}
    dt = ev.get("date") or {}
    mod = ev.get("modality") or {}
    att = ev.get("attribution") or {}
    evd = ev.get("evidence") or {}
    qty = {k: (q or {}).get("value") for k, q in (ev.get("quantities") or {}).items()}
    return {
        "article_id": ev.get("article_id"),
        "article_ref": article_ref,
        "id": ev.get("id"),
        "event_type": ev.get("event_type"),
        "cameo": ev.get("cameo"),
        "cameo_root": ev.get("cameo_root"),
        "quad_class": ev.get("quad_class"),
        "goldstein": ev.get("goldstein"),
        "mode": ev.get("mode"),
        "context": LIST_SEP.join(ev.get("context") or ()),
        "acled_event_type": ev.get("acled_event_type"),
        "acled_sub_event_type": ev.get("acled_sub_event_type"),
        "source": _names(ev.get("source"), "name"),
        "source_country": _names(ev.get("source"), "country"),
        "source_sector": _names(ev.get("source"), "sector"),
        "target": _names(ev.get("target"), "name"),
        "target_country": _names(ev.get("target"), "country"),
        "target_sector": _names(ev.get("target"), "sector"),
        "location_text": loc.get("text"),
        "location_name": loc.get("name"),
        "location_country": loc.get("country"),
        "location_admin1": loc.get("admin1"),
        "lat": loc.get("lat"),
        "lon": loc.get("lon"),
        "location_precision": loc.get("precision"),
        "gazetteer_id": loc.get("gazetteer_id"),
        "geonames_id": loc.get("geonames_id"),
        "date": dt.get("value"),
        "date_precision": dt.get("precision"),
        "date_basis": dt.get("basis"),
        "date_text": dt.get("text"),
        "negated": mod.get("negated"),
        "hedged": mod.get("hedged"),
        "planned": mod.get("planned"),
        "conditional": mod.get("conditional"),
        "tense": mod.get("tense"),
        "attribution": att.get("text"),
        "attribution_anonymous": att.get("anonymous") if att else None,
        "attribution_via": att.get("via"),
        "quantities": json.dumps(qty, separators=(",", ":")) if qty else "",
        "evidence": evd.get("sentence"),
        "evidence_start": evd.get("start"),
        "evidence_end": evd.get("end"),
        "trigger": evd.get("trigger"),
        "confidence": ev.get("confidence"),
        "method": ev.get("method"),
    }
