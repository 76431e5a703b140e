"""The core commands: run, ingest, events, db, gazetteer, ontology, eval."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sitroom.cli.common import (
    ActorOpt,
    CountryOpt,
    DateOrderOpt,
    DbOpt,
    FormatOpt,
    NearOpt,
    SinceOpt,
    TextOpt,
    TypeOpt,
    UntilOpt,
    app,
    check_format,
    db_app,
    err,
    esc,
    event_filter,
    gaz_app,
    guarded,
    onto_app,
    parse_published,
    settings_for,
)
from sitroom.errors import UsageError

# CSV / JSON column → article field; shared by run and ingest.
MapOpt = Annotated[
    str | None,
    typer.Option("--map", help="column mapping for CSV/JSON inputs, e.g. text=body,published=date,url=link"),
]
# A user's actor dictionary (CSV: name|pattern, country, sector, kind, id), added to the packaged tables.
ActorsOpt = Annotated[
    Path | None, typer.Option("--actors", help="CSV actor dictionary (name, country, sector, kind, id)")
]


def use_actors(path: Path | None) -> None:
    """Set SITROOM_ACTORS for this run, so every stage (and worker process) reads the same dictionary."""
    if path is None:
        return
    import os

    if not path.is_file():
        raise UsageError(f"--actors {path} does not exist")
    os.environ["SITROOM_ACTORS"] = str(path.resolve())


@app.command()
@guarded
def run(
    paths: Annotated[list[str], typer.Argument(help="files (.txt .html .jsonl .json), folders, globs, or -")],
    published: Annotated[str | None, typer.Option(help="publication date YYYY-MM-DD for every input")] = None,
    fmt: FormatOpt = "table",
    map_: MapOpt = None,
    date_order: DateOrderOpt = None,
    actors: ActorsOpt = None,
) -> None:
    """Process articles and print the situation picture (no database needed)."""
    from sitroom.output import render_failures, render_results
    from sitroom.pipeline import run as run_pipeline

    check_format(fmt)
    use_actors(actors)
    results = list(
        run_pipeline(
            paths,
            published=parse_published(published),
            settings=settings_for(),
            stdin=sys.stdin,
            mapping=map_,
            date_order=date_order,
        )
    )
    render_results(results, fmt, file=sys.stdout)
    if fmt in ("jsonl", "csv", "geojson"):  # these carry events only: failures go to stderr
        render_failures([f for r in results for f in r.failures], file=sys.stderr)
    if any(r.failures for r in results):
        raise typer.Exit(1)


@app.command()
@guarded
def ingest(
    paths: Annotated[list[str], typer.Argument(help="files, folders, globs, or -")],
    db: DbOpt = None,
    published: Annotated[str | None, typer.Option(help="publication date YYYY-MM-DD")] = None,
    map_: MapOpt = None,
    date_order: DateOrderOpt = None,
    actors: ActorsOpt = None,
) -> None:
    """Process articles and store them; articles already stored are skipped."""
    use_actors(actors)
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from sitroom.pipeline import ingest as ingest_sources
    from sitroom.store import open_store

    settings = settings_for(db)
    console = Console(stderr=True)
    with (
        open_store(settings.db) as store,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("ingesting", total=None)

        def report(res) -> None:
            progress.advance(task)
            n = int(progress.tasks[0].completed)
            progress.update(task, description=f"ingesting: {n:,} articles")
            for f in res.failures:
                console.print(f"[red]failed[/red] {esc(f.source)}: {f.code} {esc(f.message)}")

        counts = ingest_sources(
            paths,
            store,
            published=parse_published(published),
            settings=settings,
            stdin=sys.stdin,
            on_result=report,
            mapping=map_,
            date_order=date_order,
            on_link=lambda placed, todo: progress.update(
                task, description=f"linking stories: {placed:,} of {todo:,} articles"
            ),
        )
    console.print(
        f"articles: {counts.new} new, {counts.known} already known, {counts.failed} failed; "
        f"events stored: {counts.events}"
    )
    if counts.failed:
        raise typer.Exit(1)


@app.command()
@guarded
def events(
    db: DbOpt = None,
    country: CountryOpt = None,
    type: TypeOpt = None,
    actor: ActorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    near: NearOpt = None,
    text: TextOpt = None,
    limit: Annotated[int, typer.Option(help="at most this many events")] = 1000,
    fmt: FormatOpt = "table",
) -> None:
    """Query stored events."""
    from sitroom.output import render_events
    from sitroom.query import events as query_events
    from sitroom.store import open_store

    check_format(fmt)
    flt = event_filter(country, type, actor, since, until, near, text, limit)
    with open_store(settings_for(db).db, read_only=True) as store:
        render_events(query_events(store, flt), fmt, file=sys.stdout)


@db_app.command("info")
@guarded
def db_info(db: DbOpt = None, fmt: FormatOpt = "table") -> None:
    """Counts and schema version of the store."""
    from sitroom.output import render_info
    from sitroom.store import open_store

    path = settings_for(db).db
    if not Path(path).exists():
        raise UsageError(f"no store at {path}; create one with `sitroom ingest FILE --db {path}`")
    with open_store(path, read_only=True) as store:
        render_info(store.info(), fmt, file=sys.stdout)


@db_app.command("failures")
@guarded
def db_failures(
    db: DbOpt = None,
    code: Annotated[str | None, typer.Option(help="only this failure code, e.g. E_RECORD")] = None,
    source: Annotated[str | None, typer.Option(help="only sources that contain this text")] = None,
    limit: Annotated[int, typer.Option(help="at most this many, newest first")] = 50,
    fmt: FormatOpt = "table",
) -> None:
    """Inputs that failed, with the reason: what a run's 'N with failures' were."""
    from sitroom.output import render_failure_rows
    from sitroom.store import open_store

    check_format(fmt)
    if limit < 1:
        raise UsageError(f"--limit must be at least 1, got {limit}")
    with open_store(settings_for(db).db, read_only=True) as store:  # no database there: E_STORE_MISSING
        rows = store.failures(code=code, source=source, limit=limit)
    if not rows and fmt == "table":
        typer.echo("no failures recorded" + (" that match" if code or source else ""))
        return
    render_failure_rows(rows, fmt, file=sys.stdout)


@db_app.command("migrate")
@guarded
def db_migrate(db: DbOpt = None) -> None:
    """Apply pending schema migrations."""
    from sitroom.store import open_store

    with open_store(settings_for(db).db) as store:
        applied = store.migrate()
        typer.echo(
            f"applied: {', '.join(applied) if applied else 'nothing (up to date)'}; "
            f"schema version {store.schema_version()}"
        )


@gaz_app.command("build")
@guarded
def gazetteer_build() -> None:
    """(Re)build the gazetteer index in the user cache dir."""
    from sitroom.resolve.gazetteer import build

    info = build(settings_for().cache_path())
    typer.echo(f"built: {info}")


@gaz_app.command("info")
@guarded
def gazetteer_info(fmt: FormatOpt = "table") -> None:
    """What the gazetteer holds and where it lives."""
    from sitroom.output import render_info
    from sitroom.resolve.gazetteer import info

    render_info(info(settings_for().cache_path()), fmt, file=sys.stdout)


@onto_app.command("show")
@guarded
def ontology_show(
    name: Annotated[str | None, typer.Argument(help="PLOVER type, CAMEO code, or 'acled'")] = None,
) -> None:
    """Print the ontology tree (PLOVER types → modes → CAMEO codes), one type, one code, or ACLED."""
    from rich.console import Console

    from sitroom.ontology import show

    Console().print(show(name))


@onto_app.command("validate")
@guarded
def ontology_validate() -> None:
    """Check the ontology tables; exit 1 when a problem is found."""
    from sitroom.ontology import validate

    problems = validate()
    for p in problems:
        typer.echo(p)
    typer.echo(f"{len(problems)} problem(s)")
    if problems:
        raise typer.Exit(1)


@app.command("eval")
@guarded
def eval_(
    set_: Annotated[
        str,
        typer.Option(
            "--set",
            help="seed cameo plover acled geowebnews geovirus event-location, "
            "a group (events, places, all), or gate",
        ),
    ] = "all",
    gold: Annotated[
        Path | None, typer.Option(help="gold file for a single set (default: from --dev)")
    ] = None,
    dev: Annotated[Path, typer.Option(help="folder of the dev gold sets")] = Path("../shared/data/dev"),
    floors: Annotated[Path, typer.Option(help="floors file for --set gate")] = Path("eval_floors.json"),
    limit: Annotated[int | None, typer.Option(help="score only the first N rows of each set")] = None,
    out: Annotated[Path | None, typer.Option(help="also write all scores as JSON here")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Score the pipeline on gold sets; `--set gate` fails (exit 1) when a pinned floor is not met."""
    import json

    from sitroom.eval.report import render_scores
    from sitroom.eval.runner import check_floors, expand, run_set

    check_format(fmt)
    names = expand(set_)
    if gold is not None and len(names) != 1:
        raise UsageError("--gold needs a single --set")
    if gold is None and not dev.is_dir():
        raise UsageError(f"dev folder {dev} not found; pass --dev DIR or --gold FILE")
    from sitroom.eval.runner import SETS

    scores = {n: run_set(n, gold or dev / SETS[n], settings_for(), limit=limit) for n in names}
    render_scores(scores, fmt, file=sys.stdout)
    if out:
        out.write_text(json.dumps(scores, indent=2, default=str), encoding="utf-8")
    if set_ == "gate":
        failed = check_floors(scores, json.loads(floors.read_text(encoding="utf-8")))
        for f in failed:
            err(f"gate: {f}")
        typer.echo("gate: " + ("FAILED" if failed else "passed"))
        if failed:
            raise typer.Exit(1)
