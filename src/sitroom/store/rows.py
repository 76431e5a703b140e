"""Records → column lists → Arrow tables, ready for `INSERT INTO … SELECT` (executemany is ~1,000 rows/s).

JSON columns are encoded straight from the records (`dumps`): the same text as
`json.dumps(records.to_dict(x))`, but `dataclasses.asdict` deep-copies every leaf and costs ~135 µs
per event, which would be most of the write time.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import math
import operator
import re
from collections.abc import Iterable, Set
from dataclasses import fields, is_dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

import pyarrow as pa

from sitroom.records import ActorRef, Article, ArticleResult, Event, Failure, PlaceRef

_S = pa.string()
_LS = pa.list_(_S)
_I = pa.int32()
_F = pa.float64()
_B = pa.bool_()

ARTICLE_SCHEMA = pa.schema(
    [
        ("id", _S),
        ("ref", _S),
        ("url", _S),
        ("outlet", _S),
        ("title", _S),
        ("published", _S),
        ("published_basis", _S),
        ("authors", _S),
        ("language", _S),
        ("removed", _S),
        ("text", _S),
        ("source", _S),
        ("fetched", _S),
    ]
)

EVENT_SCHEMA = pa.schema(
    [
        ("id", _S),
        ("article_id", _S),
        ("event_type", _S),
        ("cameo", _S),
        ("cameo_root", _S),
        ("quad_class", _I),
        ("goldstein", _F),
        ("mode", _S),
        ("context", _LS),
        ("acled_event_type", _S),
        ("acled_sub_event_type", _S),
        ("source_country", _LS),
        ("target_country", _LS),
        ("source_sector", _LS),
        ("target_sector", _LS),
        ("source_name", _LS),
        ("target_name", _LS),
        ("source_actor_id", _LS),
        ("target_actor_id", _LS),
        ("actor_search", _S),
        ("location_text", _S),
        ("location_name", _S),
        ("location_country", _S),
        ("location_admin1", _S),
        ("location_lat", _F),
        ("location_lon", _F),
        ("location_precision", _S),
        ("location_gazetteer_id", _S),
        ("location_geonames_id", pa.int64()),
        ("location_icao", _S),
        ("date_value", _S),
        ("date_precision", _S),
        ("date_basis", _S),
        ("date_text", _S),
        ("date_start", pa.date32()),
        ("date_end", pa.date32()),
        ("negated", _B),
        ("hedged", _B),
        ("planned", _B),
        ("conditional", _B),
        ("tense", _S),
        ("attribution_text", _S),
        ("attribution_anonymous", _B),
        ("attribution_via", _S),
        ("evidence_sentence", _S),
        ("evidence_start", _I),
        ("evidence_end", _I),
        ("trigger", _S),
        ("trigger_start", _I),
        ("trigger_end", _I),
        ("confidence", _F),
        ("method", _S),
        ("record", _S),
    ]
)

PLACE_SCHEMA = pa.schema(
    [
        ("article_id", _S),
        ("start", _I),
        ("end", _I),
        ("text", _S),
        ("name", _S),
        ("country", _S),
        ("admin1", _S),
        ("lat", _F),
        ("lon", _F),
        ("precision", _S),
        ("gazetteer_id", _S),
        ("geonames_id", pa.int64()),
        ("icao", _S),
        ("score", _F),
        ("method", _S),
    ]
)

ACTOR_SCHEMA = pa.schema(
    [
        ("article_id", _S),
        ("start", _I),
        ("end", _I),
        ("text", _S),
        ("name", _S),
        ("country", _S),
        ("sector", _S),
        ("kind", _S),
        ("actor_id", _S),
    ]
)

FAILURE_SCHEMA = pa.schema(
    [
        ("id", _S),
        ("source", _S),
        ("stage", _S),
        ("code", _S),
        ("message", _S),
        ("article_id", _S),
    ]
)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def plain(x: Any) -> Any:
    """`records.to_dict` without deep copies: dataclasses → dicts, tuples → lists, enums → values."""
    if isinstance(x, StrEnum):
        return x.value
    if x is None or isinstance(x, str | int | float | bool):
        return x
    if is_dataclass(x) and not isinstance(x, type):
        return {n: plain(getattr(x, n)) for n in _field_names(type(x))}
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [plain(v) for v in x]
    return x


_GETTERS: dict[type, tuple[tuple[str, ...], Any]] = {}


def _as_dict(x: Any) -> Any:
    try:
        names, get = _GETTERS[type(x)]
    except KeyError:
        if not is_dataclass(x) or isinstance(x, type):
            raise TypeError(f"{type(x).__name__} is not JSON serialisable") from None
        names = _field_names(type(x))
        get = operator.attrgetter(*names) if len(names) > 1 else (lambda o, n=names[0]: (getattr(o, n),))
        _GETTERS[type(x)] = names, get
    return dict(zip(names, get(x), strict=True))


# StrEnums are str subclasses, so the C encoder writes their values; tuples come out as lists.
# allow_nan=False: "Infinity" / "NaN" are not JSON, and the API could not send them back out.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_as_dict, allow_nan=False)


def _finite(x: Any) -> Any:
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite(v) for v in x]
    return x


def dumps(x: Any) -> str:
    """Compact JSON of records or plain data; equals `json.dumps(to_dict(x))` parsed back, except that
    non-finite numbers (a 400-digit count read as inf) become null."""
    try:
        return _ENCODER.encode(x)
    except ValueError:  # only on inf / nan: the rare slow path
        return _ENCODER.encode(_finite(plain(x)))


def failure_id(source: str, code: str) -> str:
    """The same source failing with the same code is one failure, however often it is retried."""
    return hashlib.sha256(f"{source}\x1f{code}".encode()).hexdigest()[:32]


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def date_span(value: str | None, precision: str | None) -> tuple[date | None, date | None]:
    """The first and last day an ISO date value covers: '2024-05' → May 1..31; a day-valued week → 7 days."""
    if not value:
        return None, None
    try:
        if m := _DAY.match(value):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            if precision == "week":
                return d, d + timedelta(days=6)
            if precision == "month":
                return d.replace(day=1), d.replace(day=calendar.monthrange(d.year, d.month)[1])
            if precision == "year":
                return date(d.year, 1, 1), date(d.year, 12, 31)
            return d, d
        if m := _WEEK.match(value):
            d = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return d, d + timedelta(days=6)
        if m := _MONTH.match(value):
            y, mo = int(m[1]), int(m[2])
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        if m := _YEAR.match(value):
            return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    except ValueError:
        return None, None
    return None, None


def _actor_terms(actors: tuple[ActorRef, ...]) -> list[str]:
    out: list[str] = []
    for a in actors:
        out.extend(v for v in (a.text, a.name, a.id, a.country) if v)
    return out


def _val(x: Any) -> Any:
    return x.value if isinstance(x, StrEnum) else x


class Columns:
    """Column lists for one table, appended row by row, turned into an Arrow table at the end."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.cols: dict[str, list[Any]] = {n: [] for n in schema.names}

    def __len__(self) -> int:
        return len(self.cols[self.schema.names[0]])

    def add(self, row: dict[str, Any]) -> None:
        for n, col in self.cols.items():
            col.append(row.get(n))

    def table(self) -> pa.Table:
        return pa.table(self.cols, schema=self.schema)


def article_row(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "ref": a.ref,
        "url": a.url,
        "outlet": a.outlet,
        "title": a.title,
        "published": a.published,
        "published_basis": _val(a.published_basis),
        "authors": dumps(list(a.authors)),
        "language": a.language,
        "removed": dumps(list(a.removed)),
        "text": a.text,
        "source": a.source,
        "fetched": a.fetched,
    }


def event_row(e: Event) -> dict[str, Any]:
    loc, dt, mod, att, ev = e.location, e.date, e.modality, e.attribution, e.evidence
    d_start, d_end = date_span(dt.value, _val(dt.precision)) if dt else (None, None)
    return {
        "id": e.id,
        "article_id": e.article_id,
        "event_type": e.event_type,
        "cameo": e.cameo,
        "cameo_root": e.cameo_root,
        "quad_class": e.quad_class,
        "goldstein": e.goldstein,
        "mode": e.mode,
        "context": list(e.context),
        "acled_event_type": e.acled_event_type,
        "acled_sub_event_type": e.acled_sub_event_type,
        "source_country": [a.country for a in e.source if a.country],
        "target_country": [a.country for a in e.target if a.country],
        "source_sector": [a.sector for a in e.source if a.sector],
        "target_sector": [a.sector for a in e.target if a.sector],
        "source_name": [a.name or a.text for a in e.source],
        "target_name": [a.name or a.text for a in e.target],
        "source_actor_id": [a.id for a in e.source if a.id],
        "target_actor_id": [a.id for a in e.target if a.id],
        "actor_search": "\n".join(_actor_terms(e.source) + _actor_terms(e.target)).lower(),
        "location_text": loc.text if loc else None,
        "location_name": loc.name if loc else None,
        "location_country": loc.country if loc else None,
        "location_admin1": loc.admin1 if loc else None,
        "location_lat": loc.lat if loc else None,
        "location_lon": loc.lon if loc else None,
        "location_precision": _val(loc.precision) if loc else None,
        "location_gazetteer_id": loc.gazetteer_id if loc else None,
        "location_geonames_id": loc.geonames_id if loc else None,
        "location_icao": loc.icao if loc else None,
        "date_value": dt.value if dt else None,
        "date_precision": _val(dt.precision) if dt else None,
        "date_basis": _val(dt.basis) if dt else None,
        "date_text": dt.text if dt else None,
        "date_start": d_start,
        "date_end": d_end,
        "negated": mod.negated,
        "hedged": mod.hedged,
        "planned": mod.planned,
        "conditional": mod.conditional,
        "tense": _val(mod.tense),
        "attribution_text": att.text if att else None,
        "attribution_anonymous": att.anonymous if att else None,
        "attribution_via": att.via if att else None,
        "evidence_sentence": ev.sentence,
        "evidence_start": ev.start,
        "evidence_end": ev.end,
        "trigger": ev.trigger,
        "trigger_start": ev.trigger_start,
        "trigger_end": ev.trigger_end,
        "confidence": e.confidence,
        "method": e.method,
        "record": dumps(e),
    }


def place_row(article_id: str, p: PlaceRef) -> dict[str, Any]:
    row = {n: getattr(p, n) for n in PLACE_SCHEMA.names if n != "article_id"}
    row["precision"] = _val(p.precision)
    row["article_id"] = article_id
    return row


def actor_row(article_id: str, a: ActorRef) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "start": a.start,
        "end": a.end,
        "text": a.text,
        "name": a.name,
        "country": a.country,
        "sector": a.sector,
        "kind": a.kind,
        "actor_id": a.id,
    }


def failure_row(f: Failure) -> dict[str, Any]:
    return {
        "id": failure_id(f.source, f.code),
        "source": f.source,
        "stage": _val(f.stage),
        "code": f.code,
        "message": f.message,
        "article_id": f.article_id,
    }


TABLES = {
    "articles": ARTICLE_SCHEMA,
    "events": EVENT_SCHEMA,
    "places": PLACE_SCHEMA,
    "actors": ACTOR_SCHEMA,
    "failures": FAILURE_SCHEMA,
}


def tables(results: Iterable[ArticleResult], *, skip: Set[str] = frozenset()) -> dict[str, pa.Table]:
    """One Arrow table per store table for these results (the shape Parquet shards carry).

    Articles in `skip` and repeats within `results` are left out, with their events and mentions;
    an event id seen twice keeps its first reading; a failure (source + code) appears once.
    """
    cols = {name: Columns(schema) for name, schema in TABLES.items()}
    seen_articles: set[str] = set(skip)
    seen_events: set[str] = set()
    seen_fail: set[str] = set()
    for r in results:
        for f in r.failures:
            row = failure_row(f)
            if row["id"] not in seen_fail:
                seen_fail.add(row["id"])
                cols["failures"].add(row)
        a = r.article
        if a is None or a.id in seen_articles:
            continue
        seen_articles.add(a.id)
        cols["articles"].add(article_row(a))
        for e in r.events:
            if e.id not in seen_events:
                seen_events.add(e.id)
                cols["events"].add(event_row(e))
        for p in r.places:
            cols["places"].add(place_row(a.id, p))
        for ac in r.actors:
            cols["actors"].add(actor_row(a.id, ac))
    return {name: c.table() for name, c in cols.items()}
