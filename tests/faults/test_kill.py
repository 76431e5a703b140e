"""Kill -9 at random points of an ingest, again and again: the re-run ends with exactly the articles,
events, failures and stories of an uninterrupted run, and the DuckDB file opens clean."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [str(ROOT / "tests" / "corpus" / "stories" / "articles.jsonl"), str(ROOT / "examples")]
KILLS = 5

# Writes every 3 results, so kills land between, inside and after committed batches.
SCRIPT = """
import sys
from sitroom.pipeline import ingest
from sitroom.store import open_store
with open_store(sys.argv[1]) as store:
    c = ingest(sys.argv[2:], store, write_every=3)
print("done", c.new, c.known, c.failed, flush=True)
"""


def _ingest(db: Path, *, kill_after: float | None = None) -> bool:
    """Run an ingest in a child; SIGKILL it after `kill_after` seconds. True when it finished."""
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(db), *SOURCES], stdout=subprocess.DEVNULL)
    try:
        proc.wait(timeout=kill_after if kill_after is not None else 300)
    except subprocess.TimeoutExpired:
        proc.kill()  # SIGKILL: no cleanup, no rollback, no atexit
        proc.wait()
        return False
    assert proc.returncode == 0
    return True


def snapshot(db: Path) -> dict[str, object]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = lambda sql: sorted(con.execute(sql).fetchall())  # noqa: E731
        stories = q("SELECT story_id, list_sort(list(article_id)) FROM story_articles GROUP BY 1")
        return {
            "articles": q("SELECT id FROM articles"),
            "events": q("SELECT id, article_id, event_type FROM events"),
            "failures": q("SELECT id, code FROM failures"),
            "places": q("SELECT article_id, count(*) FROM places GROUP BY 1"),
            "stories": sorted(tuple(ids) for _, ids in stories),
        }
    finally:
        con.close()


@pytest.mark.slow
def test_kill_9_loop_loses_and_doubles_nothing(tmp_path):
    ref, db = tmp_path / "ref.duckdb", tmp_path / "killed.duckdb"
    t0 = time.perf_counter()
    assert _ingest(ref)
    full = time.perf_counter() - t0
    want = snapshot(ref)
    assert want["articles"] and want["events"] and want["stories"]
    rng = random.Random(8)
    survived = 0
    for _ in range(KILLS):
        finished = _ingest(db, kill_after=rng.uniform(0.5, full))
        snapshot(db)  # opens clean after every kill
        survived += not finished
    assert _ingest(db)
    assert snapshot(db) == want
    assert survived >= KILLS // 2, "most runs should have been killed mid-way"
    print(f"kill -9: {survived} kills survived; full run {full:.1f} s; {len(want['articles'])} articles")


WRITE_ONLY = """
import sys
from sitroom.pipeline import process_articles
from sitroom.ingest import read
from sitroom.store import open_store
with open_store(sys.argv[1]) as store:
    store.write(process_articles(read(sys.argv[2:])))
"""


@pytest.mark.slow
def test_kill_between_the_last_write_and_linking(tmp_path):
    """Articles stored by a run killed before it linked them get their stories on the next run."""
    ref, db = tmp_path / "ref.duckdb", tmp_path / "unlinked.duckdb"
    assert _ingest(ref)
    subprocess.run([sys.executable, "-c", WRITE_ONLY, str(db), *SOURCES], check=True)
    assert _ingest(db)
    assert snapshot(db) == snapshot(ref)
