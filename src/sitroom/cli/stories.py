"""Commands `stories`, `story ID` and `presence`: thin wrappers over `sitroom.query`."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from sitroom.cli.common import DbOpt, app, esc, guarded, settings_for
from sitroom.errors import UsageError

FORMATS = ("table", "json")
FmtOpt = Annotated[str, typer.Option("--format", "-f", help="table | json")]


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} for this command; choose one of: {', '.join(FORMATS)}")


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _console():
    from rich.console import Console

    return Console(soft_wrap=False)


@app.command("stories")
@guarded
def stories_cmd(
    db: DbOpt = None,
    country: Annotated[str | None, typer.Option(help="ISO3 country of a place or event in the story")] = None,
    since: Annotated[str | None, typer.Option(help="stories seen on or after YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="stories seen on or before YYYY-MM-DD")] = None,
    limit: Annotated[int | None, typer.Option(help="at most this many stories")] = None,
    fmt: FmtOpt = "table",
) -> None:
    """Stories: reports of one real-world event, with origin, copies, rewrites and independent sources."""
    from sitroom.query.stories import StoryFilter, stories
    from sitroom.store import open_store

    _check(fmt)
    flt = StoryFilter(country=country, since=since, until=until, limit=limit)
    with open_store(settings_for(db).db, read_only=True) as store:
        found = stories(store, flt)
    if fmt == "json":
        _json(found)
        return
    from rich.table import Table

    t = Table(title=f"{len(found)} stories")
    for col in ("id", "title", "first seen", "last seen", "articles", "independent", "relations"):
        t.add_column(col)
    for s in found:
        rel: dict[str, int] = {}
        for a in s["articles"]:
            rel[a["relation"]] = rel.get(a["relation"], 0) + 1
        t.add_row(
            s["id"],
            esc(s["title"] or ""),
            s["first_seen"] or "",
            s["last_seen"] or "",
            str(len(s["articles"])),
            str(s["independent_sources"]),
            ", ".join(f"{k} {v}" for k, v in sorted(rel.items())),
        )
    _console().print(t)


def provenance_tree(s: dict[str, Any]):
    """A rich Tree: each article under the article it derives from; origins and independents at the top."""
    from rich.tree import Tree

    root = Tree(
        f"[bold]{esc(s['title'] or s['id'])}[/bold]  {s['id']}  "
        f"independent sources: {s['independent_sources']}  "
        f"({s['first_seen'] or '?'} → {s['last_seen'] or '?'})"
    )
    by_parent: dict[str | None, list[dict[str, Any]]] = {}
    ids = {a["id"] for a in s["articles"]}
    for a in s["articles"]:
        parent = a["derived_from"] if a["derived_from"] in ids else None
        by_parent.setdefault(parent, []).append(a)

    def label(a: dict[str, Any]) -> str:
        flag = "  [red]attribution dropped[/red]" if a["attribution_dropped"] else ""
        credits = f"  credits {esc(', '.join(a['credits']))}" if a.get("credits") else ""
        score = f" {a['score']:.2f}" if a.get("score") is not None and a["relation"] != "origin" else ""
        return (
            f"[cyan]{a['relation']}[/cyan]{score}  {esc(a['ref'] or a['id'][:12])}  "
            f"{esc(a['outlet'] or '')} {a['published'] or ''}{credits}{flag}"
        )

    def add(node, parent: str | None, depth: int = 0) -> None:
        for a in by_parent.get(parent, []):
            child = node.add(label(a))
            if depth < 50:
                add(child, a["id"], depth + 1)

    add(root, None)
    if s["events"]:
        ev = root.add("[bold]events[/bold]")
        for e in s["events"][:10]:
            src = ",".join(x.get("country") or x.get("name") or "?" for x in e["source"]) or "?"
            tgt = ",".join(x.get("country") or x.get("name") or "?" for x in e["target"]) or "-"
            where = (e["location"] or {}).get("name") or "?"
            when = (e["date"] or {}).get("value") or "?"
            ev.add(f"{e['event_type']} {src} → {tgt} at {esc(where)} on {when} ({e['articles']} articles)")
    return root


@app.command("story")
@guarded
def story_cmd(
    story_id: Annotated[str, typer.Argument(help="story id (or a unique prefix)")],
    db: DbOpt = None,
    fmt: FmtOpt = "table",
) -> None:
    """One story with its provenance tree."""
    from sitroom.query.stories import story
    from sitroom.store import open_store

    _check(fmt)
    with open_store(settings_for(db).db, read_only=True) as store:
        s = story(store, story_id)
    if s is None:
        raise UsageError(f"no story {story_id!r}; list them with `sitroom stories`")
    if fmt == "json":
        _json(s)
    else:
        _console().print(provenance_tree(s))


@app.command("presence")
@guarded
def presence_cmd(
    db: DbOpt = None,
    host: Annotated[str | None, typer.Option(help="ISO3 host country")] = None,
    force: Annotated[str | None, typer.Option(help="ISO3 country of the force")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="state on YYYY-MM-DD (default: all evidence)")
    ] = None,
    fmt: FmtOpt = "table",
) -> None:
    """Foreign forces by host country and site: present, arriving, ordered out, withdrawing, withdrawn."""
    from sitroom.query.presence import presence
    from sitroom.store import open_store

    _check(fmt)
    with open_store(settings_for(db).db, read_only=True) as store:
        rows = presence(store, host=host, force=force, as_of=as_of)
    if fmt == "json":
        _json(rows)
        return
    from rich.table import Table

    t = Table(title=f"force presence{' as of ' + as_of if as_of else ''}")
    for col in ("force", "host", "site", "status", "from", "to", "size", "evidence"):
        t.add_column(col)
    for r in rows:
        f = r["force"]
        t.add_row(
            f"{f['country']} {f['sector'] or ''}".strip(),
            r["host"],
            esc((r["site"] or {}).get("name") or ""),
            r["status"],
            r["from"] or "",
            r["to"] or "",
            "" if r["size"] is None else str(r["size"]),
            str(len(r["evidence"])),
        )
    _console().print(t)
