"""Score one article against a seed-style gold file (events it must yield, things it must not)."""

from __future__ import annotations

import json
import math
from typing import Any


def _as_list(x: Any) -> list:
    return x if isinstance(x, list) else [x]


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _actor_ok(want: Any, actors: list[dict], sector: bool = True) -> bool:
    if not isinstance(want, dict):  # "optional" or absent
        return True
    return any(
        a.get("country") == want["country"]
        and (not sector or "sector" not in want or a.get("sector") in _as_list(want["sector"]))
        for a in actors or []
    )


def _place_ok(want: Any, loc: dict | None) -> bool:
    if not isinstance(want, dict):
        return True
    loc = loc or {}
    if loc.get("country") not in _as_list(want["country"]):
        return False
    if "lat" in want:
        if loc.get("lat") is None:
            return False
        return km((want["lat"], want["lon"]), (loc["lat"], loc["lon"])) <= want["within_km"]
    return True


def _detail_miss(g: dict, e: dict) -> str:
    mod, gm = e.get("modality") or {}, g.get("modality") or {}
    for k in ("hedged", "planned", "negated"):
        if k in gm and bool(mod.get(k)) != gm[k]:
            return f"modality.{k} should be {gm[k]}"
    ga = g.get("attribution")
    if ga and ga["contains"] not in json.dumps(e.get("attribution") or {}).lower():
        return f"attribution should mention {ga['contains']!r}"
    for k, v in (g.get("quantities") or {}).items():
        q = (e.get("quantities") or {}).get(k)
        q = q.get("value") if isinstance(q, dict) else q
        if q is None or abs(float(q) - v) > 0.05 * v:
            return f"quantities.{k} should be about {v}"
    gd = g.get("date") or {}
    got = str((e.get("date") or {}).get("value") or "")
    if gd.get("value") and len(gd["value"]) == 4 and not got.startswith(gd["value"]):
        return f"date should be in {gd['value']}"
    return ""


def score_seed(gold: dict, events: list[dict]) -> dict:
    """Which gold events the predicted events match (type, actors, place, then details)."""
    hits, misses, near = [], [], {}
    for g in gold["events"]:
        found = False
        for e in events:
            if e.get("event_type") not in g["event_type"]:
                continue
            if not (
                _actor_ok(g.get("source"), e.get("source"))
                and _actor_ok(g.get("target"), e.get("target"), sector=False)
                and _place_ok(g.get("location"), e.get("location"))
            ):
                continue
            why = _detail_miss(g, e)
            if why:
                near.setdefault(g["key"], why)
                continue
            found = True
            break
        (hits if found else misses).append(g["key"])
    major = [g["key"] for g in gold["events"] if g.get("weight") != "minor"]
    bad = [e["id"] for e in events if (e.get("location") or {}).get("country") == "NGA"]
    return {
        "events": len(events),
        "hit": hits,
        "missed": misses,
        "near_misses": near,
        "major": f"{sum(k in major for k in hits)}/{len(major)}",
        "major_recall": sum(k in major for k in hits) / max(1, len(major)),
        "recall": len(hits) / max(1, len(gold["events"])),
        "must_not_violations": len(bad),
    }
