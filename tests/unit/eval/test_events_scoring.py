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
