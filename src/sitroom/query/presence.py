"""Force presence out of the store: the relevant events are read here, folded by `sitroom.derive`."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from sitroom.query.filters import parse_country, parse_date

if TYPE_CHECKING:
    from sitroom.store import Store

# Only these events can change a presence; the fold reads their full records.
_WHERE = (
    "(event_type IN ('MOBILIZE', 'RETREAT', 'COERCE', 'REQUEST', 'SANCTION', 'THREATEN') "
    "OR cameo LIKE '15%' OR cameo = '0861')"
)


def presence(
    store: Store,
    *,
    host: str | None = None,
    force: str | None = None,
    as_of: str | date | None = None,
) -> list[dict[str, Any]]:
    """Presence intervals (see `sitroom.derive.presence`) as of a date (default: all evidence)."""
    from sitroom.derive import presence as fold

    host = parse_country(host) if host else None
    force = parse_country(force) if force else None
    day = parse_date(as_of, name="as_of", end=True) if as_of is not None else None
    sql = f"SELECT record FROM events WHERE {_WHERE}"
    params: list[Any] = []
    if day is not None:
        sql += " AND (date_start IS NULL OR date_start <= ?)"
        params.append(day)
    rows = store.cursor().execute(sql + " ORDER BY id", params).fetchall()
    return fold((json.loads(r[0]) for r in rows), as_of=day, host=host, force=force)
