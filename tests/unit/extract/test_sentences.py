"""Sentences written for these tests, parsed with the configured model: event type, actors, modality,
attribution and quantities of the candidate that the trigger word starts."""

from __future__ import annotations

import pytest

from sitroom.extract import extract

pytestmark = pytest.mark.slow

# sentence, trigger, type, source contains, target contains, flags, quantities {kind: value}
# flags: n=negated h=hedged p=planned c=conditional f=future a=anonymous attribution, A:text=attribution
CASES = [
    (
        "Russian troops entered the town of Kidal on Monday.",
        "entered",
        "MOBILIZE",
        "Russian troops",
        "",
        "",
        {},
    ),
    (
        "The army deployed 500 soldiers to the border region.",
        "deployed",
        "MOBILIZE",
        "army",
        "",
        "",
        {"personnel": 500},
    ),
    ("Washington sent troops to Poland last week.", "sent", "MOBILIZE", "Washington", "", "", {}),
    ("France will withdraw its troops from Mali.", "withdraw", "RETREAT", "France", "", "pf", {}),
    ("The rebels pulled out of the city after the offensive.", "pulled", "RETREAT", "rebels", "", "", {}),
    (
        "The junta ordered the French ambassador to leave the country.",
        "ordered",
        "REQUEST",
        "junta",
        "ambassador",
        "",
        {},
    ),
    ("Niger expelled three French diplomats.", "expelled", "COERCE", "Niger", "diplomats", "", {}),
    (
        "Police arrested 40 protesters in the capital.",
        "arrested",
        "COERCE",
        "Police",
        "protesters",
        "",
        {"arrested": 40},
    ),
    ("Soldiers detained the opposition leader.", "detained", "COERCE", "Soldiers", "leader", "", {}),
    (
        "Gunmen attacked a police station near Maiduguri.",
        "attacked",
        "ASSAULT",
        "Gunmen",
        "police station",
        "",
        {},
    ),
    (
        "Militants killed 12 villagers in an overnight raid.",
        "killed",
        "ASSAULT",
        "Militants",
        "villagers",
        "",
        {"killed": 12},
    ),
    (
        "Government forces shelled the rebel-held district.",
        "shelled",
        "ASSAULT",
        "Government forces",
        "district",
        "",
        {},
    ),
    ("The insurgents did not attack the convoy.", "attack", "ASSAULT", "insurgents", "convoy", "n", {}),
    (
        "Israeli jets reportedly bombed a depot outside Damascus.",
        "bombed",
        "ASSAULT",
        "jets",
        "depot",
        "h",
        {},
    ),
    (
        "Thousands of workers protested in Paris against the pension reform.",
        "protested",
        "PROTEST",
        "workers",
        "reform",
        "",
        {},
    ),
    ("Students demonstrated outside the parliament.", "demonstrated", "PROTEST", "Students", "", "", {}),
    (
        "The European Union imposed sanctions on Belarus.",
        "imposed",
        "COERCE",
        "European Union",
        "Belarus",
        "",
        {},
    ),
    ("Iran threatened to close the Strait of Hormuz.", "threatened", "THREATEN", "Iran", "", "", {}),
    (
        "North Korea warned South Korea against further drills.",
        "warned",
        "THREATEN",
        "North Korea",
        "South Korea",
        "",
        {},
    ),
    ("The minister accused Rwanda of backing the rebels.", "accused", "ACCUSE", "minister", "Rwanda", "", {}),
    ("China condemned the visit.", "condemned", "ACCUSE", "China", "visit", "", {}),
    ("The UN urged both sides to respect the truce.", "urged", "REQUEST", "UN", "sides", "", {}),
    ("Kenya called on Ethiopia to release the detainees.", "called", "REQUEST", "Kenya", "Ethiopia", "", {}),
    (
        "The opposition demanded the resignation of the prime minister.",
        "demanded",
        "REQUEST",
        "opposition",
        "",
        "",
        {},
    ),
    ("The presidents of Ghana and Togo met in Accra.", "met", "CONSULT", "presidents", "", "", {}),
    ("The foreign minister visited Moscow on Tuesday.", "visited", "CONSULT", "foreign minister", "", "", {}),
    ("Egypt hosted talks between the two factions.", "hosted", "CONSULT", "Egypt", "talks", "", {}),
    ("Japan and Australia signed a defence pact.", "signed", "SUPPORT", "Japan", "pact", "", {}),
    ("The two countries agreed to resume flights.", "agreed", "AGREE", "countries", "", "", {}),
    ("Germany praised the deal.", "praised", "SUPPORT", "Germany", "deal", "", {}),
    ("The United States provided humanitarian aid to Sudan.", "aid", "AID", "United States", "", "", {}),
    (
        "India and Vietnam held a joint exercise in the South China Sea.",
        "exercise",
        "COOPERATE",
        "India",
        "",
        "",
        {},
    ),
    ("The rebels released 20 hostages on Friday.", "released", "RETREAT", "rebels", "hostages", "", {}),
    ("Both sides declared a ceasefire.", "declared", "RETREAT", "sides", "", "", {}),
    ("Moscow rejected the proposal.", "rejected", "REJECT", "Moscow", "proposal", "", {}),
    ("Russia vetoed the resolution.", "vetoed", "REJECT", "Russia", "resolution", "", {}),
    ("The president refused to withdraw the troops.", "withdraw", "RETREAT", "president", "", "n", {}),
    (
        "The army will deploy 2,000 soldiers next month.",
        "deploy",
        "MOBILIZE",
        "army",
        "",
        "pf",
        {"personnel": 2000},
    ),
    (
        "If talks fail, the rebels will attack the capital.",
        "attack",
        "ASSAULT",
        "rebels",
        "capital",
        "fc",
        {},
    ),
    ("The coalition is expected to withdraw by June.", "withdraw", "RETREAT", "coalition", "", "p", {}),
    (
        "A senior official said that Russian troops had entered the base.",
        "entered",
        "MOBILIZE",
        "Russian troops",
        "",
        "a",
        {},
    ),
    (
        "Rebels seized the town, a military spokesman told Reuters.",
        "seized",
        "COERCE",
        "Rebels",
        "town",
        "a",
        {},
    ),
    (
        "Nearly 1,000 American soldiers left the base.",
        "left",
        "RETREAT",
        "soldiers",
        "",
        "",
        {"personnel": 1000},
    ),
    (
        "Troops, who arrived in the capital on Sunday, guarded the palace.",
        "arrived",
        "MOBILIZE",
        "Troops",
        "",
        "",
        {},
    ),
    (
        "The prime minister was arrested by soldiers.",
        "arrested",
        "COERCE",
        "soldiers",
        "prime minister",
        "",
        {},
    ),
    ("Kyiv blamed Moscow for the strike.", "blamed", "ACCUSE", "Kyiv", "Moscow", "", {}),
    ("They never released the prisoners.", "released", "RETREAT", "", "prisoners", "n", {}),
    ("The government lifted the curfew in Cizre.", "lifted", "RETREAT", "government", "", "", {}),
    ("Protesters blocked the main road to the airport.", "blocked", "PROTEST", "Protesters", "", "", {}),
    (
        "Senegal withdrew its ambassador from Mali, according to AFP.",
        "withdrew",
        "RETREAT",
        "Senegal",
        "",
        "",
        {},
    ),
    # an adjective predicate takes the copula's subject ("is willing to", "is prepared to")
    ("Portugal is willing to send engineers to Angola.", "willing", "AGREE", "Portugal", "", "", {}),
    # an event noun under a measure noun: the light verb's subject gives it ("gave 3 million dollars of aid")
    ("The World Bank gave Chad 3 million dollars of aid.", "aid", "AID", "World Bank", "", "", {}),
    ("Greek and Turkish ships began five days of war games.", "games", "COOPERATE", "ships", "", "", {}),
    # "is opposed to": a stance the subject holds, not a passive
    ("Brazil is opposed to sanctions on Venezuela.", "opposed", "ACCUSE", "Brazil", "", "", {}),
    # a hyphenated name stays whole
    ("Prime Minister Abu-Bakr Mahdi rejected the plan.", "rejected", "REJECT", "Abu-Bakr Mahdi", "", "", {}),
    # "take control of": the preposition hangs on the object
    ("Army units took control of the airport.", "took", "COERCE", "Army units", "", "", {}),
    (
        "The envoy launched a mediation effort between the two parties.",
        "mediation",
        "CONSULT",
        "envoy",
        "",
        "",
        {},
    ),
    ("Soldiers found a cache of rifles near the border.", "found", "COERCE", "Soldiers", "", "", {}),
    # an active conjunct of a passive verb: the shared subject does the second act
    ("The mayor was arrested and will resign next week.", "resign", "AGREE", "mayor", "", "f", {}),
]


def _find(cands, trigger):
    got = [c for c in cands if trigger in c.trigger.text.split()]
    assert got, f"no candidate on {trigger!r}: {[(c.event_type, c.trigger.text) for c in cands]}"
    return got[0]


@pytest.fixture(scope="module")
def docs(nlp):
    return {s: d for s, d in zip([c[0] for c in CASES], nlp.pipe(c[0] for c in CASES), strict=True)}


@pytest.mark.parametrize("case", CASES, ids=[c[0][:40] for c in CASES])
def test_sentence(case, docs):
    text, trig, etype, src, tgt, flags, quants = case
    c = _find(extract(docs[text]), trig)
    assert c.event_type == etype
    assert c.method.startswith("sitroom.extract.") and 0 < c.confidence <= 1
    if src:
        assert any(src in s.text for s in c.source), [s.text for s in c.source]
    if tgt:
        assert any(tgt in s.text for s in c.target), [s.text for s in c.target]
    m = c.modality
    assert m.negated == ("n" in flags)
    assert m.conditional == ("c" in flags)
    if "h" in flags:
        assert m.hedged
    if "p" in flags:
        assert m.planned
    if "f" in flags:
        assert m.tense.value == "future"
    if "a" in flags:
        assert c.attribution is not None and c.attribution.anonymous
    for k, v in quants.items():
        assert k in c.quantities and c.quantities[k].value == v


def test_reciprocal_agreement(nlp):
    cands = [
        c for c in extract(nlp("Jordan and Britain agreed on a new trade pact.")) if c.event_type == "AGREE"
    ]
    pairs = {(c.source[0].text, c.target[0].text) for c in cands if c.source and c.target}
    assert ("Jordan", "Britain") in pairs and ("Britain", "Jordan") in pairs


def test_coordinated_targets(nlp):
    c = _find(extract(nlp("The militia attacked Goma and Bukavu.")), "attacked")
    assert {s.text for s in c.target} >= {"Goma", "Bukavu"}


def test_via_agency_and_approximate_quantity(nlp):
    doc = nlp("Rebels killed at least 30 civilians in the north, a local official told Reuters.")
    c = _find(extract(doc), "killed")
    assert c.attribution is not None and c.attribution.via == "Reuters" and c.attribution.anonymous
    q = c.quantities["killed"]
    assert q.value == 30 and q.approximate and "at least" in q.text


def test_statement_only_when_content_is_no_event(nlp):
    cands = extract(nlp("The minister said the economy was growing."))
    assert [c.event_type for c in cands] == ["STATEMENT"]
    cands = extract(nlp("The minister said rebels attacked the base."))
    assert "STATEMENT" not in {c.event_type for c in cands}


def test_offsets_and_order(nlp):
    text = "Police arrested two men. Later, protesters marched in Lagos."
    cands = extract(nlp(text))
    assert [c.trigger.start for c in cands] == sorted(c.trigger.start for c in cands)
    for c in cands:
        assert text[c.trigger.start : c.trigger.end] == c.trigger.text
        for s in (*c.source, *c.target, *c.places, *c.times):
            assert text[s.start : s.end] == s.text


def test_pronoun_subject_resolved(nlp):
    doc = nlp("The rebel group lost the battle. It later attacked the town of Beni.")
    c = _find(extract(doc), "attacked")
    assert any("rebel group" in s.text for s in c.source)


def test_resultative_leave_is_no_retreat(nlp):
    cands = extract(nlp("The blast left four people dead in the market."))
    assert "RETREAT" not in {c.event_type for c in cands}
    cands = extract(nlp("The convoy left the capital at dawn."))
    assert "RETREAT" in {c.event_type for c in cands}
