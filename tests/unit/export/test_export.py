"""Exports: each format written from a store and read back with the standard readers."""

from __future__ import annotations

import csv
import json
import os
import stat
from dataclasses import replace
from types import SimpleNamespace

import pyarrow.parquet as pq
import pytest

from sitroom.errors import StoreError, UsageError
from sitroom.export import (
    ACLED_COLUMNS,
    FORMATS,
    GDELT_COLUMNS,
    acled_row,
    codes,
    export,
    gdelt_row,
    global_event_id,
    iter_events,
)
from sitroom.query import EventFilter
from sitroom.records import Quantity
from sitroom.store import open_store
from sitroom.store.synthetic import article_result, results

N_ARTICLES, N_EVENTS = 6, 3


def _acled(r):
    evs = []
    for e in r.events:
        if e.event_type == "ASSAULT":
            e = replace(
                e,
                acled_event_type="Battles",
                acled_sub_event_type="Armed clash",
                quantities={"killed": Quantity(value=12.0, text="12")},
            )
        evs.append(e)
    return replace(r, events=tuple(evs))


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("exp") / "s.duckdb"
    with open_store(path) as store:
        store.write([_acled(r) for r in results(N_ARTICLES, n_events=N_EVENTS)])
    return path


@pytest.fixture
def store(db):
    with open_store(db, read_only=True) as s:
        yield s


def all_events(store):
    return list(iter_events(store))


def test_iter_events_pages_and_limits(store):
    evs = list(iter_events(store, page=4))
    assert len(evs) == N_ARTICLES * N_EVENTS and len({e["id"] for e in evs}) == len(evs)
    assert len(list(iter_events(store, EventFilter(limit=7), page=3))) == 7


def test_plover_jsonl_round_trip(store, tmp_path):
    out = tmp_path / "e.jsonl"
    got = export(store, "plover-jsonl", out)
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    assert got.written == len(recs) == N_ARTICLES * N_EVENTS
    by_id = {e["id"]: e for e in all_events(store)}
    for r in recs:
        ev = by_id[r["id"]]
        assert r["event"] == [ev["event_type"]]
        assert r["date"] == ev["date"]["value"] and r["date_precision"] == "day"
        src = ev["source"][0]
        assert r["source"][0].get("code") == (src["country"] or ("IGO" if src["sector"] == "IGO" else None))
        assert r["source"][0]["actor_text"] == ev["source"][0]["text"]
        assert {"recipient", "mode", "context", "quad_code", "event_scale", "event_text", "cite_info"} <= set(
            r
        )
        assert (
            r["event_loc"]["latitude"] == ev["location"]["lat"] and len(r["event_loc"]["country code"]) == 2
        )
        assert r["cite_info"]["url"].startswith("https://example.org/")
    assert any(r.get("dead") == 12 for r in recs)


def test_gdelt_tsv_round_trip(store, tmp_path):
    out = tmp_path / "e.tsv"
    export(store, "gdelt-tsv", out)
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines(), delimiter="\t"))
    evs = {global_event_id(e["id"]): e for e in all_events(store)}
    assert len(rows) == len(evs) and all(len(r) == 61 for r in rows)
    for r in rows:
        row = dict(zip(GDELT_COLUMNS, r, strict=True))
        ev = evs[int(row["GlobalEventID"])]
        assert row["Day"] == ev["date"]["value"].replace("-", "")
        assert row["MonthYear"] == row["Day"][:6] and row["Year"] == row["Day"][:4]
        assert row["EventCode"] == ev["cameo"] and row["EventRootCode"] == ev["cameo_root"]
        assert int(row["QuadClass"]) == ev["quad_class"] and float(row["GoldsteinScale"]) == ev["goldstein"]
        src = ev["source"][0]
        assert row["Actor1Code"] == (src["country"] or "") + (src["sector"] or "") or src["sector"] == "IGO"
        assert row["ActionGeo_Type"] == "4"  # a city outside the US
        assert row["ActionGeo_CountryCode"] == codes.fips(ev["location"]["country"])
        assert float(row["ActionGeo_Lat"]) == ev["location"]["lat"]
        assert row["NumArticles"] == "1" and row["SOURCEURL"].startswith("https://example.org/")
        assert len(row["DATEADDED"]) == 14
    kinds = {dict(zip(GDELT_COLUMNS, r, strict=True))["Actor1Code"] for r in rows}
    assert "RUSMIL" in kinds


@pytest.mark.parametrize(
    ("loc", "code", "adm1"),
    [
        ({"name": "Damascus", "country": "SYR", "precision": "city"}, "13", "SY13"),
        ({"name": "Ramstein", "country": "DEU", "precision": "facility"}, "08", "GM08"),
        ({"name": "Austin", "country": "USA", "precision": "city"}, "TX", "USTX"),
        ({"name": "Austin", "country": "USA", "admin1": "Texas", "precision": "city"}, None, "USTX"),
        ({"name": "Homs", "country": "SYR", "precision": "city"}, None, "SY"),
        ({"name": "Syria", "country": "SYR", "precision": "country"}, "13", "SY"),
        ({"name": "Rafah", "country": "PSE", "precision": "city"}, "GZ", "GZ"),  # FIPS: a country of its own
        ({"name": "Gaza Strip", "country": "PSE", "precision": "admin1"}, "GZ", "GZ"),
        ({"name": "Jenin", "country": "PSE", "precision": "city"}, "WE", "WE"),
        # GeoNames codes that are not FIPS area codes: the country's code alone
        ({"name": "Paris", "country": "FRA", "precision": "city"}, "11", "FR"),  # 2016 region (INSEE)
        ({"name": "Cardiff", "country": "GBR", "precision": "city"}, "WLS", "UK"),
        ({"name": "Zurich", "country": "CHE", "precision": "city"}, "ZH", "SZ"),  # ISO 3166-2
        ({"name": "Athens", "country": "GRC", "precision": "city"}, "ESYE31", "GR"),
        ({"name": "Pristina", "country": "XKX", "precision": "city"}, "10096138", "KV"),  # a GeoNames id
    ],
)  # fmt: skip
def test_gdelt_adm1_code_is_fips_country_and_area_code(loc, code, adm1):
    loc = {**loc, "lat": 33.5, "lon": 36.3}
    row = dict(zip(GDELT_COLUMNS, gdelt_row({"id": "ab", "location": loc}, None, code), strict=True))
    assert row["ActionGeo_ADM1Code"] == adm1 and row["ActionGeo_CountryCode"] == adm1[:2]


def test_areas_come_from_the_gazetteer_entry(monkeypatch):
    from sitroom.export import Areas
    from sitroom.resolve import gazetteer

    opened = []
    damascus = SimpleNamespace(admin1_code="13", admin2=None)

    class Gaz:
        def get(self, gid):
            return damascus if gid == "gn:170654" else None

    monkeypatch.setattr(gazetteer, "open_gazetteer", lambda cache_dir=None: opened.append(1) or Gaz())
    areas = Areas()
    assert areas({"gazetteer_id": "iso:SYR", "precision": "country"}) is None and not opened
    assert areas(None) is None and areas({"name": "x"}) is None and not opened
    assert areas({"gazetteer_id": "gn:170654", "precision": "city"}) is damascus
    assert areas({"gazetteer_id": "syn:x", "precision": "city"}) is None
    assert areas({"gazetteer_id": "gn:170654", "precision": "city"}) is damascus and opened == [1]


def test_acled_admin2_is_the_places_second_level_area():
    ev = {
        "id": "ab",
        "location": {"name": "Austin", "country": "USA", "admin1": "Texas", "precision": "city"},
    }
    row = acled_row(ev, None, admin2="Travis County")
    assert (row["admin1"], row["admin2"], row["location"]) == ("Texas", "Travis County", "Austin")
    assert acled_row(ev, None)["admin2"] == ""
    assert ACLED_COLUMNS.index("admin2") == ACLED_COLUMNS.index("admin1") + 1  # as in ACLED's own files


def test_acled_actors_are_named_once_each():
    india, navy = {"name": "India", "text": "India"}, {"name": "India", "text": "the Indian Navy"}
    ev = {"id": "ab", "source": [navy, india, {"text": "Sri Lanka"}], "target": [{"name": ""}]}
    row = acled_row(ev, None)
    assert (row["actor1"], row["assoc_actor_1"]) == ("India", "Sri Lanka")
    assert (row["actor2"], row["assoc_actor_2"]) == ("", "")


def test_acled_csv_round_trip(store, tmp_path):
    out = tmp_path / "e.csv"
    got = export(store, "acled-csv", out)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    n_assault = sum(1 for e in all_events(store) if e["event_type"] == "ASSAULT")
    assert tuple(rows[0]) == ACLED_COLUMNS
    assert got.written == len(rows) == n_assault and got.skipped == N_ARTICLES * N_EVENTS - n_assault
    for r in rows:
        assert (r["event_type"], r["sub_event_type"], r["disorder_type"]) == (
            "Battles",
            "Armed clash",
            "Political violence",
        )
        assert r["fatalities"] == "12" and r["time_precision"] == "1" and r["geo_precision"] == "1"
        assert r["notes"] and r["actor1"] and r["country"] and r["latitude"]
        assert r["source"].startswith("example.org")


def test_geojson_and_parquet_round_trip(store, tmp_path):
    gj = tmp_path / "e.geojson"
    export(store, "geojson", gj, EventFilter(country="NER"))
    fc = json.loads(gj.read_text())
    n_ner = len(list(iter_events(store, EventFilter(country="NER"))))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == n_ner > 0
    lon, lat = fc["features"][0]["geometry"]["coordinates"]
    assert (round(lat, 2), round(lon, 2)) == (13.51, 2.11)
    pqf = tmp_path / "e.parquet"
    got = export(store, "parquet", pqf, EventFilter(event_type="ASSAULT"))
    t = pq.read_table(pqf)
    assert t.num_rows == got.written == len(list(iter_events(store, EventFilter(event_type="ASSAULT"))))
    assert set(t.column("event_type").to_pylist()) == {"ASSAULT"}
    assert {"location_lat", "evidence_sentence", "cameo"} <= set(t.column_names)


@pytest.mark.parametrize("fmt", FORMATS)
def test_refuses_to_overwrite_without_force(store, tmp_path, fmt):
    out = tmp_path / "x.out"
    out.write_text("keep me")
    with pytest.raises(UsageError, match="--force"):
        export(store, fmt, out)
    assert out.read_bytes() == b"keep me"
    export(store, fmt, out, force=True)
    assert out.read_bytes() != b"keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["x.out"]  # no temporary file left behind


def test_unknown_format_and_bad_target(store, tmp_path):
    with pytest.raises(UsageError, match="plover-jsonl"):
        export(store, "xlsx", tmp_path / "a")
    with pytest.raises(UsageError, match="does not exist"):
        export(store, "gdelt-tsv", tmp_path / "no" / "a.tsv")


def test_statement_events_are_not_plover(tmp_path):
    r = article_result(0, n_events=1)
    r = replace(r, events=(replace(r.events[0], event_type="STATEMENT", cameo="010", cameo_root="01"),))
    with open_store(tmp_path / "s.duckdb") as s:
        s.write([r])
        got = export(s, "plover-jsonl", tmp_path / "p.jsonl")
    assert (got.written, got.skipped) == (0, 1)


@pytest.mark.parametrize(
    ("iso3", "fips", "iso2"),
    [("NER", "NG", "NE"), ("NGA", "NI", "NG"), ("USA", "US", "US"), ("DEU", "GM", "DE"), ("GBR", "UK", "GB"),
     ("RUS", "RS", "RU"), ("UKR", "UP", "UA"), ("CHN", "CH", "CN"), ("BFA", "UV", "BF"), ("SDN", "SU", "SD")],
)  # fmt: skip
def test_country_code_rows(iso3, fips, iso2):
    assert codes.fips(iso3) == fips
    assert codes.country(iso3).iso2 == iso2


@pytest.mark.parametrize(
    ("actor", "code"),
    [
        ({"country": "RUS", "sector": "MIL"}, "RUSMIL"),
        ({"country": "NER", "sector": "GOV"}, "NERGOV"),
        ({"country": "USA"}, "USA"),
        ({"sector": "CVL"}, "CVL"),
        ({"sector": "IGO", "kind": "igo"}, "IGO"),
        (None, ""),
    ],
)
def test_cameo_actor_codes(actor, code):
    assert codes.cameo_actor_code(actor) == code


def test_new_export_has_the_umask_permissions_and_an_overwrite_keeps_the_old(store, tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "e.tsv"
        export(store, "gdelt-tsv", out)
        assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not mkstemp's 0600: others may read it
        out.chmod(0o640)
        export(store, "gdelt-tsv", out, force=True)
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_folder_target_and_unwritable_folder_are_clear_errors(store, tmp_path, monkeypatch):
    with pytest.raises(UsageError, match="is a folder"):
        export(store, "gdelt-tsv", tmp_path)
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)  # root ignores folder modes: refuse as a read-only folder would
    with pytest.raises(StoreError, match="cannot write .*Permission denied") as e:
        export(store, "gdelt-tsv", tmp_path / "e.tsv")
    assert e.value.code == "E_WRITE"


def test_dash_writes_standard_output(store, tmp_path, monkeypatch, capsysbinary):
    monkeypatch.chdir(tmp_path)
    got = export(store, "gdelt-tsv", "-", EventFilter(limit=5))
    rows = capsysbinary.readouterr().out.decode().splitlines()
    assert got.path == "-" and got.written == len(rows) == 5 and all(len(r.split("\t")) == 61 for r in rows)
    export(store, "parquet", "-", EventFilter(limit=4))
    (tmp_path / "p.parquet").write_bytes(capsysbinary.readouterr().out)
    assert pq.read_table(tmp_path / "p.parquet").num_rows == 4
    assert list(tmp_path.iterdir()) == [tmp_path / "p.parquet"]  # no file named "-"


def test_device_is_written_in_place_and_a_link_stays_a_link(store, tmp_path):
    # /dev/null exists but is no file to rename over (never pass force here: that would replace the node)
    got = export(store, "acled-csv", os.devnull)
    assert got.written > 0 and stat.S_ISCHR(os.stat(os.devnull).st_mode)
    real = tmp_path / "real.tsv"
    real.write_text("old\n")
    link = tmp_path / "link.tsv"
    link.symlink_to(real)
    export(store, "gdelt-tsv", link, force=True)
    assert link.is_symlink() and len(real.read_text().splitlines()) == N_ARTICLES * N_EVENTS


def test_geojson_and_parquet_are_written_page_by_page(store, tmp_path, monkeypatch):
    import sitroom.export as ex
    import sitroom.query as q

    whole_gj, whole_pq = tmp_path / "w.geojson", tmp_path / "w.parquet"
    export(store, "geojson", whole_gj)
    export(store, "parquet", whole_pq)
    limits: list[int | None] = []
    events, events_arrow = q.events, q.events_arrow
    monkeypatch.setattr(q, "events", lambda s, f: limits.append(f.limit) or events(s, f))
    monkeypatch.setattr(q, "events_arrow", lambda s, f: limits.append(f.limit) or events_arrow(s, f))
    monkeypatch.setattr(ex, "PAGE", 4)
    export(store, "geojson", tmp_path / "p.geojson")
    export(store, "parquet", tmp_path / "p.parquet")
    assert limits and all(n is not None and n <= 4 for n in limits)  # never every event at once
    assert json.loads((tmp_path / "p.geojson").read_text()) == json.loads(whole_gj.read_text())
    assert pq.read_table(tmp_path / "p.parquet").equals(pq.read_table(whole_pq))


def test_acled_notes_are_one_line(tmp_path):
    r = article_result(0, n_events=1)
    ev = r.events[0]
    sentence = 'Troops clashed, "heavily", near the town.\n\n'
    ev = replace(ev, event_type="ASSAULT", evidence=replace(ev.evidence, sentence=sentence))
    with open_store(tmp_path / "s.duckdb") as s:
        s.write([_acled(replace(r, events=(ev,)))])
        export(s, "acled-csv", tmp_path / "a.csv")
    with open(tmp_path / "a.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["notes"] for r in rows] == ['Troops clashed, "heavily", near the town.']


@pytest.mark.parametrize(
    ("outlet", "url", "source"),
    [
        ("Example Wire", "https://www.news.example/a", "Example Wire"),
        (None, "https://www.news.example/a", "news.example"),
        (None, "https://[::1/a", ""),  # not a URL: no source rather than a crash
        (None, None, ""),
    ],
)
def test_acled_source_is_the_outlet_or_else_the_site(tmp_path, outlet, url, source):
    r = article_result(0, n_events=1)
    r = replace(r, article=replace(r.article, outlet=outlet, url=url))
    ev = replace(r.events[0], event_type="ASSAULT", attribution=None)
    with open_store(tmp_path / "s.duckdb") as s:
        s.write([_acled(replace(r, events=(ev,)))])
        export(s, "acled-csv", tmp_path / "a.csv")
    with open(tmp_path / "a.csv", encoding="utf-8", newline="") as f:
        assert [row["source"] for row in csv.DictReader(f)] == [source]
