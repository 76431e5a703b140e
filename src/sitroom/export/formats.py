"""One event dict (the query layer's record) plus its article's facts → one row of each format.

PLOVER: the JSON field names of the PLOVER specification (id, date, source, recipient, event, mode,
context, event_loc, event_text, quad_code, event_scale, cite_info, ...). GDELT: the 61 columns of a
GDELT 2.0 event-table row. ACLED: ACLED's column names for the fields we have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sitroom.export import codes

# -- what the exporter knows about each event's article -----------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleFacts:
    id: str
    url: str | None = None
    ref: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    ingested_at: str | None = None  # "YYYY-MM-DD HH:MM:SS"
    first_break: int | None = None  # char offset of the first blank line (end of the lead paragraph)
    num_articles: int = 1  # of the article's story (1 until stories exist)
    num_sources: int = 1


def _digits(s: str | None) -> str:
    return "".join(ch for ch in (s or "") if ch.isdigit())


def _first(actors: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    return actors[0] if actors else None


def _num(q: dict[str, Any] | None, key: str) -> float | int | None:
    v = ((q or {}).get(key) or {}).get("value")
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


# -- PLOVER ---------------------------------------------------------------------------------------


def _plover_actor(a: dict[str, Any]) -> dict[str, Any]:
    sector = a.get("sector")
    code = a.get("country") or ("IGO" if sector == "IGO" else None)
    out = {
        "code": code,
        "sector": sector,
        "actor_text": a.get("text"),
        "identifier_id": a.get("id"),
        "identifier_text": a.get("name"),
    }
    return {k: v for k, v in out.items() if v is not None}


def _period_start(value: str | None) -> str | None:
    """'2024' → '2024-01-01', '2024-05' → '2024-05-01', a full date as is (PLOVER wants YYYY-MM-DD)."""
    if not value:
        return None
    v = value[:10]
    if len(v) == 4:
        return f"{v}-01-01"
    if len(v) == 7:
        return f"{v}-01"
    return v


def plover_record(ev: dict[str, Any], art: ArticleFacts | None, *, coder: str) -> dict[str, Any]:
    """A PLOVER JSON record. The date is the start of the event's dated period; `date_precision`
    (an extension field, as PLOVER allows) says how much of it is known."""
    dt = ev.get("date") or {}
    loc = ev.get("location")
    evd = ev.get("evidence") or {}
    q = ev.get("quantities") or {}
    rec: dict[str, Any] = {
        "id": ev["id"],
        "date": _period_start(dt.get("value")),
        "date_precision": dt.get("precision"),
        "source": [_plover_actor(a) for a in ev.get("source") or ()],
        "recipient": [_plover_actor(a) for a in ev.get("target") or ()],
        "event": [ev.get("event_type")],
        "mode": ev.get("mode"),
        "context": list(ev.get("context") or ()),
        "event_text": [evd.get("sentence")] if evd.get("sentence") else [],
        "quad_code": ev.get("quad_class"),
        "event_scale": ev.get("goldstein"),
        "text_info": {"start": evd.get("start"), "end": evd.get("end")},
        "coder": coder,
        "cameo": ev.get("cameo"),
        "article_id": ev.get("article_id"),
        "confidence": ev.get("confidence"),
    }
    if loc:
        c = codes.country(loc.get("country"))
        rec["event_loc"] = {
            k: v
            for k, v in {
                "geonameid": loc.get("geonames_id"),
                "name": loc.get("name") or loc.get("text"),
                "latitude": loc.get("lat"),
                "longitude": loc.get("lon"),
                "country code": c.iso2 if c else None,
                "cc3": loc.get("country"),
                "admin1": loc.get("admin1"),
                "precision": loc.get("precision"),
            }.items()
            if v is not None
        }
    for ours, theirs in (("killed", "dead"), ("injured", "injured"), ("arrested", "arrested")):
        n = _num(q, ours)
        if n is not None:
            rec[theirs] = n
    if art is not None:
        cite = {
            "url": art.url,
            "title": art.title,
            "publication": art.outlet,
            "language": art.language,
            "citation": art.ref,
            "coder": coder,
        }
        rec["cite_info"] = {k: v for k, v in cite.items() if v}
        if art.ingested_at:
            rec["coded_date"] = art.ingested_at[:10]
    return rec


# -- GDELT 2.0 event table ------------------------------------------------------------------------

_ACTOR_COLS = (
    "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
    "Type1Code", "Type2Code", "Type3Code",
)  # fmt: skip
_GEO_COLS = ("Type", "Fullname", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
GDELT_COLUMNS: tuple[str, ...] = (
    ("GlobalEventID", "Day", "MonthYear", "Year", "FractionDate")
    + tuple(f"Actor1{c}" for c in _ACTOR_COLS)
    + tuple(f"Actor2{c}" for c in _ACTOR_COLS)
    + ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale")
    + ("NumMentions", "NumSources", "NumArticles", "AvgTone")
    + tuple(f"Actor1Geo_{c}" for c in _GEO_COLS)
    + tuple(f"Actor2Geo_{c}" for c in _GEO_COLS)
    + tuple(f"ActionGeo_{c}" for c in _GEO_COLS)
    + ("DATEADDED", "SOURCEURL")
)
assert len(GDELT_COLUMNS) == 61  # noqa: S101 - the GDELT 2.0 event table has 61 columns


def global_event_id(event_id: str) -> int:
    """A stable positive 60-bit integer for our hex event id (GDELT ids are integers)."""
    try:
        return int(event_id[:15], 16)
    except ValueError:
        import hashlib

        return int(hashlib.sha256(event_id.encode()).hexdigest()[:15], 16)


def _gdelt_day(ev: dict[str, Any], art: ArticleFacts | None) -> str:
    """YYYYMMDD: the event's day when known to the day, else the article's publication day, else the
    first day of the event's period."""
    dt = ev.get("date") or {}
    value = dt.get("value") or ""
    if dt.get("precision") == "day" and len(value) >= 10:
        return _digits(value[:10])
    if art is not None and art.published and len(_digits(art.published[:10])) == 8:
        return _digits(art.published[:10])
    start = _period_start(value)
    return _digits(start) if start else ""


def _actor_cells(a: dict[str, Any] | None) -> list[Any]:
    if not a:
        return [""] * len(_ACTOR_COLS)
    name = (a.get("name") or a.get("text") or "").upper()
    sector = a.get("sector") or ""
    return [codes.cameo_actor_code(a), name, a.get("country") or "", "", "", "", "", sector, "", ""]


def _geo_type(loc: dict[str, Any]) -> int:
    prec, usa = loc.get("precision"), loc.get("country") == "USA"
    if prec == "country":
        return 1
    if prec == "admin1":
        return 2 if usa else 5
    if prec in ("city", "facility"):
        return 3 if usa else 4
    return 0


def _geo_cells(loc: dict[str, Any] | None, area_code: str | None = None) -> list[Any]:
    """One GDELT geo block. `area_code` is the GeoNames code of the place's first-level area ("13"):
    ADM1Code is the country's FIPS code followed by it ("SY13"), as GDELT writes it, where GeoNames
    uses FIPS 10-4 area codes (most countries; the US uses postal codes, as GDELT does); elsewhere the
    country's code alone (`codes.fips_area`), as GDELT writes a place whose area it does not know. Where
    FIPS splits the country by that area (`codes.FIPS_OF_AREA`), the area's FIPS code is both."""
    if not loc or loc.get("lat") is None or _geo_type(loc) == 0:
        return [0] + [""] * (len(_GEO_COLS) - 1)
    gtype = _geo_type(loc)
    c = codes.country(loc.get("country"))
    fips = c.fips if c else ""
    admin1 = loc.get("admin1") or ""
    adm1 = fips
    split = codes.FIPS_OF_AREA.get((loc.get("country") or "", area_code or "")) if gtype != 1 else None
    if split:  # a FIPS entity of its own with no areas below it (Gaza: GZ, GZ)
        fips = adm1 = split
    elif gtype != 1 and fips and codes.fips_area(loc.get("country"), area_code):
        adm1 = fips + area_code
    elif loc.get("country") == "USA":  # no code known: a US state can still be told by its name
        state = codes.us_states().get((admin1 or (loc.get("name") if gtype == 2 else "") or "").lower())
        if state:
            adm1 = "US" + state
    parts: list[str] = []
    for p in (loc.get("name") or loc.get("text"), admin1, c.name if c else None):
        if p and p not in parts:
            parts.append(p)
    if gtype == 1:
        parts = [c.name] if c else parts
    feature = loc.get("geonames_id")
    if feature is None:
        feature = fips if gtype == 1 else adm1 if gtype in (2, 5) else ""
    return [gtype, ", ".join(parts), fips, adm1, "", loc.get("lat"), loc.get("lon"), feature]


def gdelt_row(ev: dict[str, Any], art: ArticleFacts | None, area_code: str | None = None) -> list[Any]:
    """The 61 GDELT 2.0 cells of one event; `area_code` as for `_geo_cells`. Actor geo blocks stay
    empty (type 0): events carry one place, the ActionGeo. AvgTone is empty: Sitroom does not score
    tone."""
    day = _gdelt_day(ev, art)
    if len(day) == 8:
        y, m, d = int(day[:4]), int(day[4:6]), int(day[6:8])
        dates = [day, day[:6], day[:4], f"{y + (m * 30 + d) / 365:.4f}"]
    else:
        dates = ["", "", "", ""]
    cameo = (ev.get("cameo") or "").strip()
    code = cameo + "0" if len(cameo) == 2 else cameo
    evd = ev.get("evidence") or {}
    root = (
        1 if art is not None and (art.first_break is None or (evd.get("start") or 0) < art.first_break) else 0
    )
    n_art = art.num_articles if art else 1
    n_src = art.num_sources if art else 1
    added = _digits(art.ingested_at)[:14] if art and art.ingested_at else ""
    return [
        global_event_id(ev["id"]),
        *dates,
        *_actor_cells(_first(ev.get("source"))),
        *_actor_cells(_first(ev.get("target"))),
        root,
        code,
        code[:3],
        ev.get("cameo_root") or code[:2],
        ev.get("quad_class") if ev.get("quad_class") is not None else "",
        ev.get("goldstein") if ev.get("goldstein") is not None else "",
        n_art,
        n_src,
        n_art,
        "",
        *_geo_cells(None),
        *_geo_cells(None),
        *_geo_cells(ev.get("location"), area_code),
        added,
        (art.url or art.ref or "") if art else "",
    ]


# -- ACLED ----------------------------------------------------------------------------------------

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "iso", "country", "admin1",
    "admin2", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
)  # fmt: skip
_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
# ACLED geo precision: 1 the town itself, 2 near a town / part of a region, 3 a larger region only.
_GEO_PRECISION = {"facility": 1, "city": 1, "admin1": 3, "country": 3, "region": 3}


def _actor_names(actors: Any) -> list[str]:
    """The actors' names, each once, in order: the first is ACLED's actor, the rest its associates
    ("the Indian Navy" and "India" on one side are both India)."""
    return list(dict.fromkeys(n for a in actors or () if (n := a.get("name") or a.get("text"))))


def _outlet(art: ArticleFacts | None) -> str | None:
    """The article's outlet; else its web site ("www.example.org" -> "example.org"), as ACLED's source
    column names where a report came from (many crawled pages carry no outlet name)."""
    if art is None:
        return None
    if art.outlet:
        return art.outlet
    from urllib.parse import urlsplit

    try:
        host = urlsplit(art.url or "").hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def acled_row(ev: dict[str, Any], art: ArticleFacts | None, admin2: str | None = None) -> dict[str, Any]:
    """One ACLED-style row; `admin2`: the second-level area the place lies in (from the gazetteer)."""
    from sitroom.ontology import acled_types

    dt = ev.get("date") or {}
    loc = ev.get("location") or {}
    src, tgt = _actor_names(ev.get("source")), _actor_names(ev.get("target"))
    disorder = {t.name: t.disorder_type for t in acled_types()}.get(ev.get("acled_event_type") or "", "")
    c = codes.country(loc.get("country"))
    date = _period_start(dt.get("value")) or ""
    sources = []
    for s in (_outlet(art), (ev.get("attribution") or {}).get("via")):
        if s and s not in sources:
            sources.append(s)
    killed = _num(ev.get("quantities"), "killed")
    return {
        "event_id_cnty": ev["id"],
        "event_date": date,
        "year": date[:4],
        "time_precision": _TIME_PRECISION.get(dt.get("precision") or "", 3) if date else "",
        "disorder_type": disorder,
        "event_type": ev.get("acled_event_type") or "",
        "sub_event_type": ev.get("acled_sub_event_type") or "",
        "actor1": src[0] if src else "",
        "assoc_actor_1": "; ".join(src[1:]),
        "actor2": tgt[0] if tgt else "",
        "assoc_actor_2": "; ".join(tgt[1:]),
        "iso": c.numeric if c and c.numeric is not None else "",
        "country": c.name if c else (loc.get("country") or ""),
        "admin1": loc.get("admin1") or "",
        "admin2": admin2 or "",
        "location": loc.get("name") or loc.get("text") or "",
        "latitude": loc.get("lat") if loc.get("lat") is not None else "",
        "longitude": loc.get("lon") if loc.get("lon") is not None else "",
        "geo_precision": _GEO_PRECISION.get(loc.get("precision") or "", "") if loc else "",
        "source": "; ".join(sources),
        # one line, as ACLED's notes are: the evidence sentence keeps its paragraph's line breaks
        "notes": " ".join(((ev.get("evidence") or {}).get("sentence") or "").split()),
        "fatalities": killed if killed is not None else 0,
    }
