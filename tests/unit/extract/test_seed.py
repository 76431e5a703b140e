"""The seed article: the events its gold picture needs must come out of the extractor with their spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitroom.extract import extract

SEED = Path(__file__).resolve().parents[4] / "shared" / "data" / "dev" / "seed" / "article.txt"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.shared,
    pytest.mark.skipif(not SEED.exists(), reason=f"seed article absent ({SEED})"),
]


@pytest.fixture(scope="module")
def cands(nlp):
    return extract(nlp(SEED.read_text(encoding="utf-8")))


def _src(c) -> str:
    return " | ".join(s.text for s in c.source)


def test_russians_enter_hedged_anonymous(cands):
    hits = [c for c in cands if c.event_type == "MOBILIZE" and "Russian military personnel" in _src(c)]
    assert hits
    c = hits[0]
    assert c.modality.hedged and not c.modality.negated
    assert any("Niger" in p.text for p in c.places)
    assert c.attribution is not None and c.attribution.anonymous and "official" in c.attribution.text


def test_junta_orders_us_out_with_personnel(cands):
    hits = [
        c
        for c in cands
        if c.event_type in ("COERCE", "REQUEST", "SANCTION")
        and any("United States" in t.text for t in c.target)
        and "officers" in _src(c)
    ]
    assert hits
    assert hits[0].quantities["personnel"].value == 1000
    assert hits[0].quantities["personnel"].approximate


def test_us_leaves_chad(cands):
    hits = [c for c in cands if c.event_type == "RETREAT" and "U.S. personnel" in _src(c)]
    assert hits and any("Chad" in p.text for p in hits[0].places)
    assert not hits[0].modality.conditional


def test_france_leaves_mali_burkina_planned(cands):
    hits = [c for c in cands if c.event_type == "RETREAT" and "French forces" in _src(c)]
    assert hits and hits[0].modality.planned
    places = {p.text for p in hits[0].places}
    assert {"Mali", "Burkina Faso"} <= places


def test_coup_last_year(cands):
    hits = [c for c in cands if c.trigger.text == "coup"]
    assert hits and hits[0].event_type in ("COERCE", "ASSAULT")
    assert any(t.text == "last year" for t in hits[0].times)


def test_not_mingling_is_not_an_asserted_contact(cands):
    for c in cands:
        if "mingling" in c.trigger.text:
            assert c.modality.negated


def test_withdrawal_in_the_event_of_is_conditional(cands):
    for c in cands:
        if "in the event of" in c.sentence.text and c.trigger.text == "withdrawal":
            assert c.modality.conditional
