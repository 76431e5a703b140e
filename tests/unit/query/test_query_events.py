"""The query layer over a small hand-built store: each filter, order, paging, bad values."""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import replace

import pytest

from sitroom.errors import EnvironmentProblem, UsageError
from sitroom.query import (
    EventFilter,
    article,
    article_refs,
    count_events,
    events,
    events_arrow,
    events_frame,
    failures,
    next_cursor,
    parse_bbox,
    parse_near,
)
from sitroom.records import (
    ActorRef,
    Article,
    ArticleResult,
    DatePrecision,
    Event,
    Evidence,
    PlaceRef,
    Precision,
    TimeRef,
    to_dict,
)
from sitroom.store import open_store, synthetic

A1, A2 = "a1" + "0" * 62, "b2" + "0" * 62


def ev(key, article_id, etype, *, src=(), tgt=(), place=None, when=None, sentence="It happened."):
    return Event(
        id=f"ev-{key}",
        article_id=article_id,
        event_type=etype,
        cameo="190",
        cameo_root="19",
        quad_class=4,
        goldstein=-10.0,
        evidence=Evidence(
            sentence=sentence, start=0, end=len(sentence), trigger="x", trigger_start=0, trigger_end=1
        ),
        source=tuple(ActorRef(text=t, name=n, country=c, sector=s) for t, n, c, s in src),
        target=tuple(ActorRef(text=t, name=n, country=c, sector=s) for t, n, c, s in tgt),
        location=PlaceRef(
            text=place[0],
            name=place[0],
            country=place[1],
            lat=place[2],
            lon=place[3],
            precision=Precision.CITY,
        )
        if place
        else None,
        date=TimeRef(value=when[0], precision=DatePrecision(when[1])) if when else None,
    )


NIAMEY = ("Niamey", "NER", 13.5137, 2.1098)
AGADEZ = ("Agadez", "NER", 16.9742, 7.9865)
BAMAKO = ("Bamako", "MLI", 12.6392, -8.0029)
KYIV = ("Kyiv", "UKR", 50.4501, 30.5234)
SUVA = ("Suva", "FJI", -18.1416, 178.4419)
RUS = ("Russian troops", "Russia", "RUS", "MIL")
WAGNER = ("Wagner fighters", "Wagner Group", "RUS", "REB")
USA = ("U.S. troops", "United States", "USA", "MIL")
JUNTA = ("Niger's junta", "Niger", "NER", "GOV")
CROWD = ("protesters", None, None, "CVL")

EVENTS = [
    ev(
        "assault",
        A1,
        "ASSAULT",
        src=[WAGNER],
        place=BAMAKO,
        when=("2024-05-02", "day"),
        sentence="Fighters attacked a village near Bamako.",
    ),
    ev(
        "mobilize",
        A1,
        "MOBILIZE",
        src=[RUS],
        place=NIAMEY,
        when=("2024-05", "month"),
        sentence="Russian troops entered Airbase 101.",
    ),
    ev("consult", A1, "CONSULT", src=[USA], tgt=[JUNTA], sentence="U.S. officials met Niger's junta."),
    ev(
        "protest",
        A2,
        "PROTEST",
        src=[CROWD],
        place=KYIV,
        when=("2023", "year"),
        sentence="Thousands protested in Kyiv.",
    ),
    ev(
        "coerce",
        A2,
        "COERCE",
        src=[JUNTA],
        tgt=[USA],
        place=AGADEZ,
        when=("2024-03-16", "day"),
        sentence="The junta ordered U.S. troops to leave.",
    ),
    ev("aid", A2, "AID", src=[USA], place=SUVA, when=("2024-05-20", "day"), sentence="Aid arrived in Suva."),
]
BY_ID = {e.id: e for e in EVENTS}


def _result(aid, ref, evs):
    text = " ".join(e.evidence.sentence for e in evs)
    return ArticleResult(article=Article(id=aid, ref=ref, text=text, title=ref), events=tuple(evs))


@pytest.fixture(scope="module")
def store():
    with open_store(":memory:") as s:
        s.write(
            [
                _result(A1, "one.txt", [e for e in EVENTS if e.article_id == A1]),
                _result(A2, "two.txt", [e for e in EVENTS if e.article_id == A2]),
                synthetic.failed_result("bad.txt"),
            ]
        )
        yield s


def keys(found):
    return {e["id"].removeprefix("ev-") for e in found}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {"assault", "mobilize", "consult", "protest", "coerce", "aid"}),
        ({"country": "NER"}, {"mobilize", "consult", "coerce"}),  # location, target, source
        ({"country": "usa"}, {"consult", "coerce", "aid"}),
        ({"country": "FJI"}, {"aid"}),
        ({"event_type": "assault,Coerce"}, {"assault", "coerce"}),
        ({"event_type": ("PROTEST",)}, {"protest"}),
        ({"actor": "WAGNER"}, {"assault"}),
        ({"actor": "rus"}, {"assault", "mobilize"}),  # country code and "Russian"
        ({"actor": "junta"}, {"consult", "coerce"}),
        ({"actor": "united states"}, {"consult", "coerce", "aid"}),
        ({"since": "2024-05-01"}, {"assault", "mobilize", "aid"}),
        ({"since": "2024-05-25"}, {"mobilize"}),  # a month-precise date overlaps
        ({"until": "2024-04"}, {"protest", "coerce"}),
        ({"since": "2024-03", "until": "2024-03"}, {"coerce"}),
        ({"since": "2023", "until": "2023"}, {"protest"}),
        ({"near": "13.5,2.1,50"}, {"mobilize"}),
        ({"near": (13.5, 2.1, 800.0)}, {"mobilize", "coerce"}),
        ({"bbox": "0,10,16,24"}, {"mobilize", "coerce"}),
        ({"bbox": "170,-30,-170,0"}, {"aid"}),  # across the antimeridian
        ({"text": "AIRBASE"}, {"mobilize"}),
        ({"text": "troops"}, {"mobilize", "coerce"}),
        ({"article_id": A2}, {"protest", "coerce", "aid"}),
        ({"article_id": "a1"}, {"assault", "mobilize", "consult"}),
        ({"country": "NER", "event_type": "MOBILIZE", "since": "2024-05-01"}, {"mobilize"}),
        ({"actor": "'; DROP TABLE events; --"}, set()),
    ],
)
def test_filters(store, kwargs, expected):
    flt = EventFilter(**kwargs)
    assert keys(events(store, flt)) == expected
    assert count_events(store, flt) == len(expected)


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@pytest.mark.parametrize("km", [10, 100, 500, 790, 800, 1000, 1200, 5000, 20000])
def test_near_agrees_with_python_haversine(store, km):
    lat, lon = 13.5, 2.1
    expected = {
        e.id.removeprefix("ev-")
        for e in EVENTS
        if e.location and _km(lat, lon, e.location.lat, e.location.lon) <= km
    }
    assert keys(events(store, EventFilter(near=(lat, lon, km)))) == expected


def test_records_are_to_dict(store):
    for d in events(store):
        assert d == to_dict(BY_ID[d["id"]])


def test_order_is_date_then_id_with_undated_last(store):
    got = [e["id"] for e in events(store)]
    want = sorted(EVENTS, key=lambda e: (e.date is None, e.date.value if e.date else "", e.id))
    assert got == [e.id for e in want]


@pytest.mark.parametrize("size", [1, 2, 4, 6, 10])
def test_paging_by_offset_and_cursor(store, size):
    full = events(store)
    by_offset, by_cursor, cursor = [], [], None
    for off in range(0, len(full), size):
        by_offset += events(store, EventFilter(limit=size, offset=off))
    while True:
        page = events(store, EventFilter(limit=size, cursor=cursor))
        if not page:
            break
        by_cursor += page
        cursor = next_cursor(page)
    assert by_offset == full
    assert by_cursor == full
    assert next_cursor([]) is None


def test_limit(store):
    assert len(events(store, EventFilter(limit=2))) == 2
    assert count_events(store, EventFilter(limit=2)) == len(EVENTS)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"country": "Niger"}, "alpha-3"),
        ({"country": "NE"}, "NER"),
        ({"event_type": "BOMB"}, "known: AGREE"),
        ({"since": "yesterday"}, "YYYY-MM-DD"),
        ({"since": "2024-13"}, "since must be an ISO date"),
        ({"until": "2024-02-30"}, "until must be an ISO date"),
        ({"since": "2024-05-02", "until": "2024-05-01"}, "after until"),
        ({"near": "13.5,2.1"}, "LAT,LON,KM"),
        ({"near": "a,b,c"}, "3 comma-separated numbers"),
        ({"near": "91,0,5"}, "latitude"),
        ({"near": "10,190,5"}, "longitude"),
        ({"near": "1,2,0"}, "more than 0 km"),
        ({"near": "1,2,nan"}, "numbers"),
        ({"bbox": "1,2,3"}, "W,S,E,N"),
        ({"bbox": "0,20,10,10"}, "north of the north edge"),
        ({"limit": 0}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"limit": 2.5}, "limit"),
        ({"offset": -1}, "offset"),
        ({"cursor": "garbage!"}, "cursor"),
        ({"cursor": next_cursor([{"id": "x", "date": None}]), "offset": 3}, "not both"),
        ({"actor": "   "}, "actor must not be empty"),
    ],
)
def test_bad_values_are_usage_errors(kwargs, message):
    with pytest.raises(UsageError, match=message) as e:
        EventFilter(**kwargs)
    assert e.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13.5,2.1,50", (13.5, 2.1, 50.0)),
        (" -33.9 , 151.2 , 0.5 ", (-33.9, 151.2, 0.5)),
        ((1, 2, 3), (1.0, 2.0, 3.0)),
    ],
)
def test_parse_near(text, expected):
    assert parse_near(text) == expected


def test_parse_bbox():
    assert parse_bbox("0,11,16,24") == (0.0, 11.0, 16.0, 24.0)


def test_events_arrow(store):
    t = events_arrow(store, EventFilter(country="NER"))
    assert t.num_rows == 3
    assert {"id", "event_type", "location_lat", "source_country", "date_start"} <= set(t.column_names)
    assert "record" not in t.column_names and "actor_search" not in t.column_names
    assert t.column("id").to_pylist() == [e["id"] for e in events(store, EventFilter(country="NER"))]


def test_events_frame(store):
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(EnvironmentProblem, match="pip install pandas"):
            events_frame(store)
    else:
        assert len(events_frame(store)) == len(EVENTS)


def test_article_and_refs(store):
    a = article(store, A1)
    assert a["ref"] == "one.txt" and a["text"].startswith("Fighters attacked") and a["removed"] == []
    assert article(store, "nope") is None
    assert article_refs(store, [A1, A2, "nope"]) == {A1: "one.txt", A2: "two.txt"}
    assert article_refs(store, []) == {}


def test_failures(store):
    got = failures(store)
    assert [(f["source"], f["code"]) for f in got] == [("bad.txt", "E_EMPTY")]
    assert failures(store, limit=0) == []


def test_filter_is_frozen_and_normalised():
    f = EventFilter(country="ner", event_type="assault, assault,coerce")
    assert (f.country, f.event_type) == ("NER", ("ASSAULT", "COERCE"))
    with pytest.raises(AttributeError):
        f.country = "USA"  # type: ignore[misc]
    assert replace(f, country="USA").country == "USA"


def test_query_and_output_do_not_import_spacy():
    code = "import sys, sitroom.query, sitroom.output, sitroom.store; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
