"""Force presence: fold deploy / enter / withdraw / expel / order-out events into intervals per
(force, host country, site), each with its status as of a date, its size and its evidence.

Computed on the fly from the stored events rather than kept in a table: the state depends on the
as-of date asked for, only a few event types take part, and a fold over them is cheap, so a table
would only be a cache that every new article and every as-of query would have to invalidate.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from importlib import resources
from typing import Any

METHOD = "sitroom.derive.presence.v1"


class Status(StrEnum):
    ARRIVING = "arriving"
    PRESENT = "present"
    ORDERED_OUT = "ordered_out"
    WITHDRAWING = "withdrawing"
    WITHDRAWN = "withdrawn"


# On one day, later stages win: a withdrawal reported with an order out is the newer state.
_RANK = {
    Status.ARRIVING: 0,
    Status.PRESENT: 1,
    Status.ORDERED_OUT: 2,
    Status.WITHDRAWING: 3,
    Status.WITHDRAWN: 4,
}
_SITE_PRECISION = ("facility", "city", "admin1")
FORCE_SECTORS = ("MIL", "GOV", None)  # a state's troops are often written as the state itself


@functools.cache
def cues() -> dict[str, frozenset[str]]:
    """kind → cue words from data/presence_cues.tsv (kind, word)."""
    text = resources.files("sitroom.derive").joinpath("data/presence_cues.tsv").read_text(encoding="utf-8")
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, word = line.split("\t")[:2]
        out.setdefault(kind, set()).add(word.strip().lower())
    return {k: frozenset(v) for k, v in out.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One event read as a change of a force's presence in a host country."""

    force_country: str
    force_sector: str
    force_name: str | None
    host: str
    site: dict[str, Any] | None
    status: Status
    day: date | None
    day_precision: str | None
    size: float | None
    event_id: str


@dataclass(slots=True)
class Interval:
    force_country: str
    force_sector: str
    force_name: str | None
    host: str
    site: dict[str, Any] | None
    status: Status
    start: date | None = None
    start_precision: str | None = None
    end: date | None = None
    end_precision: str | None = None
    size: float | None = None
    evidence: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "force": {"country": self.force_country, "sector": self.force_sector, "name": self.force_name},
            "host": self.host,
            "site": self.site,
            "status": self.status.value,
            "from": self.start.isoformat() if self.start else None,
            "from_precision": self.start_precision,
            "to": self.end.isoformat() if self.end else None,
            "to_precision": self.end_precision,
            "size": int(self.size) if self.size is not None and float(self.size).is_integer() else self.size,
            "evidence": list(self.evidence),
            "history": list(self.history),
            "method": METHOD,
        }


def _words(e: dict[str, Any]) -> set[str]:
    ev = e.get("evidence") or {}
    text = f"{ev.get('trigger') or ''} {ev.get('sentence') or ''}".lower()
    return set(text.replace(",", " ").replace(".", " ").split())


def _infinitive(e: dict[str, Any]) -> bool:
    """'compelled to withdraw', 'plans to deploy': an action asked for or intended, not yet done."""
    ev = e.get("evidence") or {}
    sent, start, ts = ev.get("sentence") or "", ev.get("start"), ev.get("trigger_start")
    if start is None or ts is None:
        return False
    before = sent[: max(0, ts - start)].rstrip().lower()
    return before.endswith(" to") or before == "to"


def _day(e: dict[str, Any]) -> tuple[date | None, str | None]:
    d = e.get("date") or {}
    v = d.get("value")
    if not v:
        return None, None
    try:
        if len(v) >= 10:
            return date.fromisoformat(v[:10]), d.get("precision")
        if len(v) == 7:
            return date.fromisoformat(v + "-01"), "month"
        return date(int(v[:4]), 1, 1), "year"
    except ValueError:
        return None, None


def _force(actors: list[dict[str, Any]]) -> dict[str, Any] | None:
    for a in actors:
        country = a.get("country") or (a.get("id") if str(a.get("id") or "").startswith("IGO:") else None)
        if country and a.get("sector") in FORCE_SECTORS:
            return a | {"country": country}
    return None


def _site(loc: dict[str, Any] | None) -> dict[str, Any] | None:
    if not loc or loc.get("precision") not in _SITE_PRECISION:
        return None
    return {k: loc.get(k) for k in ("name", "country", "lat", "lon", "precision", "gazetteer_id")}


def classify(e: dict[str, Any]) -> Change | None:
    """Read one event record (the `to_dict(Event)` shape) as a presence change, or None."""
    cue = cues()
    mod = e.get("modality") or {}
    if mod.get("negated") or mod.get("conditional"):
        return None
    etype, cameo = e.get("event_type") or "", str(e.get("cameo") or "")
    words = _words(e)
    loc = e.get("location") or {}
    q = (e.get("quantities") or {}).get("personnel")
    size = q.get("value") if isinstance(q, dict) else q
    future = bool(mod.get("planned")) or mod.get("tense") == "future" or _infinitive(e)
    status: Status | None = None
    force = host = None
    if etype == "MOBILIZE" or cameo.startswith("15") or cameo == "0861":
        force = _force(e.get("source") or [])
        host = loc.get("country")
        status = Status.ARRIVING if future else Status.PRESENT
    elif etype == "RETREAT" and (cameo.startswith("087") or words & cue["withdraw"]):
        force = _force(e.get("source") or [])
        host = loc.get("country")
        if future or words & cue["ongoing"] or mod.get("tense") == "present":
            status = Status.WITHDRAWING
        else:
            status = Status.WITHDRAWN
    elif cameo.startswith(("166", "174", "1056")) or (
        etype in ("COERCE", "REQUEST", "SANCTION", "THREATEN") and words & cue["order_out"]
    ):
        force = _force(e.get("target") or [])
        src = e.get("source") or []
        host = next((a.get("country") for a in src if a.get("country")), None) or loc.get("country")
        if force is not None and force.get("country") == loc.get("country"):
            host = next((a.get("country") for a in src if a.get("country")), None)
        status = Status.ORDERED_OUT
    if status is None or force is None or not host or host == force["country"]:
        return None
    day, prec = _day(e)
    return Change(
        force_country=force["country"],
        force_sector=force.get("sector") or "MIL",
        force_name=force.get("name") or force.get("text"),
        host=host,
        site=_site(loc) if loc.get("country") == host else None,
        status=status,
        day=day,
        day_precision=prec,
        size=float(size) if size is not None else None,
        event_id=e["id"],
    )


def presence(
    events: Iterable[dict[str, Any]],
    *,
    as_of: date | None = None,
    host: str | None = None,
    force: str | None = None,
) -> list[dict[str, Any]]:
    """Presence intervals from event records, as the state stood on `as_of` (default: all evidence).
    Later evidence updates earlier; a withdrawn force that comes back opens a new interval."""
    changes = [c for c in (classify(e) for e in events) if c is not None]
    if as_of is not None:
        changes = [c for c in changes if c.day is None or c.day <= as_of]
    if host:
        changes = [c for c in changes if c.host == host]
    if force:
        changes = [c for c in changes if c.force_country == force]
    changes.sort(key=lambda c: (c.day or date.min, _RANK[c.status], c.event_id))
    groups: dict[tuple[str, str, str], list[Interval]] = {}
    for c in changes:
        key = (c.force_country, "MIL" if c.force_sector in ("GOV", "MIL") else c.force_sector, c.host)
        ivs = groups.setdefault(key, [])
        open_ivs = [i for i in ivs if i.status is not Status.WITHDRAWN]
        if c.site is not None:
            same = [
                i for i in open_ivs if i.site and i.site.get("gazetteer_id") == c.site.get("gazetteer_id")
            ]
            siteless = [i for i in open_ivs if i.site is None]
            if not same and siteless:  # the country-level interval learns where the force is
                siteless[0].site = c.site
                same = siteless[:1]
            targets = same
        else:
            targets = open_ivs  # a country-level change (an order out) applies to every site
        if not targets:
            if c.status is Status.WITHDRAWN and any(i.status is Status.WITHDRAWN for i in ivs):
                targets = [i for i in ivs if i.status is Status.WITHDRAWN][-1:]
            else:
                iv = Interval(
                    force_country=c.force_country,
                    force_sector=key[1],
                    force_name=c.force_name,
                    host=c.host,
                    site=c.site,
                    status=c.status,
                    start=c.day,
                    start_precision=c.day_precision,
                )
                ivs.append(iv)
                targets = [iv]
        for iv in targets:
            _apply(iv, c)
    out = [iv.as_dict() for ivs in groups.values() for iv in ivs]
    out.sort(key=lambda r: (r["host"], r["force"]["country"], r["force"]["sector"] or "", r["from"] or ""))
    return out


def _apply(iv: Interval, c: Change) -> None:
    # Stages only move forward inside one interval: a report that troops are still there after
    # they were ordered out leaves them ordered out; a return after withdrawal opens a new interval.
    if _RANK[c.status] >= _RANK[iv.status]:
        iv.status = c.status
    if c.status is Status.WITHDRAWN and iv.status is Status.WITHDRAWN:
        iv.end, iv.end_precision = c.day, c.day_precision
    if iv.start is None and c.day is not None and c.status in (Status.PRESENT, Status.ARRIVING):
        iv.start, iv.start_precision = c.day, c.day_precision
    if c.size is not None:
        iv.size = c.size
    if c.force_name and not iv.force_name:
        iv.force_name = c.force_name
    if c.event_id not in iv.evidence:
        iv.evidence.append(c.event_id)
    iv.history.append(
        {"status": c.status.value, "date": c.day.isoformat() if c.day else None, "event": c.event_id}
    )
