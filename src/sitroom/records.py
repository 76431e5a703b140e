"""Typed records passed between stages. Frozen, slotted, keyword-only.

Every derived value keeps where it came from: char offsets into the article text, the
method that produced it and, where it matters, an enum for its basis.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

_REC = {"frozen": True, "slots": True, "kw_only": True}


class Precision(StrEnum):
    """Geographic precision of a place, as ACLED's geo-precision levels."""

    FACILITY = "facility"
    CITY = "city"
    ADMIN1 = "admin1"
    COUNTRY = "country"
    REGION = "region"


class DatePrecision(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class TimeBasis(StrEnum):
    EXPLICIT = "explicit"  # the text names the date ("on 2 May 2024", "on Thursday" is RELATIVE)
    RELATIVE = "relative"  # resolved against the publication date
    PUBLICATION = "publication"  # no date in the text: the publication date stands in


class PublishedBasis(StrEnum):
    """How the article's publication date was found."""

    USER = "user"  # given on the command line or by the API caller
    METADATA = "metadata"  # input record field (JSONL `published`)
    HTML = "html"  # HTML metadata (trafilatura / htmldate)
    DATELINE = "dateline"  # a dateline in the text ("NIAMEY, May 3 (Agency) -")
    NONE = "none"


class Tense(StrEnum):
    PAST = "past"
    PRESENT = "present"
    FUTURE = "future"


class Stage(StrEnum):
    INGEST = "ingest"
    NLP = "nlp"
    EXTRACT = "extract"
    RESOLVE = "resolve"
    STORE = "store"


@dataclass(**_REC)
class Span:
    """A stretch of the article text: [start, end) char offsets and the text itself."""

    start: int
    end: int
    text: str


@dataclass(**_REC)
class Article:
    id: str  # sha256 of the normalised text
    ref: str  # the input's own id: JSONL `id`, else path or URL
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or datetime
    published_basis: PublishedBasis = PublishedBasis.NONE
    authors: tuple[str, ...] = ()
    fetched: str | None = None  # when the page was fetched (a crawl's WARC-Date, a URL we fetched): ISO, UTC
    language: str = "en"
    removed: tuple[str, ...] = ()  # boilerplate lines taken out of the text, in order
    source: str = ""  # where it was read from (path, URL, "stdin", "path:line")


@dataclass(**_REC)
class Failure:
    """An input that did not become records, and why. Never dropped silently."""

    source: str
    stage: Stage
    code: str  # stable code, e.g. "E_EMPTY", see errors.py
    message: str
    article_id: str | None = None


@dataclass(**_REC)
class ActorRef:
    text: str
    name: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-3
    sector: str | None = None  # GOV MIL REB OPP COP JUD LEG MED BUS CVL IGO NGO ...
    kind: str | None = None  # state | nonstate | igo | person | org
    id: str | None = None  # actor dictionary id, e.g. "RUS" or "IGO:UN"
    start: int | None = None
    end: int | None = None


@dataclass(**_REC)
class PlaceRef:
    text: str
    name: str | None = None
    country: str | None = None  # ISO3
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: Precision | None = None
    gazetteer_id: str | None = None  # e.g. "gn:2440485", "icao:DRRN", "iso:NER"
    geonames_id: int | None = None
    icao: str | None = None
    start: int | None = None
    end: int | None = None
    score: float = 0.0
    method: str = ""


@dataclass(**_REC)
class TimeRef:
    value: str | None  # ISO: YYYY-MM-DD, YYYY-MM, or YYYY as precision says
    precision: DatePrecision | None = None
    text: str | None = None
    basis: TimeBasis = TimeBasis.PUBLICATION
    start: int | None = None
    end: int | None = None


@dataclass(**_REC)
class Modality:
    negated: bool = False
    hedged: bool = False
    tense: Tense = Tense.PAST
    planned: bool = False
    conditional: bool = False


@dataclass(**_REC)
class Attribution:
    text: str  # the speaker or source span, e.g. "a senior U.S. defense official"
    anonymous: bool = False
    via: str | None = None  # agency or outlet it came through, e.g. "Reuters"
    start: int | None = None
    end: int | None = None


@dataclass(**_REC)
class Quantity:
    value: float
    text: str  # "nearly 1,000"
    approximate: bool = False


@dataclass(**_REC)
class Evidence:
    sentence: str
    start: int  # sentence start (char offset into article text)
    end: int  # sentence end
    trigger: str
    trigger_start: int
    trigger_end: int


@dataclass(**_REC)
class Candidate:
    """An event found by `extract`: spans only, nothing resolved yet."""

    event_type: str  # PLOVER type, or "STATEMENT" for CAMEO 01
    cameo: str  # as specific as the trigger allows ("154", "0874")
    trigger: Span
    sentence: Span
    mode: str | None = None
    context: tuple[str, ...] = ()
    source: tuple[Span, ...] = ()  # actor phrases (full noun phrases)
    target: tuple[Span, ...] = ()
    places: tuple[Span, ...] = ()  # place phrases attached to the event ("in Niamey", "from Chad")
    times: tuple[Span, ...] = ()  # time expressions attached to the event
    modality: Modality = field(default_factory=Modality)
    attribution: Attribution | None = None
    quantities: dict[str, Quantity] = field(default_factory=dict)
    method: str = ""
    confidence: float = 0.5


@dataclass(**_REC)
class Event:
    id: str
    article_id: str
    event_type: str
    cameo: str
    cameo_root: str
    quad_class: int | None
    goldstein: float | None
    evidence: Evidence
    mode: str | None = None
    context: tuple[str, ...] = ()
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    source: tuple[ActorRef, ...] = ()
    target: tuple[ActorRef, ...] = ()
    location: PlaceRef | None = None
    date: TimeRef | None = None
    modality: Modality = field(default_factory=Modality)
    attribution: Attribution | None = None
    quantities: dict[str, Quantity] = field(default_factory=dict)
    confidence: float = 0.5
    method: str = ""


@dataclass(**_REC)
class ArticleResult:
    """Everything the pipeline learned from one input."""

    article: Article | None
    events: tuple[Event, ...] = ()
    places: tuple[PlaceRef, ...] = ()
    actors: tuple[ActorRef, ...] = ()
    failures: tuple[Failure, ...] = ()


def to_dict(rec: Any) -> Any:
    """A record as plain JSON-able data (enums as their values)."""
    if rec is None:
        return None
    return _plain(asdict(rec))


def _plain(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, StrEnum):
        return x.value
    return x
