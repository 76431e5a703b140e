"""What every command shares: the app, error translation, output and settings options."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Annotated, Any

import typer

from sitroom.errors import EnvironmentProblem, SitroomError, UsageError

app = typer.Typer(
    help="Sitroom: news in, situation picture out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The store: counts, failures, schema version, migrations.", no_args_is_help=True)
gaz_app = typer.Typer(help="The offline gazetteer built from PyPI data.", no_args_is_help=True)
onto_app = typer.Typer(help="PLOVER / CAMEO / ACLED ontology tables.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(gaz_app, name="gazetteer")
app.add_typer(onto_app, name="ontology")

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table | json | jsonl | csv | geojson")]
DbOpt = Annotated[
    str | None, typer.Option("--db", help="DuckDB file (default: $SITROOM_DB or sitroom.duckdb)")
]


def err(msg: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {escape(msg)}")


# What DuckDB raises (a plain RuntimeError) when Ctrl-C stops one of its queries
DUCKDB_INTERRUPTED = "Query interrupted"


@contextmanager
def _ctrl_c_stops_queries() -> Iterator[None]:
    """While a command runs, Ctrl-C also interrupts the DuckDB queries of its open stores. DuckDB
    often lets the signal go by while a query runs (a press 1 s into a long query: taken in 2 runs of
    8). Python's C-level handler writes the signal's number to a wakeup socket even while the main
    thread waits inside DuckDB; a thread reading it calls `interrupt_queries`."""
    import signal
    import socket
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    r, w = socket.socketpair()
    w.setblocking(False)
    try:
        old = signal.set_wakeup_fd(w.fileno(), warn_on_full_buffer=False)
    except ValueError:  # not the main interpreter
        r.close()
        w.close()
        yield
        return

    def watch() -> None:
        from sitroom.store import interrupt_queries

        while data := r.recv(64):  # b"" once `w` is closed
            if signal.SIGINT in data:
                interrupt_queries()

    watcher = threading.Thread(target=watch, name="sitroom-ctrl-c", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(old)
        w.close()
        watcher.join(1.0)
        r.close()


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Translate library errors into a message and an exit code; never a traceback for known errors."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _ctrl_c_stops_queries():
                return fn(*args, **kwargs)
        except EnvironmentProblem as e:
            err(f"{e} [{e.code}]")
            raise typer.Exit(3) from None
        except UsageError as e:
            err(f"{e} [{e.code}]")
            raise typer.Exit(2) from None
        except SitroomError as e:
            err(f"{e} [{e.code}]")
            raise typer.Exit(e.exit_code) from None
        except RuntimeError as e:
            if str(e) != DUCKDB_INTERRUPTED:
                raise
            raise KeyboardInterrupt from None  # Ctrl-C mid-query: exit 130 as anywhere else

    return wrapper


def check_format(fmt: str) -> str:
    from sitroom.output import FORMATS

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return fmt


def settings_for(db: str | None = None):
    from sitroom.config import load

    return load(db=db)


def parse_published(value: str | None) -> str | None:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"--published must be a date YYYY-MM-DD, got {value!r}") from None


def esc(s: str) -> str:
    from rich.markup import escape

    return escape(str(s))


# The order of a numeric record date's parts (03/05/2024); shared by run, ingest and batch.
DateOrderOpt = Annotated[
    str | None,
    typer.Option(
        "--date-order",
        help="how CSV/JSON dates such as 03/05/2024 are ordered: MDY (the default), DMY or YMD",
    ),
]

# The event filters every query command shares (`events`, `export`): one declaration, one builder.
CountryOpt = Annotated[str | None, typer.Option(help="ISO3 country (place or actor)")]
TypeOpt = Annotated[list[str] | None, typer.Option("--type", help="PLOVER event type (repeatable)")]
ActorOpt = Annotated[str | None, typer.Option(help="actor name, text, id or country")]
SinceOpt = Annotated[str | None, typer.Option(help="events on or after YYYY-MM-DD")]
UntilOpt = Annotated[str | None, typer.Option(help="events on or before YYYY-MM-DD")]
NearOpt = Annotated[str | None, typer.Option(help="LAT,LON,KM")]
TextOpt = Annotated[str | None, typer.Option(help="substring of the evidence sentence")]


def event_filter(country, type, actor, since, until, near, text, limit):  # noqa: A002 - the option's name
    """The query layer's filter from the shared options (bad values raise UsageError)."""
    from sitroom.query import EventFilter, parse_near

    return EventFilter(
        country=country,
        event_type=tuple(type or ()),
        actor=actor,
        since=since,
        until=until,
        near=parse_near(near) if near else None,
        text=text,
        limit=limit,
    )
