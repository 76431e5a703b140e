"""A small store of synthetic events (no spaCy) and in-process clients over it."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install 'sitroom[serve]'")

from fastapi.testclient import TestClient  # noqa: E402
from servekit import N_ARTICLES, WRITE, fake_processor, hostile_result  # noqa: E402

from sitroom.link import link_articles  # noqa: E402
from sitroom.serve import create_app  # noqa: E402
from sitroom.store import open_store  # noqa: E402
from sitroom.store.synthetic import results  # noqa: E402


@pytest.fixture(scope="session")
def db_path(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("serve") / "synthetic.duckdb")
    with open_store(path) as store:
        store.write(results(N_ARTICLES))
        store.write([hostile_result()])
        link_articles(store)  # stories and provenance, as `sitroom ingest` leaves them
    return path


@pytest.fixture(scope="session")
def client(db_path):
    with TestClient(create_app(db_path)) as c:
        yield c


@pytest.fixture()
def writer(tmp_path):
    """A writable app (write token set, fake pipeline) over a fresh store."""
    path = str(tmp_path / "w.duckdb")
    with open_store(path) as store:
        store.write(results(2))
    with TestClient(
        create_app(path, token=WRITE, processor=fake_processor, max_body=20_000, max_batch=5)
    ) as c:
        yield c
