"""Event assembly: the state of a place stands in as the target of an event that names none."""

from __future__ import annotations

import pytest

from sitroom.records import PlaceRef, Precision
from sitroom.resolve.events import place_target


def _place(country: str | None, text: str = "Cizre") -> PlaceRef:
    return PlaceRef(
        text=text, name=text, country=country, precision=Precision.CITY, start=40, end=40 + len(text)
    )


# event type, place country, expected (country, sector, kind) or None
CASES = [
    ("CONSULT", "RUS", ("RUS", None, "state")),  # "visited Russia"
    ("MOBILIZE", "MLI", ("MLI", None, "state")),  # "sent troops to Mali"
    ("PROTEST", "SRB", ("SRB", None, "state")),  # "demonstrated in Serbia"
    ("COERCE", "TUR", ("TUR", "CVL", "nonstate")),  # "a curfew in Cizre": the people there
    ("ASSAULT", "SDN", ("SDN", "CVL", "nonstate")),  # "shelled Juba"
    ("STATEMENT", "FRA", None),  # where something is said is not whom it is said to
    ("AID", None, None),  # a place without a country gives no actor
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_place_target(case):
    etype, country, want = case
    ref = place_target(etype, _place(country))
    if want is None:
        assert ref is None
        return
    assert (ref.country, ref.sector, ref.kind) == want
    assert (ref.text, ref.start, ref.end) == ("Cizre", 40, 45)  # evidence: the place's own span
    assert ref.id == (country if want[2] == "state" else None)


@pytest.mark.parametrize(
    ("lemma", "country", "want"),
    [
        ("coup", "NER", ("NER", "MIL", "state", "Niger (military)")),
        ("Protest", "SEN", ("SEN", "CVL", "nonstate", "Senegal (civilians)")),
        ("attack", "NER", None),  # an attack names no agent of its own
        ("coup", None, None),  # nor does a coup without a country
    ],
)
def test_implied_actor(lemma, country, want):
    from sitroom.records import Span
    from sitroom.resolve.actors import implied_actor

    trig = Span(start=12, end=16, text="coup")
    ref = implied_actor(trig, lemma, country)
    if want is None:
        assert ref is None
        return
    assert (ref.country, ref.sector, ref.kind, ref.name) == want
    assert (ref.text, ref.start, ref.end) == ("coup", 12, 16)  # evidence: the event noun itself


@pytest.mark.slow
def test_an_agentless_coup_is_its_countrys_military():
    from sitroom.config import load
    from sitroom.ingest import from_text
    from sitroom.pipeline import process_articles

    text = "Before the coup last year, Niger had hosted French troops."
    (res,) = list(process_articles([from_text(text, ref="coup", published="2024-05-03")], load()))
    coup = next(e for e in res.events if e.evidence.trigger == "coup")
    assert [(a.country, a.sector) for a in coup.source] == [("NER", "MIL")]
    assert coup.date is not None and coup.date.value == "2023"
    assert "implied_source" in coup.method
