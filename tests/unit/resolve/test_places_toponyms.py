"""Toponym-resolution rules of issue #4, each on sentences written for the test: joined names, tails
of longer names, a country's name against towns' by-names, towns named like their area, lists of
areas, a name's own readings not voting for itself, co-mentioned areas against big namesakes, former
areas, admin1 points that sat on a town."""

from __future__ import annotations

import pytest

from sitroom.records import Precision
from sitroom.resolve.gazetteer.build import _on_a_town
from sitroom.resolve.places import find_places


def _refs(nlp, gaz, text: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for p in find_places(nlp(text), None, gaz):
        out.setdefault(p.text, []).append(p)
    return out


def _one(nlp, gaz, text: str, name: str):
    got = _refs(nlp, gaz, text)
    assert name in got, got
    return got[name][0]


# --- Congo --------------------------------------------------------------------------------------


def test_congo_alone_is_the_larger_congo(nlp, gaz) -> None:
    p = _one(nlp, gaz, "Measles has killed hundreds of children in Congo this year.", "Congo")
    assert p.gazetteer_id == "iso:COD"


def test_congo_after_the_republic_of_congo_is_that_congo(nlp, gaz) -> None:
    text = (
        "Ebola broke out in the Republic of Congo, near the border with Gabon. The government of "
        "Congo closed the roads. Congo has asked for vaccines."
    )
    got = _refs(nlp, gaz, text)
    assert {p.gazetteer_id for p in got["Congo"]} == {"iso:COG"}


@pytest.mark.parametrize(
    ("text", "name", "gid"),
    [
        (
            "Cholera spread to Zambia, Malawi, and Democratic Republic of the Congo in March.",
            "Democratic Republic of the Congo",
            "iso:COD",
        ),
        ("Flooding hit Trinidad and Tobago on Sunday.", "Trinidad and Tobago", "iso:TTO"),
    ],
)
def test_a_name_the_ner_cuts_at_a_connector_is_read_whole(nlp, gaz, text, name, gid) -> None:
    assert _one(nlp, gaz, text, name).gazetteer_id == gid


def test_a_name_cut_before_a_foreign_connector_is_read_whole(nlp, gaz) -> None:
    text = "Two cases were confirmed in Rio Grande do Sul, in southern Brazil."
    p = _one(nlp, gaz, text, "Rio Grande do Sul")
    assert p.precision == Precision.ADMIN1 and p.country == "BRA"


def test_washington_dc_is_one_name(nlp, gaz) -> None:
    text = "The team flew to Florida and Washington, D.C., for the games."
    got = _refs(nlp, gaz, text)
    p = next(v[0] for k, v in got.items() if k.startswith("Washington"))
    assert p.country == "USA" and abs(p.lon - -77.0) < 0.5, p


# --- the tail of a longer name ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dropped"),
    [
        ("Heavy rain fell across the Central Plateau of Haiti overnight.", "Plateau"),
        ("The hospital serves villages in the West Midlands of England.", "Midlands"),
        ("Birds carried the virus to the village of Ceamurlia de Jos in Romania.", "Jos"),
        ("Pilgrims crowded into St. Peter's Square in Rome.", "St. Peter"),
        ("Cases rose in South West England this week.", "South West"),
    ],
)
def test_a_tail_of_an_unknown_longer_name_is_no_far_namesake(nlp, gaz, text, dropped) -> None:
    got = _refs(nlp, gaz, text)
    far = [p for k, v in got.items() if dropped in k for p in v if p.country in ("NGA", "ZWE", "ATG", "CMR")]
    assert not far, got


def test_a_tail_can_join_the_word_before_it(nlp, gaz) -> None:
    text = "Children in the camps near Goz Beida, in eastern Chad, are malnourished."
    got = _refs(nlp, gaz, text)
    hits = [p for k, v in got.items() if "Beida" in k for p in v]
    assert hits and all(p.country == "TCD" for p in hits), got


def test_a_compass_word_before_a_big_city_keeps_the_city(nlp, gaz) -> None:
    got = _refs(nlp, gaz, "Storms knocked out power in North Dallas overnight.")
    assert got["Dallas"][0].country == "USA"


# --- a country's own name, towns named like their area, lists of areas ---------------------------


def test_a_country_name_never_means_a_town_known_by_it(nlp, gaz) -> None:
    text = "The agency warned Armenia, Georgia, Iraq, Iran, and Syria about the outbreak."
    assert _one(nlp, gaz, text, "Iraq").gazetteer_id == "iso:IRQ"


@pytest.mark.parametrize(
    ("text", "name", "precision"),
    [
        ("Millions of pilgrims travel to Mecca each year.", "Mecca", Precision.CITY),
        ("She grew up in New York and studied in Boston.", "New York", Precision.CITY),
        ("The governor declared an emergency across New York state.", "New York", Precision.ADMIN1),
        ("Cases were confirmed in Ohio, New York and Texas.", "New York", Precision.ADMIN1),
        ("Teachers in Oklahoma went on strike.", "Oklahoma", Precision.ADMIN1),
    ],
)
def test_a_town_named_like_its_area(nlp, gaz, text, name, precision) -> None:
    assert _one(nlp, gaz, text, name).precision == precision


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Soldiers entered the village of Ciocile before dawn.", "Ciocile", "ROU"),  # no entity
        ("Aid arrived in the town of Beitbridge at 3 pm.", "Beitbridge", "ZWE"),  # tagged ORG
    ],
)
def test_the_town_of_names_a_small_town(nlp, gaz, text, name, country) -> None:
    assert _one(nlp, gaz, text, name).country == country


def test_a_name_said_twice_does_not_vote_for_its_own_reading(nlp, gaz) -> None:
    text = (
        "Three people died in a caravan park in Cornwall, in the south-west of Britain. Police in "
        "Cornwall said the park had been checked."
    )
    assert {p.country for p in _refs(nlp, gaz, text)["Cornwall"]} == {"GBR"}


# --- votes of co-mentioned areas ----------------------------------------------------------------


def test_towns_of_another_state_do_not_move_a_big_city(nlp, gaz) -> None:
    text = (
        "The Houston Rockets beat Portland 96-94 on Friday night. Fans in Dallas and San Antonio "
        "watched on television. Portland lost its third game in a row."
    )
    assert {p.admin1 for p in _refs(nlp, gaz, text)["Portland"]} == {"Oregon"}


def test_a_far_likelier_main_name_beats_an_alternate_name_in_a_voted_area(nlp, gaz) -> None:
    text = "Fans from Los Angeles and San Diego came to the game. The coach grew up in Pittsburgh."
    p = _one(nlp, gaz, text, "Pittsburgh")
    assert (p.name, p.admin1) == ("Pittsburgh", "Pennsylvania")


def test_an_area_named_just_before_still_picks_its_small_namesake(nlp, gaz) -> None:
    text = "Floods hit southern Illinois on Monday. Jackson County schools were closed."
    assert _one(nlp, gaz, text, "Jackson County").admin1 == "Illinois"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (  # "Oklahoma, Pennsylvania" inside a list is no town and its state
            "Beekeepers in Pennsylvania reported heavy losses last winter. The disorder has since been "
            "found in Georgia, Oklahoma, Pennsylvania, Wisconsin and California.",
            "Oklahoma",
        ),
        (
            "Measles cases have been confirmed in Idaho, Ohio, Maine, Washington, Nevada, Utah and "
            "New Mexico since March.",
            "Washington",
        ),
    ],
)
def test_a_list_of_states_is_no_town_state_pair(nlp, gaz, text, name) -> None:
    assert _one(nlp, gaz, text, name).precision == Precision.ADMIN1


def test_a_town_and_its_state_still_pair(nlp, gaz) -> None:
    text = "A new clinic opened in Washington, Pennsylvania, south of Pittsburgh."
    p = _one(nlp, gaz, text, "Washington")
    assert (p.precision, p.admin1) == (Precision.CITY, "Pennsylvania")


# --- gazetteer facts ----------------------------------------------------------------------------


def test_a_former_kenyan_province_is_known(nlp, gaz) -> None:
    text = "The first cases in Kenya were in Nyanza Province, near Kisumu, and in Nyanza's villages."
    p = _one(nlp, gaz, text, "Nyanza Province")
    assert p.country == "KEN" and abs(p.lat - -0.5) < 1.0 and abs(p.lon - 34.6) < 1.0


def test_an_area_point_that_sat_on_its_big_town_moves_to_its_towns(gaz) -> None:
    state = next(e for e in gaz.lookup("New York") if e.cls == "admin1")
    assert state.lat is not None and state.lat > 41.5  # not New York City's 40.7


def test_on_a_town() -> None:
    town = [(40.71, -74.0)]
    assert _on_a_town((40.7128, -74.006), town, 100)
    assert not _on_a_town((43.0, -75.5), town, 100)
    assert not _on_a_town((40.7128, -74.006), town, 2)  # too few towns for a mean


# --- a town named like its area, against a namesake area abroad ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Aid convoys waited at the crossing while fighting in Gaza went on for a third week.",
        "Iran's leaders spoke of Gaza in every speech that month.",
    ],
)
def test_gaza_is_the_palestinian_town_not_mozambique_s_province(nlp, gaz, text) -> None:
    p = _one(nlp, gaz, text, "Gaza")
    assert p.country == "PSE"
