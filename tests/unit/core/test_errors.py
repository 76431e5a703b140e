import pytest

from sitroom.errors import EnvironmentProblem, InputError, StoreError, UsageError


@pytest.mark.parametrize(
    ("exc", "exit_code"),
    [
        (InputError("bad file"), 1),
        (UsageError("bad option"), 2),
        (EnvironmentProblem("no model"), 3),
        (StoreError("write failed"), 1),
        (StoreError("held by a writer", code="E_STORE_LOCKED"), 3),
        (StoreError("read-only", code="E_STORE_READONLY"), 3),
        (StoreError("folder, not a file", code="E_STORE_PATH"), 3),
        (StoreError("run sitroom db migrate", code="E_STORE_OUTDATED"), 3),
        (StoreError("no database at x.duckdb", code="E_STORE_MISSING"), 2),
    ],
)
def test_exit_codes(exc, exit_code):
    assert exc.exit_code == exit_code


def test_a_directory_as_the_store_is_an_environment_problem(tmp_path):
    from typer.testing import CliRunner

    from sitroom.cli import app

    r = CliRunner().invoke(app, ["db", "migrate", "--db", str(tmp_path)])
    assert r.exit_code == 3, r.output
    assert "E_STORE" in r.output and "Traceback" not in r.output


def test_reading_a_database_that_is_not_there_is_a_usage_error(tmp_path):
    from typer.testing import CliRunner

    from sitroom.cli import app

    missing = str(tmp_path / "missing.duckdb")
    for args in (
        ["events", "--db", missing],
        ["export", "-f", "geojson", "--db", missing, "--out", str(tmp_path / "x")],
    ):
        r = CliRunner().invoke(app, args)
        assert r.exit_code == 2, r.output
        assert "no database at" in r.output and "E_STORE_MISSING" in r.output
