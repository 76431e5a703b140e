"""Store faults: readers during writes never see half an article; a full disk and a read-only store
give clear errors and leave the file clean; a locked file is refused at once, not waited on."""

from __future__ import annotations

import subprocess
import sys
import threading

import duckdb
import pytest

from sitroom.errors import StoreError
from sitroom.store import open_store
from sitroom.store.synthetic import article_result, results


def test_readers_never_see_half_an_article(tmp_path):
    """Each synthetic article has 3 events, written in one transaction with them: any snapshot a reader
    takes has exactly 3 events per article and no event without its article."""
    store = open_store(tmp_path / "c.duckdb")
    stop = threading.Event()
    bad: list[tuple] = []
    reads = 0

    def reader() -> None:
        nonlocal reads
        cur = store.cursor()
        while not stop.is_set():
            row = cur.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events), "
                "(SELECT count(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles))"
            ).fetchone()
            reads += 1
            if row[1] != 3 * row[0] or row[2]:
                bad.append(row)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for i in range(40):
            store.write([article_result(i, n_events=3) for i in range(i * 5, i * 5 + 5)])
    finally:
        stop.set()
        for t in threads:
            t.join()
        store.close()
    assert not bad and reads > 10


def test_read_only_store_refuses_writes(tmp_path):
    path = tmp_path / "ro.duckdb"
    with open_store(path) as s:
        s.write(results(2))
    with open_store(path, read_only=True) as s, pytest.raises(StoreError) as e:
        s.write(results(3))
    assert e.value.code == "E_STORE_READONLY"
    with open_store(path, read_only=True) as s:
        assert s.info()["articles"] == 2


@pytest.mark.parametrize("bad", ["afile/x.duckdb", "adir"])
def test_unusable_db_path_is_a_clear_error(tmp_path, bad):
    (tmp_path / "afile").write_text("not a folder")
    (tmp_path / "adir").mkdir()
    with pytest.raises(StoreError) as e:
        open_store(tmp_path / bad)
    assert e.value.code == "E_STORE_PATH"


HOLD = """
import sys, time
from sitroom.store import open_store
s = open_store(sys.argv[1])
print("open", flush=True)
time.sleep(30)
"""


def test_second_writer_is_refused_at_once(tmp_path):
    path = tmp_path / "lock.duckdb"
    open_store(path).close()
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
        for ro in (False, True):
            with pytest.raises(StoreError) as e:
                open_store(path, read_only=ro)
            assert e.value.code == "E_STORE_LOCKED" and "one writer" in str(e.value)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


DISK_FULL = """
import resource, signal, sys
from sitroom.errors import StoreError
from sitroom.store import open_store
from sitroom.store.synthetic import results
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the limit, write() fails with EFBIG as on a full disk
store = open_store(sys.argv[1])
store.write(results(5))
store.con.execute("CHECKPOINT")
resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))
try:
    for i in range(200):
        store.write(results(50, start=5 + i * 50))
except StoreError as e:
    print("E", e.code, str(e)[:300], flush=True)
    sys.exit(7)
except Exception as e:
    print("X", type(e).__name__, str(e)[:300], flush=True)
    sys.exit(8)
print("no error", flush=True)
"""


def test_disk_full_is_a_clear_error_and_no_corruption(tmp_path):
    path = tmp_path / "full.duckdb"
    got = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(path)], capture_output=True, text=True, timeout=300
    )
    assert got.returncode in (7, 8, 1), got.stdout + got.stderr[-1500:]
    assert got.stdout.startswith("E E_STORE") and "File too large" in got.stdout, (
        got.stdout + got.stderr[-1500:]
    )
    con = duckdb.connect(str(path), read_only=True)  # opens clean: the WAL replays or is dropped
    try:
        n_art, n_ev = con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)"
        ).fetchone()
        orphans = con.execute(
            "SELECT count(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()
    finally:
        con.close()
    assert n_art >= 5 and n_ev == 3 * n_art and orphans == (0,)
    print(f"disk full: {got.stdout.strip()} | kept {n_art} articles")
