"""What the caller asks for: one validated filter object shared by the CLI and the HTTP API.

Bad values raise UsageError with the allowed form, so both front ends report the same message.
"""

from __future__ import annotations

import base64
import calendar
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sitroom.errors import UsageError
from sitroom.ontology import PLOVER_TYPES, STATEMENT

# PLOVER types, plus STATEMENT for CAMEO 01 (what `extract` emits).
EVENT_TYPES = (*PLOVER_TYPES, STATEMENT)

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


def parse_date(value: str | date, *, name: str, end: bool = False) -> date:
    """'2024', '2024-05' or '2024-05-03' → the first day of that period (the last if `end`)."""
    if isinstance(value, date):
        return value
    m = _ISO_DATE.match(str(value).strip())
    try:
        if not m:
            raise ValueError
        y = int(m[1])
        mo = int(m[2]) if m[2] else (12 if end else 1)
        d = int(m[3]) if m[3] else calendar.monthrange(y, mo)[1] if end and 1 <= mo <= 12 else 1
        return date(y, mo, d)
    except ValueError:
        raise UsageError(
            f"{name} must be an ISO date: YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024-05-03), got {value!r}"
        ) from None


def _floats(text: str, n: int, what: str, form: str) -> list[float]:
    parts = [p.strip() for p in str(text).split(",")]
    try:
        vals = [float(p) for p in parts]
    except ValueError:
        vals = []
    if len(vals) != n or not all(math.isfinite(v) for v in vals):
        raise UsageError(f"{what} must be {n} comma-separated numbers {form}, got {text!r}")
    return vals


def _check_lat_lon(lat: float, lon: float, what: str) -> None:
    if not -90 <= lat <= 90:
        raise UsageError(f"{what}: latitude must be between -90 and 90, got {lat}")
    if not -180 <= lon <= 180:
        raise UsageError(f"{what}: longitude must be between -180 and 180, got {lon}")


def parse_near(text: str | tuple[float, float, float]) -> tuple[float, float, float]:
    """'13.5,2.1,50' → (lat, lon, km): events located within km of the point."""
    form = "LAT,LON,KM (e.g. 13.5,2.1,50)"
    lat, lon, km = _floats(
        ",".join(map(str, text)) if isinstance(text, tuple | list) else text, 3, "near", form
    )
    _check_lat_lon(lat, lon, "near")
    if km <= 0:
        raise UsageError(f"near: the distance must be more than 0 km, got {km}")
    return lat, lon, km


def parse_bbox(text: str | tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """'W,S,E,N' (GeoJSON order) → (min_lon, min_lat, max_lon, max_lat). W > E crosses the antimeridian."""
    form = "W,S,E,N as min lon, min lat, max lon, max lat (e.g. 0,11,16,24)"
    w, s, e, n = _floats(
        ",".join(map(str, text)) if isinstance(text, tuple | list) else text, 4, "bbox", form
    )
    _check_lat_lon(s, w, "bbox")
    _check_lat_lon(n, e, "bbox")
    if s > n:
        raise UsageError(f"bbox: the south edge ({s}) is north of the north edge ({n}); the order is {form}")
    return w, s, e, n


def parse_country(text: str) -> str:
    code = str(text).strip().upper()
    if _ISO3.match(code):
        return code
    hint = ""
    if len(code) == 2:
        import pycountry

        c = pycountry.countries.get(alpha_2=code)
        hint = f" (did you mean {c.alpha_3}, {c.name}?)" if c else ""
    raise UsageError(f"country must be an ISO 3166-1 alpha-3 code such as NER or USA, got {text!r}{hint}")


def parse_event_types(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """'assault,coerce' or ('ASSAULT',) → ('ASSAULT', 'COERCE'); unknown names list the allowed ones."""
    items = value.split(",") if isinstance(value, str) else list(value)
    out = tuple(dict.fromkeys(s.strip().upper() for s in items if s.strip()))
    bad = [t for t in out if t not in EVENT_TYPES]
    if bad:
        raise UsageError(f"unknown event type(s) {bad}; known: {', '.join(EVENT_TYPES)}")
    return out


def encode_cursor(date_value: str | None, event_id: str) -> str:
    raw = json.dumps([date_value, event_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str | None, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        d, i = json.loads(raw)
        if (d is None or isinstance(d, str)) and isinstance(i, str):
            return d, i
    except (ValueError, TypeError):
        pass
    raise UsageError(f"cursor {cursor!r} is not one this server gave out; start again without a cursor")


def _whole(value: Any, name: str, minimum: int) -> int:
    try:
        if isinstance(value, bool | float):
            raise ValueError
        n = int(value)
    except (TypeError, ValueError):
        n = minimum - 1
    if n < minimum:
        raise UsageError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return n


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFilter:
    """Which events to return. Every field is optional; strings are parsed and checked here.

    country: ISO3; matches the event's location or any source/target actor country.
    event_type: one or more PLOVER types ("ASSAULT" or "ASSAULT,COERCE" or a tuple).
    actor: case-insensitive substring of any actor text, name, id or country.
    since/until: ISO dates; an event matches when its dated period overlaps [since, until].
    near: (lat, lon, km) or "lat,lon,km"; bbox: (W, S, E, N) or "W,S,E,N".
    text: case-insensitive substring of the evidence sentence. article_id: an id or its prefix.
    limit/offset page by position; cursor (from `next_cursor`) pages stably while data grows.
    """

    country: str | None = None
    event_type: tuple[str, ...] | str = ()
    actor: str | None = None
    since: str | date | None = None
    until: str | date | None = None
    near: tuple[float, float, float] | str | None = None
    bbox: tuple[float, float, float, float] | str | None = None
    text: str | None = None
    article_id: str | None = None
    limit: int | None = None
    offset: int = 0
    cursor: str | None = None

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        if self.country is not None:
            put("country", parse_country(self.country))
        put("event_type", parse_event_types(self.event_type or ()))
        for name in ("actor", "text", "article_id"):
            v = getattr(self, name)
            if v is not None:
                v = str(v).strip()
                if not v:
                    raise UsageError(f"{name} must not be empty")
                put(name, v)
        since = parse_date(self.since, name="since") if self.since is not None else None
        until = parse_date(self.until, name="until", end=True) if self.until is not None else None
        if since and until and since > until:
            raise UsageError(f"since ({since}) is after until ({until})")
        if self.near is not None:
            put("near", parse_near(self.near))
        if self.bbox is not None:
            put("bbox", parse_bbox(self.bbox))
        if self.limit is not None:
            put("limit", _whole(self.limit, "limit", 1))
        put("offset", _whole(self.offset, "offset", 0))
        if self.cursor is not None:
            if self.offset:
                raise UsageError("give either a cursor or an offset, not both")
            decode_cursor(self.cursor)

    @property
    def since_date(self) -> date | None:
        return parse_date(self.since, name="since") if self.since is not None else None

    @property
    def until_date(self) -> date | None:
        return parse_date(self.until, name="until", end=True) if self.until is not None else None
