"""Counts of matching events for dashboards: by type, by country and per day / week / month.

Uses the events query's WHERE clause, so filters mean the same as in `sitroom events`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sitroom.errors import UsageError
from sitroom.query.events import where
from sitroom.query.filters import EventFilter

if TYPE_CHECKING:
    from sitroom.store import Store

INTERVALS = ("day", "week", "month")


def stats(store: Store, flt: EventFilter | None = None, *, interval: str = "week") -> dict[str, Any]:
    """Counts of matching events by type, by location country and per period (one scan).

    Periods start on the day / ISO week (Monday) / month of each event's first dated day; events
    without a date are counted in `undated`, events without coordinates in `unlocated`.
    """
    if interval not in INTERVALS:
        raise UsageError(f"interval must be one of {', '.join(INTERVALS)}, got {interval!r}")
    cond, params = where(flt or EventFilter())
    sql = (
        "SELECT grouping(event_type) AS gt, grouping(location_country) AS gc, grouping(period) AS gp, "
        "event_type, location_country, CAST(period AS VARCHAR), count(*), "
        "count(*) FILTER (WHERE location_lat IS NULL OR location_lon IS NULL), "
        "count(*) FILTER (WHERE date_start IS NULL) "
        "FROM (SELECT event_type, location_country, location_lat, location_lon, date_start, "
        "CAST(date_trunc(?, date_start) AS DATE) AS period "
        f"FROM events WHERE {cond}) "
        "GROUP BY GROUPING SETS ((event_type), (location_country), (period), ())"
    )
    out: dict[str, Any] = {
        "total": 0,
        "unlocated": 0,
        "undated": 0,
        "interval": interval,
        "by_type": [],
        "by_country": [],
        "by_period": [],
    }
    rows = store.cursor().execute(sql, [interval, *params]).fetchall()
    for gt, gc, gp, etype, country, period, n, unloc, undated in rows:
        if gt and gc and gp:
            out.update(total=int(n), unlocated=int(unloc), undated=int(undated))
        elif not gt:
            out["by_type"].append({"key": etype, "count": int(n)})
        elif not gc:
            out["by_country"].append({"key": country, "count": int(n)})
        elif period is not None:
            out["by_period"].append({"key": period, "count": int(n)})
    out["by_type"].sort(key=lambda r: (-r["count"], r["key"] or ""))
    out["by_country"].sort(key=lambda r: (-r["count"], r["key"] or ""))
    out["by_period"].sort(key=lambda r: r["key"])
    return out
