"""Write results, events and store info in one of FORMATS. Terminal tables use rich.

Article text and evidence are untrusted: in tables they go into `rich.text.Text` (never parsed as
markup) after control characters are stripped, so "[link=…]" or an ANSI escape prints literally /
not at all. CSV cells that a spreadsheet would run as a formula get a leading apostrophe.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import IO, Any

from sitroom.errors import UsageError
from sitroom.output.flat import CSV_COLUMNS, flat_row, result_dict
from sitroom.records import ArticleResult, Failure, to_dict

FORMATS = ("table", "json", "jsonl", "csv", "geojson")
SNIPPET = 110  # evidence characters shown in a table cell, around the trigger

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return fmt


def _out(file: IO[str] | None) -> IO[str]:
    return file if file is not None else sys.stdout


# -- machine formats ---------------------------------------------------------------------------
def _json(data: Any, file: IO[str]) -> None:
    json.dump(data, file, ensure_ascii=False, indent=2)
    file.write("\n")


def _jsonl(items: Sequence[dict[str, Any]], file: IO[str]) -> None:
    for it in items:
        file.write(json.dumps(it, ensure_ascii=False, separators=(",", ":")))
        file.write("\n")


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str) and v.startswith(_FORMULA):
        return "'" + v
    return v


def _csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], file: IO[str]) -> None:
    w = csv.writer(file, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in columns])


def flat_feature(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """A flat event row (`flat_row`) as a GeoJSON Point feature, [lon, lat]; None when it has no
    coordinates (a FeatureCollection is for the map: unlocated events are in the other formats)."""
    lat, lon = row.get("lat"), row.get("lon")
    if lat is None or lon is None:
        return None
    return {
        "type": "Feature",
        "id": row.get("id"),
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")},
    }


def _geojson(rows: Sequence[dict[str, Any]], file: IO[str]) -> None:
    feats = [f for f in map(flat_feature, rows) if f is not None]
    _json({"type": "FeatureCollection", "features": feats}, file)


def _event_rows(events: Sequence[dict[str, Any]], refs: Mapping[str, str | None]) -> list[dict[str, Any]]:
    return [flat_row(e, refs.get(e.get("article_id") or "")) for e in events]


# -- terminal tables ---------------------------------------------------------------------------
def clean(s: Any) -> str:
    """Untrusted text for one table cell: no control characters, one line."""
    if s is None:
        return ""
    return _CONTROL.sub("", str(s).replace("\r", " ").replace("\n", " ").replace("\t", " "))


def _console(file: IO[str]) -> Any:
    from rich.console import Console

    # A pipe or file has no width: give tables room rather than rich's 80 columns.
    tty = getattr(file, "isatty", lambda: False)()
    width = None if tty or "COLUMNS" in os.environ else 160
    return Console(file=file, highlight=False, soft_wrap=False, width=width)


def _actors(actors: list[dict[str, Any]] | None) -> str:
    out = []
    for a in actors or []:
        name = a.get("name") or a.get("text") or "?"
        extra = "/".join(x for x in (a.get("country"), a.get("sector")) if x)
        out.append(f"{name} ({extra})" if extra else name)
    return ", ".join(out) or "—"


def _evidence(ev: dict[str, Any]) -> Any:
    """The part of the sentence around the trigger (trigger in bold), at most SNIPPET characters."""
    from rich.text import Text

    evd = ev.get("evidence") or {}
    sentence = clean(evd.get("sentence"))
    start, ts, te = evd.get("start"), evd.get("trigger_start"), evd.get("trigger_end")
    lo, hi = 0, min(len(sentence), SNIPPET)
    if isinstance(start, int) and isinstance(ts, int) and isinstance(te, int) and ts >= start:
        a = ts - start
        lo = max(0, min(a - SNIPPET // 3, len(sentence) - SNIPPET))
        hi = min(len(sentence), lo + SNIPPET)
    text = Text(("…" if lo else "") + sentence[lo:hi] + ("…" if hi < len(sentence) else ""))
    if isinstance(start, int) and isinstance(ts, int) and isinstance(te, int) and ts >= start:
        shift = (1 if lo else 0) - lo
        text.stylize("bold", max(0, ts - start + shift), max(0, te - start + shift))
    return text


def _place(ev: dict[str, Any]) -> str:
    loc = ev.get("location")
    if not loc:
        return "—"
    name = loc.get("name") or loc.get("text") or "?"
    return f"{name}, {loc['country']}" if loc.get("country") and loc.get("country") not in name else name


def _date(ev: dict[str, Any]) -> str:
    dt = ev.get("date") or {}
    if not dt.get("value"):
        return "—"
    basis = dt.get("basis")
    return f"{dt['value']} ({basis})" if basis and basis != "explicit" else dt["value"]


def _type(ev: dict[str, Any]) -> str:
    mod = ev.get("modality") or {}
    flags = [k for k in ("negated", "hedged", "planned", "conditional") if mod.get(k)]
    s = f"{ev.get('event_type') or '?'} {ev.get('cameo') or ''}".strip()
    return s + (f" [{', '.join(flags)}]" if flags else "")


def _attribution(ev: dict[str, Any]) -> str:
    att = ev.get("attribution")
    if not att:
        return "—"
    s = att.get("text") or "?"
    return s + (f" via {att['via']}" if att.get("via") else "")


def _events_table(
    events: Sequence[dict[str, Any]], title: str | None, article_col: Mapping[str, str] | None
) -> Any:
    from rich.table import Table
    from rich.text import Text

    t = Table(title=Text(clean(title)) if title else None, show_lines=False, expand=False)
    if article_col is not None:
        t.add_column("Article", overflow="fold")
    for name in ("Type", "Source → Target", "Place", "Date", "Attribution"):
        t.add_column(name, overflow="fold")
    t.add_column("Evidence", overflow="fold")
    for ev in events:
        cells = [
            Text(clean(_type(ev))),
            Text(clean(f"{_actors(ev.get('source'))} → {_actors(ev.get('target'))}")),
            Text(clean(_place(ev))),
            Text(clean(_date(ev))),
            Text(clean(_attribution(ev))),
            _evidence(ev),
        ]
        if article_col is not None:
            aid = ev.get("article_id") or ""
            cells.insert(0, Text(clean(article_col.get(aid) or aid[:12])))
        t.add_row(*cells)
    return t


def _failure_lines(failures: Sequence[Failure | dict[str, Any]]) -> list[Any]:
    from rich.text import Text

    out = []
    for f in failures:
        d = to_dict(f) if isinstance(f, Failure) else f
        out.append(
            Text(
                clean(f"✗ {d.get('source')}: {d.get('code')} ({d.get('stage')}) {d.get('message')}"),
                style="red",
            )
        )
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _results_table(results: Sequence[ArticleResult], file: IO[str]) -> None:
    from rich.text import Text

    con = _console(file)
    n_events = n_failed = 0
    for r in results:
        a = r.article
        if a is not None:
            title = a.title or a.ref
            events = [to_dict(e) for e in r.events]
            n_events += len(events)
            if events:
                con.print(_events_table(events, title, None))
            else:
                con.print(Text(clean(f"{title}: no events"), style="dim"))
        if r.failures:
            n_failed += 1
            for line in _failure_lines(r.failures):
                con.print(line)
    summary = f"{_plural(len(results), 'input')}, {_plural(n_events, 'event')}, {n_failed} failed"
    con.print(Text(summary, style="bold red" if n_failed else "bold"))


# -- public ------------------------------------------------------------------------------------
def render_results(results: Sequence[ArticleResult], fmt: str, *, file: IO[str] | None = None) -> None:
    """Print what `sitroom run` found: JSON gives one object per input (failed inputs included)."""
    check_format(fmt)
    out = _out(file)
    if fmt == "table":
        _results_table(results, out)
    elif fmt == "json":
        _json([result_dict(r) for r in results], out)
    else:
        events, refs = [], {}
        for r in results:
            if r.article is not None:
                refs[r.article.id] = r.article.ref
                events.extend(to_dict(e) for e in r.events)
        _write_events(events, fmt, out, refs)


def render_events(
    events: Sequence[dict[str, Any]],
    fmt: str,
    *,
    file: IO[str] | None = None,
    refs: Mapping[str, str | None] | None = None,
) -> None:
    """Print event dicts (from the query layer). `refs` maps article ids to their input refs."""
    check_format(fmt)
    _write_events(events, fmt, _out(file), refs or {})


def _write_events(
    events: Sequence[dict[str, Any]], fmt: str, out: IO[str], refs: Mapping[str, str | None]
) -> None:
    if fmt == "json":
        _json(list(events), out)
    elif fmt == "jsonl":
        _jsonl([{**e, "article_ref": refs.get(e.get("article_id") or "")} for e in events], out)
    elif fmt == "csv":
        _csv(_event_rows(events, refs), CSV_COLUMNS, out)
    elif fmt == "geojson":
        _geojson(_event_rows(events, refs), out)
    else:
        from rich.text import Text

        con = _console(out)
        if events:
            con.print(_events_table(events, None, {k: v or "" for k, v in refs.items()}))
        con.print(Text(_plural(len(events), "event"), style="bold"))


def render_failures(failures: Sequence[Failure | dict[str, Any]], *, file: IO[str] | None = None) -> None:
    """Failures as red lines, e.g. on stderr next to machine-readable output on stdout."""
    con = _console(file if file is not None else sys.stderr)
    for line in _failure_lines(failures):
        con.print(line)


def _not_geojson(fmt: str, what: str) -> None:
    check_format(fmt)
    if fmt == "geojson":
        raise UsageError(f"geojson is for events; show {what} as table, json, jsonl or csv")


FAILURE_COLUMNS = ("source", "stage", "code", "message", "article_id", "recorded_at")


def render_failure_rows(rows: Sequence[dict[str, Any]], fmt: str, *, file: IO[str] | None = None) -> None:
    """`sitroom db failures`: recorded failures as lines (table) or records."""
    out = _out(file)
    _not_geojson(fmt, "failures")
    if fmt == "json":
        _json(list(rows), out)
    elif fmt == "jsonl":
        _jsonl(list(rows), out)
    elif fmt == "csv":
        _csv(rows, FAILURE_COLUMNS, out)
    else:
        render_failures(rows, file=out)


def render_info(info: Mapping[str, Any], fmt: str, *, file: IO[str] | None = None) -> None:
    """`sitroom db info`: nested mappings flatten to dotted keys in table and CSV."""
    out = _out(file)
    _not_geojson(fmt, "info")
    if fmt == "json":
        _json(dict(info), out)
        return
    if fmt == "jsonl":
        _jsonl([dict(info)], out)
        return
    flat: list[tuple[str, Any]] = []
    for k, v in info.items():
        if isinstance(v, Mapping):
            flat.extend((f"{k}.{k2}", v2) for k2, v2 in v.items())
        elif isinstance(v, list | tuple):
            flat.append((k, ", ".join(map(str, v))))
        else:
            flat.append((k, v))
    if fmt == "csv":
        _csv([{"key": k, "value": v} for k, v in flat], ("key", "value"), out)
        return
    from rich.table import Table
    from rich.text import Text

    t = Table(show_header=False, box=None)
    t.add_column(style="bold")
    t.add_column()
    for k, v in flat:
        t.add_row(Text(clean(k)), Text(clean(v)))
    _console(out).print(t)
