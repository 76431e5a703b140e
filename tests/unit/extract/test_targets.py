"""Targets that no argument of the trigger names: embedded acts, demanded clauses, proposals, owners of
acts, a light verb's recipient; and dates are never targets. Sentences written for these tests."""

from __future__ import annotations

import pytest

from sitroom.extract import extract
from sitroom.extract.lexicon import cue

pytestmark = pytest.mark.slow

# sentence, trigger word, target phrase must contain ("" = no target at all)
CASES = [
    # a named recipient of the act the trigger embeds
    ("Ghana offered to hand over the suspects to Togo.", "offered", "Togo"),
    ("Kenya has promised to continue military aid to Somalia.", "promised", "Somalia"),
    ("Peru refused to meet the president of Bolivia in Lima.", "refused", "president of Bolivia"),
    ("Chile threatened to impose tariffs against Argentine wine.", "threatened", "Argentine"),
    ("The bishop called for sanctions against Zimbabwe.", "called", "Zimbabwe"),
    ("Sweden agreed to lift its ban on Norwegian fish imports.", "agreed", "Norwegian"),
    # the subject of a demanded clause
    ("The opposition demanded that President Kagame release the journalists.", "demanded", "Kagame"),
    # the author of a proposal that is turned down
    ("Egypt rejected a Turkish offer to mediate.", "rejected", "Turkish"),
    ("Nepal rejected an offer from India for border talks.", "rejected", "India"),
    # the owner of a condemned act; the actor behind an act noun
    ("Poland condemned Belarus's treatment of the migrants.", "condemned", "Belarus"),
    ("The Senate demanded an apology from the Colombian government.", "demanded", "Colombian government"),
    ("The union accepted demands from Greek farmers.", "accepted", "Greek farmers"),
    # a light verb's recipient for a noun trigger
    ("The World Bank gave Malawi 20 million dollars of aid.", "aid", "Malawi"),
    # a date in a target preposition is no target, and nothing stands in for it
    ("Iran on Tuesday threatened to retaliate.", "threatened", ""),
]


def _find(cands, trigger):
    got = [c for c in cands if trigger in c.trigger.text.split()]
    assert got, f"no candidate on {trigger!r}: {[(c.event_type, c.trigger.text) for c in cands]}"
    return got[0]


@pytest.mark.parametrize("case", CASES, ids=[c[0][:40] for c in CASES])
def test_indirect_target(case, nlp):
    text, trig, tgt = case
    c = _find(extract(nlp(text)), trig)
    targets = [s.text for s in c.target]
    if tgt:
        assert any(tgt in t for t in targets), targets
    else:
        assert targets == []


def test_own_object_wins(nlp):
    """An object the trigger names itself keeps precedence over anything embedded."""
    c = _find(extract(nlp("Serbia accused Croatia of planning to attack Bosnia.")), "accused")
    assert [s.text for s in c.target] == ["Croatia"]


def test_cue_rows():
    assert {"offer", "request", "ultimatum", "demand"} <= cue("proposal_noun")
    assert {"refugee", "civilian"} <= cue("group_noun")
    assert all(w == w.lower() and " " not in w for w in cue("proposal_noun") | cue("group_noun"))


@pytest.mark.parametrize(
    ("text", "trigger", "found"),
    [
        ("The charity said it gave millions to programmes fighting AIDS in Malawi.", "AIDS", False),
        ("Canada sent aid to Malawi after the floods.", "aid", True),
        ("REBELS ATTACKED THE BASE AT DAWN", "ATTACKED", True),  # a headline in capitals keeps its words
    ],
)
def test_an_acronym_is_no_trigger_but_a_headline_word_is(nlp, text, trigger, found):
    assert any(c.trigger.text == trigger for c in extract(nlp(text))) is found


# (text, trigger, event type, coded?): words in another sense than an event's, beside the event itself
MISHAPS = [
    ("A magnitude-7.9 earthquake hit the country on Monday.", "hit", "ASSAULT", False),
    ("Up to 750,000 people could be hit by heavy flooding.", "hit", "ASSAULT", False),
    ("The town was hard hit by the cholera outbreak.", "hit", "ASSAULT", False),
    ("She was struck by a car outside the store.", "struck", "ASSAULT", False),
    ("Police arrested the driver in the hit-and-run on Friday.", "hit", "ASSAULT", False),
    ("The unemployment rate hit its highest level in 16 months.", "hit", "ASSAULT", False),
    ("Johnson hit the tying 3-pointer with seven seconds left.", "hit", "ASSAULT", False),
    ("Russian missiles hit the power station in Kharkiv.", "hit", "ASSAULT", True),
    ("An air strike hit a convoy near Idlib on Sunday.", "hit", "ASSAULT", True),
    ("A roadside bomb struck a military patrol in Helmand.", "struck", "ASSAULT", True),
    ("Gunmen killed four villagers in Zamfara.", "killed", "ASSAULT", True),
]
RELEASES_AND_VISITS = [
    ("Police released footage of both suspects on Saturday.", "released", "RETREAT", False),
    ("Jackson, in a statement released through the team, denied it.", "released", "RETREAT", False),
    ("The news came in a press release issued by the ministry.", "release", "RETREAT", False),
    ("Hamas released two Israeli women on Friday.", "released", "RETREAT", True),
    ("He was released on bail after a night in custody.", "released", "RETREAT", True),
    ("Officers received a tip from a motorist in Flint.", "received", "CONSULT", False),
    ("CNN, where I host a weekly programme, reported it late.", "host", "CONSULT", False),
    ("Putin hosted Erdogan in Sochi on Monday.", "hosted", "CONSULT", True),
    ("Qatar hosted talks between the two sides.", "hosted", "CONSULT", True),
    ("King Salman received the Iranian delegation in Riyadh.", "received", "CONSULT", True),
]
MOVES = [
    ("Russian troops arrived in Kherson on Monday.", "arrived", "MOBILIZE", True),
    ("Russia entered Ukraine in February 2022.", "entered", "MOBILIZE", True),
    ("A Chinese warship arrived in Djibouti.", "arrived", "MOBILIZE", True),
    ("They entered the town at dawn.", "entered", "MOBILIZE", True),
    ("Five Chinese military planes entered the air defence zone on Monday.", "entered", "MOBILIZE", True),
    ("A first batch of F-16 fighters arrived on Monday.", "arrived", "MOBILIZE", True),
    ("Pamela Anderson arrived today in Athens, Greece.", "arrived", "MOBILIZE", False),
    ("Tunisia entered a NATO partnership programme in 2014.", "entered", "MOBILIZE", False),
    ("Both carers have since left the school.", "left", "RETREAT", False),
    ("The last French soldiers left Niamey in December.", "left", "RETREAT", True),
]


@pytest.mark.parametrize(("text", "trigger", "etype", "found"), MISHAPS + RELEASES_AND_VISITS + MOVES)
def test_a_word_in_another_sense_is_no_event(nlp, text, trigger, etype, found):
    got = [c for c in extract(nlp(text)) if c.trigger.text == trigger and c.event_type == etype]
    assert bool(got) is found


def test_striking_a_deal_is_an_agreement(nlp):
    cands = extract(nlp("In 2014 the neighbours struck a deal to secure the border."))
    assert [(c.trigger.text, c.event_type, c.cameo) for c in cands if c.trigger.text == "struck"] == [
        ("struck", "SUPPORT", "057")
    ]
