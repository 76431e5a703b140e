"""Presence intervals from hand-built event records (the `to_dict(Event)` shape)."""

from __future__ import annotations

from datetime import date

import pytest

from sitroom.derive import classify, presence
from sitroom.derive.presence import cues


def ev(
    id,
    etype,
    cameo,
    day,
    *,
    source=(),
    target=(),
    loc=None,
    planned=False,
    tense="past",
    personnel=None,
    trigger="",
    sentence="",
    negated=False,
):
    sentence = sentence or trigger
    return {
        "id": id,
        "event_type": etype,
        "cameo": cameo,
        "source": [{"text": c, "name": c, "country": c, "sector": s} for c, s in source],
        "target": [{"text": c, "name": c, "country": c, "sector": s} for c, s in target],
        "location": loc,
        "date": {"value": day, "precision": "day"} if day else None,
        "modality": {
            "negated": negated,
            "hedged": False,
            "tense": tense,
            "planned": planned,
            "conditional": False,
        },
        "quantities": {"personnel": {"value": personnel, "text": str(personnel)}} if personnel else {},
        "evidence": {
            "sentence": sentence,
            "start": 0,
            "trigger": trigger,
            "trigger_start": sentence.find(trigger),
        },
    }


NER = {"name": "Niger", "country": "NER", "precision": "country", "gazetteer_id": "iso:NER"}
BASE = {
    "name": "Air Base 101",
    "country": "NER",
    "precision": "facility",
    "gazetteer_id": "icao:DRRN",
    "lat": 13.48,
    "lon": 2.18,
}
TCD = {"name": "Chad", "country": "TCD", "precision": "country", "gazetteer_id": "iso:TCD"}

DEPLOY = ev("e1", "MOBILIZE", "154", "2023-01-10", source=[("USA", "MIL")], loc=BASE, trigger="deployed")
ORDER = ev(
    "e2",
    "REQUEST",
    "100",
    "2024-03-16",
    source=[("NER", "GOV")],
    target=[("USA", None)],
    loc=NER,
    personnel=1000,
    trigger="ordered",
    sentence="The junta ordered the United States to withdraw its 1,000 troops.",
)
EXPEL = ev(
    "e2b",
    "COERCE",
    "174",
    "2024-03-17",
    source=[("NER", "GOV")],
    target=[("USA", "MIL")],
    loc=NER,
    trigger="expel",
)
BEGIN = ev(
    "e3",
    "RETREAT",
    "0874",
    "2024-05-20",
    source=[("USA", "MIL")],
    loc=NER,
    tense="present",
    trigger="withdrawing",
)
DONE = ev(
    "e4",
    "RETREAT",
    "0874",
    "2024-08-05",
    source=[("USA", "MIL")],
    loc=NER,
    trigger="completed the withdrawal",
)
RUS = ev("e5", "MOBILIZE", "154", "2024-05-02", source=[("RUS", "MIL")], loc=BASE, trigger="entered")
CHAD = ev("e6", "RETREAT", "0874", "2024-04-28", source=[("USA", "MIL")], loc=TCD, trigger="withdrawal")


@pytest.mark.parametrize(
    ("as_of", "status", "size", "to"),
    [
        ("2023-06-01", "present", None, None),
        ("2024-03-16", "ordered_out", 1000, None),
        ("2024-05-21", "withdrawing", 1000, None),
        ("2024-09-01", "withdrawn", 1000, "2024-08-05"),
    ],
)
def test_interval_updates(as_of, status, size, to):
    rows = presence(
        [DEPLOY, ORDER, EXPEL, BEGIN, DONE, RUS, CHAD],
        as_of=date.fromisoformat(as_of),
        force="USA",
        host="NER",
    )
    assert len(rows) == 1
    (r,) = rows
    assert (r["status"], r["size"], r["to"]) == (status, size, to)
    assert r["from"] == "2023-01-10"
    assert r["site"]["name"] == "Air Base 101"  # the order out applies to every site of the force
    assert r["force"] == {"country": "USA", "sector": "MIL", "name": "USA"}
    assert r["evidence"][0] == "e1"


def test_order_does_not_depend_on_input_order():
    evs = [DEPLOY, ORDER, EXPEL, BEGIN, DONE, RUS, CHAD]
    assert presence(evs) == presence(list(reversed(evs)))


def test_several_forces_and_hosts():
    rows = presence([DEPLOY, ORDER, RUS, CHAD], as_of=date(2024, 5, 3))
    got = {(r["force"]["country"], r["host"]): r["status"] for r in rows}
    assert got == {("USA", "NER"): "ordered_out", ("RUS", "NER"): "present", ("USA", "TCD"): "withdrawn"}


def test_return_after_withdrawal_opens_a_new_interval():
    back = ev("e9", "MOBILIZE", "154", "2025-01-01", source=[("USA", "MIL")], loc=BASE, trigger="returned")
    rows = presence([DEPLOY, DONE, back])
    assert [r["status"] for r in rows] == ["withdrawn", "present"]


@pytest.mark.parametrize(
    ("event", "status"),
    [
        (
            ev(
                "a",
                "MOBILIZE",
                "154",
                "2024-01-01",
                source=[("FRA", "MIL")],
                loc=NER,
                planned=True,
                trigger="will deploy",
            ),
            "arriving",
        ),
        (
            ev(
                "b",
                "RETREAT",
                "0874",
                "2024-01-01",
                source=[("FRA", "MIL")],
                loc=NER,
                planned=True,
                trigger="withdrawal",
            ),
            "withdrawing",
        ),
        (
            ev(
                "c",
                "RETREAT",
                "0874",
                "2024-01-01",
                source=[("FRA", "MIL")],
                loc=NER,
                trigger="withdraw",
                sentence="France was forced to withdraw its soldiers.",
            ),
            "withdrawing",
        ),
        (
            ev("d", "RETREAT", "0874", "2024-01-01", source=[("FRA", "MIL")], loc=NER, trigger="left"),
            "withdrawn",
        ),
        (
            ev("e", "MOBILIZE", "154", "2024-01-01", source=[("NER", "MIL")], loc=NER, trigger="deployed"),
            None,
        ),  # own soil
        (
            ev("f", "MOBILIZE", "154", "2024-01-01", source=[("FRA", "CVL")], loc=NER, trigger="arrived"),
            None,
        ),  # not a force
        (
            ev(
                "g",
                "MOBILIZE",
                "154",
                "2024-01-01",
                source=[("FRA", "MIL")],
                loc=NER,
                negated=True,
                trigger="deployed",
            ),
            None,
        ),
        (
            ev(
                "h",
                "REQUEST",
                "100",
                "2024-01-01",
                source=[("NER", "GOV")],
                target=[("FRA", None)],
                trigger="asked",
                sentence="Niger asked France for more aid.",
            ),
            None,
        ),
    ],
)
def test_classify(event, status):
    c = classify(event)
    assert (c.status.value if c else None) == status


def test_cue_table():
    table = cues()
    assert {"order_out", "withdraw", "ongoing"} <= set(table)
    assert all(w == w.lower() and w.strip() == w for ws in table.values() for w in ws)
