"""Event-set scoring on tiny fake gold sets."""

from __future__ import annotations

import pytest

from sitroom.eval.events import macro_f1, pick_event, score_events


def ev(event_type: str, cameo: str = "", conf: float = 0.5, **kw: object) -> dict:
    return {
        "event_type": event_type,
        "cameo": cameo,
        "cameo_root": cameo[:2] or None,
        "confidence": conf,
        **kw,
    }


@pytest.mark.parametrize(
    ("events", "expect"),
    [
        ([], None),
        ([ev("STATEMENT", conf=0.9)], "STATEMENT"),
        ([ev("STATEMENT", conf=0.9), ev("ASSAULT", conf=0.2)], "ASSAULT"),
        ([ev("ASSAULT", conf=0.2), ev("MOBILIZE", conf=0.7), ev("STATEMENT", conf=0.99)], "MOBILIZE"),
    ],
)
def test_pick_event(events: list[dict], expect: str | None) -> None:
    got = pick_event(events)
    assert (got or {}).get("event_type") == expect


def test_macro_f1() -> None:
    assert macro_f1([("A", "A"), ("B", "B")]) == 1.0
    assert macro_f1([("A", "A"), ("B", "A")]) == pytest.approx((2 / 3 + 0) / 2)
    assert macro_f1([]) == 0.0


PLOVER_GOLD = [
    {"id": "p1", "text": "Troops fought rebels.", "event": "FIGHT",
     "source": [{"text": "Troops", "code": "NER", "sector": "MIL"}], "target": []},
    {"id": "p2", "text": "X demanded Y leave.", "event": "DEMAND",
     "source": [{"text": "X", "code": "NER", "sector": "GOV"}],
     "target": [{"text": "Y", "code": "USA", "sector": "MIL"}]},
    {"id": "p3", "text": "A met B.", "event": "CONSULT",
     "source": [{"text": "A", "code": "FRA", "sector": None}]},
    {"id": "p4", "text": "Nothing found here.", "event": "DISAPPROVE", "source": []},
]  # fmt: skip
PLOVER_PRED = [
    [ev("ASSAULT", "190", source=[{"country": "NER", "sector": "MIL"}])],
    [
        ev(
            "REQUEST",
            "1056",
            source=[{"country": "NER", "sector": "GOV"}],
            target=[{"country": "USA", "sector": "GOV"}],
        )
    ],
    [ev("STATEMENT", "010", conf=0.9), ev("SUPPORT", "051", conf=0.3, source=[{"country": "DEU"}])],
    [],
]


def test_score_plover_set() -> None:
    out = score_events("plover_gsr", PLOVER_GOLD, PLOVER_PRED)
    assert out["rows"] == 4 and out["answered"] == 3
    f = out["fields"]
    assert f["event_type"]["n"] == 4
    assert f["event_type"]["accuracy"] == 0.5  # FIGHT→ASSAULT and DEMAND→REQUEST right; SUPPORT wrong; miss
    assert f["event_type"]["confusion"] == {"CONSULT → SUPPORT": 1, "ACCUSE → (none)": 1}
    assert f["source_country"] == {"n": 3, "accuracy": pytest.approx(2 / 3)}
    assert f["target_sector"] == {"n": 1, "accuracy": 0.0}
    assert "cameo" not in f  # the set has no CAMEO gold
    assert [w["id"] for w in out["worst"]][:1] == ["p3"]  # two wrong fields (type, country)


def test_score_cameo_set() -> None:
    gold = [
        {"id": "c1", "text": "t1", "cameo_code": "0874", "cameo_root": "08"},
        {"id": "c2", "text": "t2", "cameo_code": "154", "cameo_root": "15"},
    ]
    pred = [[ev("RETREAT", "087")], [ev("MOBILIZE", "154")]]
    f = score_events("cameo_examples", gold, pred)["fields"]
    assert f["cameo_root"]["accuracy"] == 1.0
    assert f["cameo"]["accuracy"] == 0.5
    assert f["cameo"]["confusion"] == {"0874 → 087": 1}


def test_score_acled_set_counts_abstention_outside_acled() -> None:
    gold = [
        {"id": "a1", "text": "t", "acled_event_type": "Battles", "acled_sub_event_type": "Armed clash",
         "label_set": "acled_seen"},
        {"id": "a2", "text": "t", "label_set": "unseen_non_acled"},
        {"id": "a3", "text": "t", "label_set": "unseen_non_acled"},
    ]  # fmt: skip
    pred = [
        [ev("ASSAULT", "190", acled_event_type="Battles", acled_sub_event_type="Armed clash")],
        [],
        [ev("ASSAULT", "180", acled_event_type="Violence against civilians", acled_sub_event_type="Attack")],
    ]
    f = score_events("acled_snippets", gold, pred)["fields"]
    assert f["acled_event_type"]["accuracy"] == pytest.approx(2 / 3)
    assert f["acled_sub_event_type"]["n"] == 3


def test_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError):
        score_events("x", PLOVER_GOLD, [])


# ---------------------------------------------------------------- alignment, codes, actors set
from sitroom.eval.events import (  # noqa: E402
    acled_event,
    actor_cases,
    actor_code,
    align_event,
    gold_code,
    gold_sector,
    match_actor,
    score_actors,
)


def trig(event_type: str, trigger: str, conf: float, **kw: object) -> dict:
    return ev(event_type, conf=conf, evidence={"trigger": trigger}, **kw)


def test_align_event_by_gold_words_then_type_then_blind() -> None:
    a, b = trig("AGREE", "offered", 0.9), trig("CONSULT", "negotiate", 0.5)
    assert align_event({"event": "CONSULT", "event_text": "negotiate"}, [a, b]) is b
    assert align_event({"event": "CONSULT"}, [a, b]) is b  # no event words: the gold type
    assert (
        align_event({"cameo_code": "043", "cameo_root": "04"}, [a, ev("CONSULT", "043", 0.1)])["cameo"]
        == "043"
    )
    assert align_event({"event": "PROTEST"}, [a, b]) is a  # neither: the blind pick
    assert align_event({"event": "PROTEST"}, []) is None


def test_actor_fields_use_the_aligned_event_type_fields_the_blind_pick() -> None:
    gold = [{"id": "r", "text": "t", "event": "CONSULT", "event_text": "met",
             "source": [{"text": "A", "code": "FRA", "sector": None}]}]  # fmt: skip
    pred = [[trig("AGREE", "agreed", 0.9, source=[{"country": "DEU"}]),
             trig("CONSULT", "met", 0.4, source=[{"country": "FRA"}])]]  # fmt: skip
    f = score_events("plover", gold, pred)["fields"]
    assert f["event_type"]["accuracy"] == 0.0  # the blind pick is AGREE
    assert f["source_country"]["accuracy"] == 1.0  # the actor of the event the row is about


@pytest.mark.parametrize(
    ("actor", "code"),
    [
        ({"country": "NER", "kind": "state"}, "NER"),
        ({"id": "IGO:UN", "kind": "igo"}, "IGO"),
        ({"kind": "person", "sector": "IGO"}, "IGO"),
        ({"id": "NGO:AI", "kind": "org", "sector": "NGO"}, "NGO"),
        ({"id": "GRP:AQ", "kind": "nonstate", "sector": "REB"}, "IMG"),
        ({"kind": "nonstate", "sector": "CVL"}, None),
    ],
)
def test_actor_code(actor: dict, code: str | None) -> None:
    assert actor_code(actor) == code


def test_gold_normalisation() -> None:
    assert gold_code("JAP") == "JPN" and gold_code("NER") == "NER"
    assert gold_sector("REBalb") == "REB" and gold_sector("JRN") == "MED"
    assert gold_sector("***") is None and gold_sector(None) is None


def test_acled_event_prefers_typed_events_and_riots() -> None:
    p = ev("PROTEST", conf=0.9, acled_event_type="Protests")
    r = ev("ASSAULT", conf=0.3, acled_event_type="Riots")
    s = ev("ACCUSE", conf=0.99)
    assert acled_event([s, p]) is p
    assert acled_event([s, p, r]) is r  # a demonstration that turned violent is a riot
    assert acled_event([s]) is s


def test_actor_cases_and_score_actors() -> None:
    rows = [
        {"id": "a", "text": "Nigerian troops and ethnic Albanians in Serbia met.",
         "source": [{"text": "Nigerian troops", "code": "NGA", "sector": "MIL"}],
         "target": [{"text": "ethnic Albanians ... Serbia", "code": "SRB", "sector": "CVLalb"},
                    {"text": "not in the text", "code": "FRA", "sector": None}]},
    ]  # fmt: skip
    cases = actor_cases(rows)
    assert [(c["text"], c["country"], c["sector"]) for c in cases] == [
        ("Nigerian troops", "NGA", "MIL"),
        ("ethnic Albanians", "SRB", "CVL"),
    ]
    refs = [
        {"start": 0, "end": 15, "country": "NGA", "sector": "MIL"},
        {"start": 0, "end": 8, "country": "NGA", "sector": None},  # a worse fit of the same span
    ]
    places = [{"start": 40, "end": 46, "country": "SRB"}]
    assert match_actor(cases[0], refs) is refs[0]
    assert match_actor(cases[1], refs, places) is None  # the place is outside the gold span
    got = score_actors(cases, [match_actor(c, refs, places) for c in cases])
    assert got["fields"]["country"] == {"n": 2, "accuracy": 0.5}
    assert got["country_accuracy"] == 0.5 and got["found"] == 1
    assert got["worst"][0]["id"] == "a" and got["worst"][0]["role"] == "target"
    with pytest.raises(ValueError):
        score_actors(cases, [])
