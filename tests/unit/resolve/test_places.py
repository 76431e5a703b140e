"""Place mentions, their resolution, article focus and event location (needs the spaCy model)."""

from __future__ import annotations

import pytest

from sitroom.records import Precision
from sitroom.resolve.location import place_phrases
from sitroom.resolve.places import article_focus, find_places

pytestmark = pytest.mark.slow


def _places(nlp, gaz, text: str) -> dict[str, str]:
    return {p.text: p.gazetteer_id for p in find_places(nlp(text), None, gaz)}


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "Russian troops entered Airbase 101 in Niamey, the capital of Niger.",
            {"Airbase 101": "x:airbase-101", "Niamey": "gn:2440485", "Niger": "iso:NER"},
        ),
        ("Chad and Niger border Nigeria.", {"Chad": "iso:TCD", "Niger": "iso:NER", "Nigeria": "iso:NGA"}),
        ("The convoy reached Agadez, Niger, on Monday.", {"Agadez": "gn:2448085", "Niger": "iso:NER"}),
        ("Paris is the capital of France.", {"Paris": "gn:2988507", "France": "iso:FRA"}),
        (
            "He grew up in Paris, Texas, near the Oklahoma line.",
            {"Paris": "gn:4717560", "Texas": "gn:4736286"},
        ),
        ("Tanks from Russia crossed into Georgia near Tbilisi.", {"Georgia": "iso:GEO", "Russia": "iso:RUS"}),
        (
            "Flights landed at Diori Hamani International Airport.",
            {"Diori Hamani International Airport": "icao:DRRN"},
        ),
        ("Nigerien soldiers and Russian instructors met on Tuesday in May.", {}),
    ],
)
def test_find_places(nlp, gaz, text: str, want: dict[str, str]) -> None:
    got = _places(nlp, gaz, text)
    for k, v in want.items():
        assert got.get(k) == v, got
    if not want:
        assert got == {}


def test_atlanta_georgia_is_the_state(nlp, gaz) -> None:
    got = _places(nlp, gaz, "Storms hit Atlanta, Georgia, and Savannah overnight.")
    assert got["Georgia"] == "gn:4197000" and got["Atlanta"] == "gn:4180439"


def test_placeref_fields(nlp, gaz) -> None:
    text = "Russian troops entered Airbase 101 in Niamey."
    ps = {p.text: p for p in find_places(nlp(text), None, gaz)}
    base, town = ps["Airbase 101"], ps["Niamey"]
    assert base.precision == Precision.FACILITY and base.icao == "DRRN" and base.country == "NER"
    assert text[base.start : base.end] == "Airbase 101"
    assert town.precision == Precision.CITY and town.geonames_id == 2440485
    assert town.method.startswith("sitroom.places.v1:") and 0 < town.score <= 1


def test_article_focus(nlp, gaz) -> None:
    text = "Niger expelled U.S. troops. Niamey and Agadez are in Niger. France watched."
    assert article_focus(find_places(nlp(text), None, gaz))[0] == "NER"


@pytest.mark.parametrize(
    ("text", "trigger", "actors", "want"),
    [
        (
            "Russian forces were using a hangar at Airbase 101, which is adjacent to "
            "Diori Hamani International Airport in Niamey.",
            "using",
            ("Russian forces",),
            "Airbase 101",
        ),
        (
            "Thousands of protesters marched in Rome on Saturday.",
            "marched",
            ("Thousands of protesters",),
            "Rome",
        ),
        ("The Niger government expelled the troops.", "expelled", ("The Niger government",), None),
        ("The talks were good, officials said.", "said", ("officials",), None),
        # The first place of the attached phrase, not the wider area it is said to be in.
        ("Gunmen killed two men in Tikrit, north of Baghdad.", "killed", ("Gunmen",), "Tikrit"),
        # A name modifying a word for a site is the place; the area that holds it is not.
        (
            "A bomb killed one civilian in the Baghdad neighbourhood of Al-Bayaa.",
            "killed",
            ("A bomb",),
            "Al-Bayaa",
        ),
        ("Dozens were killed in fighting in Syria's Idlib province.", "killed", (), "Idlib"),
        # A name the gazetteer lacks, in a place slot, is still the event's place.
        ("Rebels shelled the village of Qasr Zindiq on Monday.", "shelled", ("Rebels",), "Qasr Zindiq"),
        # Where the actor is, when the verb has no place of its own.
        (
            "Hundreds of students in Tikrit demonstrated on Sunday.",
            "demonstrated",
            ("Hundreds of students",),
            "Tikrit",
        ),
        # A place in another clause (here a relative clause) is not where this event happened.
        (
            "The zone is patrolled by troops which have their bases in Turkey.",
            "patrolled",
            ("The zone",),
            None,
        ),
        # An actor's country is not a place of the event.
        ("Two U.S. soldiers were killed in a U.S. airstrike.", "killed", ("Two U.S. soldiers",), None),
    ],
)
def test_event_location(locate, text, trigger, actors, want) -> None:
    got = locate(text, trigger, actors)
    assert (got.text if got else None) == want
    if got is not None:
        assert text[got.start : got.end] == got.text and "event:" in got.method


def test_place_phrases(nlp) -> None:
    doc = nlp("Soldiers patrolled the streets of Reynosa on Wednesday.")
    tok = next(t for t in doc if t.text == "patrolled")
    texts = [s.text for s in place_phrases(doc, tok)]
    assert any("Reynosa" in t for t in texts)


def test_unresolved_place_takes_its_container_point(locate) -> None:
    text = "A civilian was killed by a mortar in the Zuqaq al-Mukhtar neighbourhood of central Damascus."
    got = locate(text, "killed", ("A civilian",))
    assert got is not None and got.text == "Zuqaq al-Mukhtar"
    assert got.name == "Damascus" and got.lat is not None and "within-" in got.method


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        ("Protesters gathered outside the West Wing on Friday.", set(), {"West"}),
        ("Storms hit the East of England and the West.", {"England"}, {"East", "West"}),
        ("The ferry sank in the Mississippi River near Memphis.", {"Memphis"}, {"Mississippi"}),
        ("Fans filled the Rogers Centre in Toronto on Sunday.", {"Toronto"}, {"Rogers"}),
        ("Refugees arrived in Beni Suef from Cairo.", {"Cairo"}, {"Beni"}),
        ("The envoy visited Manila Cathedral and the Vatican Gardens.", {"Manila", "Vatican"}, set()),
        ("Troops moved into North Dallas and Greater Manchester.", {"Dallas", "Manchester"}, set()),
    ],
)
def test_a_word_of_a_longer_name_is_no_place(nlp, gaz, text: str, kept: set, dropped: set) -> None:
    got = set(_places(nlp, gaz, text))
    assert kept <= got, got
    assert not dropped & got, got


def test_an_old_name_of_a_capital_does_not_outrank_a_town_of_that_name(nlp, gaz) -> None:
    got = {
        p.text: p
        for p in find_places(nlp("Police in Salisbury, England, said the city was calm."), None, gaz)
    }
    assert got["Salisbury"].country == "GBR"


def test_countries_sit_at_their_geonames_point(nlp, gaz) -> None:
    got = {p.text: p for p in find_places(nlp("Canada and the United States signed the deal."), None, gaz)}
    assert (got["Canada"].lat, got["Canada"].lon) == pytest.approx((60.10867, -113.64258))
    assert got["Canada"].geonames_id == 6251999
    assert (got["United States"].lat, got["United States"].lon) == pytest.approx((39.76, -98.5))


def test_a_hyphenated_name_cut_by_the_ner_is_read_whole(nlp, gaz) -> None:
    got = _places(nlp, gaz, "Cholera spread in Guinea-Bissau last week.")
    assert got == {"Guinea-Bissau": "iso:GNB"}


def test_a_name_the_ner_cuts_in_two_entities_is_read_whole(nlp, gaz) -> None:
    doc = nlp("Ebola has spread in the Democratic Republic of the Congo, officials said.")
    assert len([e for e in doc.ents if e.label_ == "GPE"]) == 2  # the model's cut this guards against
    got = _places(nlp, gaz, doc.text)
    assert got == {"Democratic Republic of the Congo": "iso:COD"}


@pytest.mark.parametrize(
    ("text", "name", "precision"),
    [
        ("Health officials in Washington state reported new cases on Monday.", "Washington", "admin1"),
        ("New cases were found in Seattle, Washington, on Monday.", "Washington", "admin1"),
        ("Gunmen attacked a village in Kano state.", "Kano", "admin1"),
        ("The president spoke in Washington on Monday.", "Washington", "city"),
        ("Iran state media said the capital was calm.", "Iran", "country"),
    ],
)
def test_the_area_word_or_a_town_in_it_picks_the_area(nlp, gaz, text, name, precision) -> None:
    got = {p.text: p for p in find_places(nlp(text), None, gaz)}
    assert got[name].precision.value == precision
