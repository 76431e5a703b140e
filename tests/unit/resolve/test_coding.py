"""Event coding: reconciling type and CAMEO code, refining from actors, filling weights and ACLED."""

from __future__ import annotations

import pytest

from sitroom.errors import UsageError
from sitroom.records import ActorRef, Candidate, Span
from sitroom.resolve.coding import code_event


def cand(event_type: str, cameo: str, sentence: str = "Something happened.", mode: str | None = None,
         context: tuple[str, ...] = ()) -> Candidate:  # fmt: skip
    return Candidate(
        event_type=event_type, cameo=cameo, trigger=Span(start=0, end=1, text=sentence[:1]),
        sentence=Span(start=0, end=len(sentence), text=sentence), mode=mode, context=context,
    )  # fmt: skip


MIL = ActorRef(text="Russian troops", country="RUS", sector="MIL")
COP = ActorRef(text="riot police", country="FRA", sector="COP")
REB = ActorRef(text="the rebels", sector="REB")
CVL = ActorRef(text="villagers", sector="CVL")
GOV = ActorRef(text="the government", country="NER", sector="GOV")


@pytest.mark.parametrize(
    ("candidate", "source", "target", "expect"),
    [
        # MIL source: military context, MOBILIZE gets mode troops and the specific code
        (
            cand("MOBILIZE", "150", "Russian troops arrived at the airbase."),
            [MIL],
            [],
            {
                "event_type": "MOBILIZE",
                "cameo": "154",
                "mode": "troops",
                "context": ("military",),
                "quad_class": 4,
                "goldstein": -7.2,
            },
        ),
        (
            cand("MOBILIZE", "15", "Police were deployed across the capital."),
            [COP],
            [],
            {"cameo": "153", "mode": "police"},
        ),
        (
            cand("MOBILIZE", "150", "The rebels massed fighters near the town."),
            [REB],
            [],
            {"cameo": "150", "mode": "militia"},
        ),
        # the CAMEO code decides the type when they disagree
        (
            cand("ACCUSE", "173", "Police arrested the journalist."),
            [COP],
            [CVL],
            {
                "event_type": "COERCE",
                "mode": "arrest",
                "cameo_root": "17",
                "acled_event_type": "Strategic developments",
                "acled_sub_event_type": "Arrests",
            },
        ),
        # unknown CAMEO code → the type's default code
        (
            cand("ASSAULT", "999", "Gunmen killed five villagers."),
            [],
            [CVL],
            {"event_type": "ASSAULT", "cameo": "180", "acled_event_type": "Violence against civilians"},
        ),
        # a valid candidate mode is kept; an invalid one that is a context tag becomes context
        (
            cand("ASSAULT", "190", "Soldiers shot at the convoy.", mode="firearms"),
            [MIL],
            [REB],
            {"mode": "firearms", "acled_event_type": "Battles"},
        ),
        (
            cand("ASSAULT", "175", "Police cracked down on the crowd.", mode="pro_autocracy"),
            [COP],
            [CVL],
            {"mode": None, "context": ("pro_autocracy",)},
        ),
        (
            cand("RETREAT", "0874", "U.S. troops completed their withdrawal from the base."),
            [MIL],
            [],
            {"event_type": "RETREAT", "mode": "withdraw", "quad_class": 2, "goldstein": 10.0},
        ),
        # verbal events: no ACLED type
        (
            cand("STATEMENT", "010", "The ministry said talks would resume."),
            [GOV],
            [],
            {
                "event_type": "STATEMENT",
                "quad_class": 1,
                "acled_event_type": None,
                "acled_sub_event_type": None,
            },
        ),
        (
            cand("REQUEST", "1056", "Niger demanded that U.S. troops leave."),
            [GOV],
            [MIL],
            {"event_type": "REQUEST", "mode": "yield", "context": ("military",), "acled_event_type": None},
        ),
        (
            cand("AGREE", "057", "The two sides signed a ceasefire agreement."),
            [GOV],
            [REB],
            {
                "event_type": "SUPPORT",
                "acled_event_type": "Strategic developments",
                "acled_sub_event_type": "Agreement",
            },
        ),
        (
            cand("PROTEST", "141", "Thousands marched peacefully through the capital."),
            [CVL],
            [GOV],
            {"acled_event_type": "Protests", "acled_sub_event_type": "Peaceful protest", "mode": "demo"},
        ),
        (
            cand("ASSAULT", "195", "Warplanes bombed the market."),
            [MIL],
            [CVL],
            {"mode": "aerial", "acled_sub_event_type": "Air/drone strike"},
        ),
    ],
)
def test_code_event(
    candidate: Candidate, source: list[ActorRef], target: list[ActorRef], expect: dict
) -> None:
    coding = code_event(candidate, source=source, target=target)
    got = {k: getattr(coding, k) for k in expect}
    assert got == expect


def test_type_change_is_noted() -> None:
    coding = code_event(cand("ACCUSE", "154"), source=[MIL], target=[])
    assert coding.event_type == "MOBILIZE"
    assert any("ACCUSE" in n for n in coding.notes)


def test_neither_code_nor_type_known_is_an_error() -> None:
    with pytest.raises(UsageError):
        code_event(cand("DANCE", "xx"), source=[], target=[])
