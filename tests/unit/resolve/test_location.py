"""Where an event happened (`resolve.location`): the tiers beyond the verb's own phrases, the names
that only qualify an actor or a site, and names the gazetteer lacks (needs the spaCy model)."""

from __future__ import annotations

import pytest

from sitroom.resolve.location import _name_chunks

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("text", "trigger", "actors", "want"),
    [
        # A "when" clause on the verb says where it happened.
        (
            "Three soldiers were killed when a roadside bomb went off beside their convoy in Tikrit.",
            "killed",
            (),
            "Tikrit",
        ),
        # So does the event noun it happened during.
        ("Two fighters were killed during heavy clashes in Kirkuk.", "killed", (), "Kirkuk"),
        # A verb conjoined with the trigger, even with its own subject, shares its place.
        (
            "A soldier was killed and two others were wounded by a roadside bomb in Tikrit.",
            "killed",
            (),
            "Tikrit",
        ),
        # A passive subject that is a place is where the event happened, before a "from" phrase.
        ("Fallujah was shelled from positions near Baghdad.", "shelled", (), "Fallujah"),
        ("The streets of Tikrit were patrolled by soldiers.", "patrolled", (), "Tikrit"),
        # A country that qualifies a site gives way to the place the site is in.
        ("Protesters gathered outside the US embassy in Amman.", "gathered", ("Protesters",), "Amman"),
        ("Hundreds protested in the Mali capital Bamako on Sunday.", "protested", ("Hundreds",), "Bamako"),
        # A name glued to a word by a hyphen modifies it.
        ("Fighters were killed in a US-Kurdish operation near Sinjar.", "killed", (), "Sinjar"),
        ("Two men were killed in a Baghdad-based militia's raid.", "killed", (), None),
        # An unknown acronym names an organisation, not a place.
        ("A car bomb exploded near the ICRC offices in Kirkuk.", "exploded", ("A car bomb",), "Kirkuk"),
        # A person's name with an appositive noun is not a place; the phrase after it is.
        (
            "Troops captured Abu Hamza, the group's top commander, in Pakistan.",
            "captured",
            ("Troops",),
            "Pakistan",
        ),
        # A place in a scene-setting phrase before the subject gives way to the one after the verb.
        (
            "In the province of Aleppo, rebels shelled the village of Kafr Hamra.",
            "shelled",
            ("rebels",),
            "Kafr Hamra",
        ),
        # A bearing names where it happened only when nothing nearer does.
        ("The patrol was ambushed 30 kilometres west of Mosul.", "ambushed", (), "Mosul"),
        # An actor's place, through "of" ("residents of the X camp").
        (
            "Residents of the Qalandia camp near Jerusalem demonstrated on Friday.",
            "demonstrated",
            ("Residents of the Qalandia camp near Jerusalem",),
            "Qalandia",
        ),
        # A place in a relative clause on an event is where something else happened.
        (
            "Two guards were killed in the attack, which was followed by a second blast in Kirkuk.",
            "killed",
            (),
            None,
        ),
        # "while" with a subject of its own is a contrast: another event, another place.
        (
            "Students marched on Sunday, while a separate rally took place outside the mosque in Najaf.",
            "marched",
            ("Students",),
            None,
        ),
    ],
)
def test_event_location(locate, text, trigger, actors, want) -> None:
    got = locate(text, trigger, actors)
    assert (got.text if got else None) == want, got
    if got is not None:
        assert text[got.start : got.end] == got.text and "event:" in got.method


@pytest.mark.parametrize(
    ("text", "trigger", "want"),
    [
        # Names the gazetteer lacks, in a place slot.
        ("Soldiers patrolled Qaddumi Square on Friday.", "patrolled", "Qaddumi Square"),
        ("He was shot as he walked along Harlan Avenue.", "shot", "Harlan Avenue"),
        (
            "Police captured the suspects in Dunya Qal, a small town near Multan.",
            "captured",
            "Dunya Qal",
        ),
        (
            "Nine people were killed in the shelling of the Kurdish-majority Zaydiyah district.",
            "killed",
            "Zaydiyah",
        ),
    ],
)
def test_unresolved_names(locate, text, trigger, want) -> None:
    got = locate(text, trigger)
    assert got is not None and got.text == want, got


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("in the Kurdish-majority Zaydiyah district", ["Zaydiyah"]),
        ("the U.S.-led offensive in Kandahar", ["Kandahar"]),
        ("near Deir ez-Zor airport", ["Deir ez-Zor"]),
        ("in the Zuqaq al-Mukhtar neighbourhood", ["Zuqaq al-Mukhtar"]),
        ("as he walked along Harlan Avenue", ["Harlan Avenue"]),
    ],
)
def test_name_chunks(nlp, text: str, want: list[str]) -> None:
    doc = nlp(text)
    assert [c.text for c in _name_chunks(doc, 0, len(text))] == want
