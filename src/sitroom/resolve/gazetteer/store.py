"""Read side of the gazetteer: name key -> entries, straight from the SQLite index."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitroom.errors import UsageError
from sitroom.resolve.gazetteer.normalize import fold

_COLS = (
    "e.gid, e.name, e.cls, e.country, e.admin1, e.lat, e.lon, e.population, e.geonames_id, e.icao, "
    "e.capital, e.admin1_code, e.admin2"
)
CLASSES = ("country", "region", "admin1", "admin2", "city", "facility")


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    gid: str  # "gn:2440485", "icao:DRRN", "iso:NER", "iso2sub:NE-8", "x:airbase-101"
    name: str
    cls: str  # one of CLASSES
    country: str | None  # ISO3
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int
    geonames_id: int | None
    icao: str | None
    capital: bool = False  # a national capital
    admin1_code: str | None = None  # GeoNames' code of the first-level area it lies in ("13" in Syria)
    admin2: str | None = None  # the second-level area it lies in (or is), by name ("Travis County")
    name_kind: str = "main"  # how the looked-up name names it: main | alt | demonym ("Nigerien")


class Gazetteer:
    """Look names up in a built index. Thread-unsafe by design: one per process (see open_gazetteer)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._con = sqlite3.connect(
            f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        self._cache: dict[str, list[Entry]] = {}

    def lookup(self, name: str) -> list[Entry]:
        """Entries named `name` (any spelling), most populous first."""
        return self.lookup_key(fold(name))

    def lookup_key(self, key: str) -> list[Entry]:
        hit = self._cache.get(key)
        if hit is None:
            rows = self._con.execute(
                f"SELECT {_COLS}, n.main FROM names n JOIN entries e ON e.rowid = n.entry WHERE n.key = ? "
                "ORDER BY e.population DESC",
                (key,),
            ).fetchall()
            hit = [_entry(r) for r in rows]
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def known(self, keys: Iterable[str]) -> set[str]:
        """Which of these name keys are in the index (one query for many keys)."""
        keys = list(set(keys))
        out: set[str] = set()
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            q = f"SELECT DISTINCT key FROM names WHERE key IN ({','.join('?' * len(part))})"
            out.update(r[0] for r in self._con.execute(q, part))
        return out

    def get(self, gid: str) -> Entry | None:
        r = self._con.execute(f"SELECT {_COLS}, 1 FROM entries e WHERE e.gid = ?", (gid,)).fetchone()
        return _entry(r) if r else None

    def by_geonames_id(self, geonames_id: int) -> Entry | None:
        r = self._con.execute(
            f"SELECT {_COLS}, 1 FROM entries e WHERE e.geonames_id = ?", (geonames_id,)
        ).fetchone()
        return _entry(r) if r else None

    def country(self, iso3: str) -> Entry:
        e = self.get(f"iso:{iso3.upper()}")
        if e is None:
            raise UsageError(
                f"unknown country code {iso3!r}: expected an ISO 3166-1 alpha-3 code such as 'NER'"
            )
        return e

    def close(self) -> None:
        self._con.close()


def _entry(r: tuple) -> Entry:
    return Entry(
        gid=r[0],
        name=r[1],
        cls=r[2],
        country=r[3],
        admin1=r[4],
        lat=r[5],
        lon=r[6],
        population=r[7] or 0,
        geonames_id=r[8],
        icao=r[9],
        capital=bool(r[10]),
        admin1_code=r[11],
        admin2=r[12],
        name_kind=_KINDS[r[13]],
    )


_KINDS = {0: "alt", 1: "main", 2: "demonym"}
