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
