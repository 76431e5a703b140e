"""Events out of the store, as records, Arrow tables or pandas frames. Every value is a SQL parameter."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sitroom.errors import EnvironmentProblem
from sitroom.query.filters import EventFilter, decode_cursor, encode_cursor

if TYPE_CHECKING:
    import pandas
    import pyarrow as pa

    from sitroom.store import Store

EARTH_KM = 6371.0088  # mean Earth radius
ORDER = "ORDER BY date_value ASC NULLS LAST, id ASC"
TWO_STEP_MAX = 10_000  # larger pages (exports, the CLI without --limit) read records in one pass

# Flat columns for Arrow / pandas users: everything but the search helper and the JSON record.
ARROW_COLUMNS = (
    "id, article_id, event_type, cameo, cameo_root, quad_class, goldstein, mode, context, "
    "acled_event_type, acled_sub_event_type, source, target, source_country, target_country, "
    "source_sector, target_sector, source_name, target_name, source_actor_id, target_actor_id, "
    "location_text, location_name, location_country, location_admin1, location_lat, location_lon, "
    "location_precision, location_gazetteer_id, location_geonames_id, location_icao, date_value, "
    "date_precision, date_basis, date_text, date_start, date_end, negated, hedged, planned, conditional, "
    "tense, attribution_text, attribution_anonymous, attribution_via, quantities, evidence_sentence, "
    "evidence_start, evidence_end, trigger, trigger_start, trigger_end, confidence, method"
)


def where(flt: EventFilter) -> tuple[str, list[Any]]:
    """The WHERE clause (without paging) and its parameters."""
    conds: list[str] = []
    params: list[Any] = []
    if flt.country:
        conds.append(
            "(location_country = ? OR list_contains(source_country, ?) OR list_contains(target_country, ?))"
        )
        params += [flt.country] * 3
    if flt.event_type:
        conds.append("list_contains(?::VARCHAR[], event_type)")
        params.append(list(flt.event_type))
    if flt.actor:
        conds.append("strpos(actor_search, ?) > 0")
        params.append(flt.actor.lower())
    if flt.since is not None:
        conds.append("date_end >= ?")
        params.append(flt.since_date)
    if flt.until is not None:
        conds.append("date_start <= ?")
        params.append(flt.until_date)
    if flt.near:
        lat, lon, km = flt.near  # type: ignore[misc]
        dlat = km / 111.0  # a cheap box first; haversine decides
        conds.append(
            "location_lat BETWEEN ? AND ? AND "
            "2 * ? * asin(sqrt(pow(sin(radians(location_lat - ?) / 2), 2) + "
            "cos(radians(?)) * cos(radians(location_lat)) * pow(sin(radians(location_lon - ?) / 2), 2))) <= ?"
        )
        params += [lat - dlat, lat + dlat, EARTH_KM, lat, lat, lon, km]
    if flt.bbox:
        w, s, e, n = flt.bbox  # type: ignore[misc]
        lon_cond = "location_lon BETWEEN ? AND ?" if w <= e else "(location_lon >= ? OR location_lon <= ?)"
        conds.append(f"location_lat BETWEEN ? AND ? AND {lon_cond}")
        params += [s, n, w, e]
    if flt.text:
        conds.append("strpos(lower(evidence_sentence), ?) > 0")
        params.append(flt.text.lower())
    if flt.article_id:
        conds.append("starts_with(article_id, ?)")
        params.append(flt.article_id)
    return (" AND ".join(conds) or "TRUE"), params


def _paged(flt: EventFilter, columns: str) -> tuple[str, list[Any]]:
    cond, params = where(flt)
    if flt.cursor:
        d, i = decode_cursor(flt.cursor)
        if d is None:  # NULL dates sort last: only later ids among them remain
            cond += " AND date_value IS NULL AND id > ?"
            params.append(i)
        else:
            cond += " AND (date_value IS NULL OR date_value > ? OR (date_value = ? AND id > ?))"
            params += [d, d, i]
    sql = f"SELECT {columns} FROM events WHERE {cond} {ORDER}"
    if flt.limit is not None:
        sql += " LIMIT ?"
        params.append(flt.limit)
    if flt.offset:
        sql += " OFFSET ?"
        params.append(flt.offset)
    return sql, params


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of events as the stored JSON texts (no parse, no re-encode), and where it ends."""

    records: list[str]
    last: tuple[str | None, str] | None  # (date value, id) of the last event
    total: int | None = None  # all matching events, when asked for

    @property
    def next_cursor(self) -> str | None:
        return encode_cursor(*self.last) if self.last else None


def event_page(store: Store, flt: EventFilter | None = None, *, total: bool = False) -> EventPage:
    """Matching events by date then id, as JSON texts: what the HTTP API sends without re-encoding.
    With `total`, also how many events match the filter (ignoring limit, offset and cursor).

    A bounded page is found in two steps: the matching row ids in order (a top-N over narrow
    columns), then the records of just those rows. Sorting the wide JSON records of every
    matching row to keep a hundred was what made paging slow on large stores. On a first page the
    count comes from the same scan.
    """
    flt = flt or EventFilter()
    cur = store.cursor()
    if flt.limit is None or flt.limit > TWO_STEP_MAX:
        rows = cur.execute(*_paged(flt, "date_value, id, record")).fetchall()
        n = len(rows) if total and not (flt.cursor or flt.offset) else None
        n = count_events(store, flt) if total and n is None else n
        return EventPage([r[2] for r in rows], (rows[-1][0], rows[-1][1]) if rows else None, n)
    n = None
    if total and not (flt.cursor or flt.offset):
        cond, params = where(flt)
        keys = cur.execute(
            f"WITH m AS MATERIALIZED (SELECT rowid AS r, date_value, id FROM events WHERE {cond}) "
            f"SELECT r, date_value, id, (SELECT count(*) FROM m) FROM m {ORDER} LIMIT ?",
            [*params, flt.limit],
        ).fetchall()
        n = keys[0][3] if keys else 0
    else:
        keys = cur.execute(*_paged(flt, "rowid, date_value, id")).fetchall()
        n = count_events(store, flt) if total else None
    if not keys:
        return EventPage([], None, n)
    got = {
        rid: (eid, rec)
        for rid, eid, rec in cur.execute(
            "SELECT rowid, id, record FROM events WHERE rowid = ANY(?::BIGINT[])", [[k[0] for k in keys]]
        ).fetchall()
    }
    if any(got.get(k[0], ("",))[0] != k[2] for k in keys):
        # Row ids moved under us (a write in between): fetch by primary key instead.
        by_id = dict(
            cur.execute(
                "SELECT id, record FROM events WHERE id = ANY(?::VARCHAR[])", [[k[2] for k in keys]]
            ).fetchall()
        )
        records = [by_id[k[2]] for k in keys if k[2] in by_id]
    else:
        records = [got[k[0]][1] for k in keys]
    return EventPage(records, (keys[-1][1], keys[-1][2]), n)


def events(store: Store, flt: EventFilter | None = None) -> list[dict[str, Any]]:
    """Matching events as record dicts (the `sitroom run --format json` shape), by date then id."""
    return [json.loads(r) for r in event_page(store, flt).records]


def event(store: Store, event_id: str) -> dict[str, Any] | None:
    """One stored event record by id, or None."""
    row = store.cursor().execute("SELECT record FROM events WHERE id = ?", [event_id]).fetchone()
    return json.loads(row[0]) if row else None


def count_events(store: Store, flt: EventFilter | None = None) -> int:
    """How many events match, ignoring limit, offset and cursor."""
    cond, params = where(flt or EventFilter())
    got = store.cursor().execute(f"SELECT count(*) FROM events WHERE {cond}", params).fetchone()
    return int(got[0]) if got else 0


def next_cursor(page: list[dict[str, Any]]) -> str | None:
    """The cursor that continues after this page (None for an empty page)."""
    if not page:
        return None
    last = page[-1]
    return encode_cursor((last.get("date") or {}).get("value"), last["id"])


def events_arrow(store: Store, flt: EventFilter | None = None) -> pa.Table:
    """Matching events as an Arrow table of flat columns (actors and quantities as JSON text)."""
    sql, params = _paged(flt or EventFilter(), ARROW_COLUMNS)
    rel = store.cursor().sql(sql, params=params)  # a relation streams to Arrow without a row copy
    # DuckDB 2 names it to_arrow_table; 1.x releases call it arrow().
    fetch = getattr(rel, "to_arrow_table", None) or rel.arrow
    return fetch()


def events_frame(store: Store, flt: EventFilter | None = None) -> pandas.DataFrame:
    """Matching events as a pandas DataFrame (needs pandas, which Sitroom does not require)."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise EnvironmentProblem("events_frame needs pandas: pip install pandas") from None
    return events_arrow(store, flt).to_pandas()


def article(store: Store, article_id: str) -> dict[str, Any] | None:
    """One stored article (text included), or None when the id is unknown."""
    cur = store.cursor().execute(
        "SELECT id, ref, url, outlet, title, published, published_basis, authors, language, removed, "
        "text, source, fetched, CAST(ingested_at AS VARCHAR) FROM articles WHERE id = ?",
        [article_id],
    )
    row = cur.fetchone()
    if row is None:
        return None
    names = [d[0] for d in cur.description]
    out = dict(zip(names, row, strict=True))
    out["ingested_at"] = out.pop(names[-1])
    out["authors"] = json.loads(out["authors"] or "[]")
    out["removed"] = json.loads(out["removed"] or "[]")
    return out


def article_refs(store: Store, ids: Iterable[str]) -> dict[str, str]:
    """article id → its input ref (JSONL id, path or URL), for outputs that name articles."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = (
        store.cursor()
        .execute("SELECT id, ref FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [wanted])
        .fetchall()
    )
    return dict(rows)


def article_heads(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """article id → its title, outlet, published date, url and ref (no text), for lists and trees."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = (
        store.cursor()
        .execute(
            "SELECT id, title, outlet, published, url, ref FROM articles "
            "WHERE id IN (SELECT unnest(?::VARCHAR[]))",
            [wanted],
        )
        .fetchall()
    )
    return {r[0]: dict(zip(("title", "outlet", "published", "url", "ref"), r[1:], strict=True)) for r in rows}


def event_articles(store: Store, event_ids: Iterable[str]) -> dict[str, str]:
    """event id → the id of the article it was read from (for links from stories and presence)."""
    wanted = sorted(set(event_ids))
    if not wanted:
        return {}
    rows = (
        store.cursor()
        .execute("SELECT id, article_id FROM events WHERE id IN (SELECT unnest(?::VARCHAR[]))", [wanted])
        .fetchall()
    )
    return dict(rows)


def failures(store: Store, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Recorded failures, newest first."""
    sql = (
        "SELECT id, source, stage, code, message, article_id, CAST(recorded_at AS VARCHAR) AS recorded_at "
        "FROM failures ORDER BY recorded_at DESC, id"
    )
    params: list[Any] = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    cur = store.cursor().execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
