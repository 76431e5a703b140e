"""`sitroom export` (events to files other tools read) and `sitroom watch` (poll feeds into the store)."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer

from sitroom.cli.common import (
    ActorOpt,
    CountryOpt,
    DbOpt,
    NearOpt,
    SinceOpt,
    TextOpt,
    TypeOpt,
    UntilOpt,
    app,
    esc,
    event_filter,
    guarded,
    parse_published,
    settings_for,
)


@app.command()
@guarded
def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="plover-jsonl | gdelt-tsv | acled-csv | geojson | parquet")
    ],
    out: Annotated[str, typer.Option("--out", "-o", help="file to write; - for standard output")],
    db: DbOpt = None,
    country: CountryOpt = None,
    type: TypeOpt = None,
    actor: ActorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    near: NearOpt = None,
    text: TextOpt = None,
    limit: Annotated[int | None, typer.Option(help="at most this many events (default: all)")] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite OUT if it exists")] = False,
) -> None:
    """Write stored events to a file: PLOVER JSONL, GDELT 2.0 TSV, ACLED-style CSV, GeoJSON or Parquet."""
    from sitroom.export import SKIPS, check_format
    from sitroom.export import export as run_export
    from sitroom.store import open_store

    check_format(fmt)
    flt = event_filter(country, type, actor, since, until, near, text, limit)
    with open_store(settings_for(db).db, read_only=True) as store:
        got = run_export(store, fmt, out, flt, force=force)
    why = SKIPS.get(fmt, "do not fit it")
    note = f"; {got.skipped} matching events left out: they {why}" if got.skipped else ""
    where = "standard output" if got.path == "-" else got.path
    typer.echo(f"wrote {got.written} records to {where}{note}", err=True)


@app.command()
@guarded
def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS/Atom feed URLs or files")],
    every: Annotated[str, typer.Option(help="time between polls: 30s, 15m, 1h")] = "15m",
    db: DbOpt = None,
    max_rounds: Annotated[
        int | None, typer.Option(help="stop after this many polls (default: never)")
    ] = None,
    published: Annotated[str | None, typer.Option(help="publication date YYYY-MM-DD for every entry")] = None,
) -> None:
    """Poll feeds and store new entries; entries already taken in (by id or link) are skipped."""
    from rich.console import Console

    from sitroom.config import load
    from sitroom.errors import UsageError
    from sitroom.ingest.watch import FeedMemory, parse_every, poll
    from sitroom.ingest.web import Fetcher, WebSettings
    from sitroom.pipeline import ingest as ingest_items
    from sitroom.store import open_store

    pause = parse_every(every)
    if max_rounds is not None and max_rounds < 1:
        raise UsageError(f"--max-rounds must be at least 1, got {max_rounds}")
    if pause < 1 and max_rounds is None:  # forever without a pause: a busy loop on the feeds' hosts
        raise UsageError(f"--every must be at least 1s when polling without --max-rounds, got {every!r}")
    day = parse_published(published)
    settings = settings_for(db)
    console = Console(stderr=True, soft_wrap=True)
    failed = 0
    with open_store(settings.db) as store, Fetcher(WebSettings.from_settings(load())) as fetcher:
        memory = FeedMemory(store.cursor())
        n = 0
        try:
            while True:
                n += 1
                for feed in feeds:
                    got = poll(feed, memory, fetcher=fetcher, published=day)
                    if got.not_modified:
                        console.print(f"round {n} {esc(feed)}: not modified since the last poll")
                        continue
                    for f in got.items:
                        if not hasattr(f, "text"):
                            console.print(f"[red]failed[/red] {esc(f.source)}: {f.code} {esc(f.message)}")
                    counts = ingest_items([], store, settings=settings, items=got.items)
                    memory.mark(feed, got.keys)
                    if got.validators is not None:  # stored: the next poll may ask "changed since?"
                        memory.keep_validators(feed, *got.validators)
                    failed += counts.failed
                    console.print(
                        f"round {n} {esc(feed)}: {len(got.keys)} new entries, {counts.new} articles stored, "
                        f"{counts.events} events, {counts.failed} failed"
                    )
                if max_rounds is not None and n >= max_rounds:
                    break
                time.sleep(pause)
        except KeyboardInterrupt:
            console.print("stopped")
    sys.stderr.flush()
    if failed:
        raise typer.Exit(1)
