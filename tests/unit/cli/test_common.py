"""The CLI's error translation: known errors become a message and an exit code, never a traceback."""

from __future__ import annotations

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from sitroom.cli.common import guarded
from sitroom.errors import UsageError


def _app(raise_it) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    @guarded
    def go() -> None:
        raise_it()

    return app


def test_ctrl_c_inside_a_duckdb_query_exits_130_like_anywhere_else():
    """DuckDB turns the SIGINT of Ctrl-C into a RuntimeError of its own, not KeyboardInterrupt."""
    import os
    import signal
    import threading

    def long_query() -> None:
        con = duckdb.connect()
        threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        con.execute("SELECT count(*) FROM range(100000000000) a, range(10) b").fetchall()

    got = CliRunner().invoke(_app(long_query), [])
    assert got.exit_code == 130
    assert "Traceback" not in got.output


def test_other_runtime_errors_are_not_taken_for_an_interrupt():
    def broken() -> None:
        raise RuntimeError("something else")

    got = CliRunner().invoke(_app(broken), [])
    assert isinstance(got.exception, RuntimeError) and got.exit_code == 1


@pytest.mark.parametrize(("error", "code"), [(UsageError("no such option value"), 2)])
def test_known_errors_become_exit_codes(error, code):
    def fail() -> None:
        raise error

    got = CliRunner().invoke(_app(fail), [])
    assert got.exit_code == code and "no such option value" in got.output


def test_the_batch_progress_line_fits_80_columns():
    import io

    from rich.console import Console

    from sitroom.cli.batch import progress_line

    con = Console(width=80, file=io.StringIO(), color_system=None)
    progress = progress_line(con)
    stats = "· 123,456 articles · 123.4/s · 45,678 words/s"
    task = progress.add_task("batch", total=1800, stats=stats)
    progress.update(task, advance=370)
    out = Console(width=80, file=io.StringIO(), color_system=None)
    out.print(progress.make_tasks_table(progress.tasks))
    (line,) = out.file.getvalue().splitlines()
    assert len(line) <= 80 and "370/1800" in line and stats in line and "0:00:0" in line
