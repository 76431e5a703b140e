"""The `sitroom` command: thin wrappers that parse, check, and call library functions.

Exit codes: 0 ok · 1 some inputs failed (each reported) · 2 usage error · 3 environment problem.
Never imports spaCy at import time.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer

from sitroom.errors import EnvironmentProblem, SitroomError, UsageError

app = typer.Typer(
    help="Sitroom: news in, situation picture out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The store: counts, schema version, migrations.", no_args_is_help=True)
gaz_app = typer.Typer(help="The offline gazetteer built from PyPI data.", no_args_is_help=True)
onto_app = typer.Typer(help="PLOVER / CAMEO / ACLED ontology tables.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(gaz_app, name="gazetteer")
app.add_typer(onto_app, name="ontology")

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table | json | jsonl | csv | geojson")]
DbOpt = Annotated[
    str | None, typer.Option("--db", help="DuckDB file (default: $SITROOM_DB or sitroom.duckdb)")
]


def _err(msg: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True).print(f"[red]error:[/red] {escape(msg)}")


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Translate library errors into a message and an exit code; never a traceback for known errors."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except EnvironmentProblem as e:
            _err(f"{e} [{e.code}]")
            raise typer.Exit(3) from None
        except UsageError as e:
            _err(f"{e} [{e.code}]")
            raise typer.Exit(2) from None
        except SitroomError as e:
            _err(f"{e} [{e.code}]")
            raise typer.Exit(e.exit_code) from None

    return wrapper


def _check_format(fmt: str) -> str:
    from sitroom.output import FORMATS

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return fmt


def _settings(db: str | None = None):
    from sitroom.config import load

    return load(db=db)


def _published(value: str | None) -> str | None:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"--published must be a date YYYY-MM-DD, got {value!r}") from None


@app.command()
@guarded
def run(
    paths: Annotated[list[str], typer.Argument(help="files (.txt .html .jsonl .json), folders, globs, or -")],
    published: Annotated[str | None, typer.Option(help="publication date YYYY-MM-DD for every input")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Process articles and print the situation picture (no database needed)."""
    from sitroom.output import render_results
    from sitroom.pipeline import run as run_pipeline

    _check_format(fmt)
    results = list(
        run_pipeline(paths, published=_published(published), settings=_settings(), stdin=sys.stdin)
    )
    render_results(results, fmt, file=sys.stdout)
    if any(r.failures for r in results):
        raise typer.Exit(1)


@app.command()
@guarded
def ingest(
    paths: Annotated[list[str], typer.Argument(help="files, folders, globs, or -")],
    db: DbOpt = None,
    published: Annotated[str | None, typer.Option(help="publication date YYYY-MM-DD")] = None,
) -> None:
    """Process articles and store them; articles already stored are skipped."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from sitroom.pipeline import ingest as ingest_sources
    from sitroom.store import open_store

    settings = _settings(db)
    console = Console(stderr=True)
    with (
        open_store(settings.db) as store,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description} {task.completed} articles"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("ingesting", total=None)

        def report(res) -> None:
            progress.advance(task)
            for f in res.failures:
                console.print(f"[red]failed[/red] {_esc(f.source)}: {f.code} {_esc(f.message)}")

        counts = ingest_sources(
            paths,
            store,
            published=_published(published),
            settings=settings,
            stdin=sys.stdin,
            on_result=report,
        )
    console.print(
        f"articles: {counts.new} new, {counts.known} already known, {counts.failed} failed; "
        f"events stored: {counts.events}"
    )
    if counts.failed:
        raise typer.Exit(1)


def _esc(s: str) -> str:
    from rich.markup import escape

    return escape(str(s))


@app.command()
@guarded
def events(
    db: DbOpt = None,
    country: Annotated[str | None, typer.Option(help="ISO3 country (place or actor)")] = None,
    type: Annotated[list[str] | None, typer.Option("--type", help="PLOVER event type (repeatable)")] = None,
    actor: Annotated[str | None, typer.Option(help="actor name, text, id or country")] = None,
    since: Annotated[str | None, typer.Option(help="events on or after YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="events on or before YYYY-MM-DD")] = None,
    near: Annotated[str | None, typer.Option(help="LAT,LON,KM")] = None,
    text: Annotated[str | None, typer.Option(help="substring of the evidence sentence")] = None,
    limit: Annotated[int, typer.Option(help="at most this many events")] = 1000,
    fmt: FormatOpt = "table",
) -> None:
    """Query stored events."""
    from sitroom.output import render_events
    from sitroom.query import EventFilter, parse_near
    from sitroom.query import events as query_events
    from sitroom.store import open_store

    _check_format(fmt)
    flt = EventFilter(
        country=country,
        event_type=tuple(type or ()),
        actor=actor,
        since=since,
        until=until,
        near=parse_near(near) if near else None,
        text=text,
        limit=limit,
    )
    with open_store(_settings(db).db, read_only=True) as store:
        render_events(query_events(store, flt), fmt, file=sys.stdout)


@db_app.command("info")
@guarded
def db_info(db: DbOpt = None, fmt: FormatOpt = "table") -> None:
    """Counts and schema version of the store."""
    from sitroom.output import render_info
    from sitroom.store import open_store

    path = _settings(db).db
    if not Path(path).exists():
        raise UsageError(f"no store at {path}; create one with `sitroom ingest FILE --db {path}`")
    with open_store(path, read_only=True) as store:
        render_info(store.info(), fmt, file=sys.stdout)


@db_app.command("migrate")
@guarded
def db_migrate(db: DbOpt = None) -> None:
    """Apply pending schema migrations."""
    from sitroom.store import open_store

    with open_store(_settings(db).db) as store:
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

    info = build(_settings().cache_path())
    typer.echo(f"built: {info}")


@gaz_app.command("info")
@guarded
def gazetteer_info(fmt: FormatOpt = "table") -> None:
    """What the gazetteer holds and where it lives."""
    from sitroom.output import render_info
    from sitroom.resolve.gazetteer import info

    render_info(info(_settings().cache_path()), fmt, file=sys.stdout)


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

    _check_format(fmt)
    names = expand(set_)
    if gold is not None and len(names) != 1:
        raise UsageError("--gold needs a single --set")
    if gold is None and not dev.is_dir():
        raise UsageError(f"dev folder {dev} not found; pass --dev DIR or --gold FILE")
    from sitroom.eval.runner import SETS

    scores = {n: run_set(n, gold or dev / SETS[n], _settings(), limit=limit) for n in names}
    render_scores(scores, fmt, file=sys.stdout)
    if out:
        out.write_text(json.dumps(scores, indent=2, default=str), encoding="utf-8")
    if set_ == "gate":
        failed = check_floors(scores, json.loads(floors.read_text(encoding="utf-8")))
        for f in failed:
            _err(f"gate: {f}")
        typer.echo("gate: " + ("FAILED" if failed else "passed"))
        if failed:
            raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
