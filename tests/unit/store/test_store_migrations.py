"""Schema migrations: fresh database, re-open, upgrade from an older step, read-only refusal."""

from __future__ import annotations

import duckdb
import pytest

from sitroom.errors import StoreError
from sitroom.store import migrations as mig
from sitroom.store import open_store

TABLES = {"migrations", "articles", "events", "places", "actors", "failures"}


def _tables(store) -> set[str]:
    return {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def _indexes(store) -> set[str]:
    return {r[0] for r in store.con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}


def test_migration_names_are_unique_and_ordered():
    names = [n for n, _ in mig.MIGRATIONS]
    assert len(set(names)) == len(names)
    assert names == sorted(names)
    assert all(n[:4].isdigit() and n[4] == "_" for n in names)


def test_fresh_database_gets_every_migration(tmp_path):
    path = tmp_path / "s.duckdb"
    with open_store(path) as s:
        assert s.applied_migrations() == [n for n, _ in mig.MIGRATIONS]
        assert s.schema_version() == len(mig.MIGRATIONS)
        assert _tables(s) >= TABLES
        assert s.pending_migrations() == []
    assert path.exists()


def test_reopen_applies_nothing(tmp_path):
    path = tmp_path / "s.duckdb"
    open_store(path).close()
    with open_store(path) as s:
        assert s.migrate() == []
        n = s.con.execute("SELECT count(*) FROM migrations").fetchone()[0]
        assert n == len(mig.MIGRATIONS)
    with open_store(path, read_only=True) as s:
        assert s.schema_version() == len(mig.MIGRATIONS)


def _old_db(path) -> None:
    con = duckdb.connect(str(path))
    assert mig.apply(con, mig.MIGRATIONS[:1]) == [mig.MIGRATIONS[0][0]]
    con.close()


def test_upgrade_from_first_migration(tmp_path):
    path = tmp_path / "old.duckdb"
    _old_db(path)
    with pytest.raises(StoreError, match="sitroom db migrate") as e:
        open_store(path, read_only=True)
    assert e.value.code == "E_STORE_OUTDATED"
    with open_store(path) as s:
        assert s.applied_migrations() == [n for n, _ in mig.MIGRATIONS]
        assert {"events_article_idx", "articles_ref_idx"} <= _indexes(s)
    with open_store(path, read_only=True) as s:  # now current: read-only opens work
        assert s.pending_migrations() == []


def test_read_only_missing_file(tmp_path):
    with pytest.raises(StoreError, match="no database"):
        open_store(tmp_path / "nope.duckdb", read_only=True)


def test_read_only_store_refuses_writes(tmp_path):
    path = tmp_path / "s.duckdb"
    open_store(path).close()
    with open_store(path, read_only=True) as s:
        with pytest.raises(StoreError, match="read-only"):
            s.write([])
        with pytest.raises(StoreError, match="read-only"):
            s.migrate()


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "s.duckdb"
    with open_store(path) as s:
        s.con.execute("INSERT INTO migrations VALUES ('9999_future', now())")
    with pytest.raises(StoreError, match="9999_future") as e:
        open_store(path)
    assert e.value.code == "E_STORE_NEWER"


def test_failed_migration_rolls_back():
    con = duckdb.connect()
    bad = [("0001_ok", "CREATE TABLE a (x INT)"), ("0002_bad", "CREATE TABLE b (x INT); SELEC nonsense")]
    with pytest.raises(StoreError, match="0002_bad"):
        mig.apply(con, bad)
    assert mig.applied(con) == ["0001_ok"]
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert "a" in tables and "b" not in tables


def test_function_step_runs_once():
    con = duckdb.connect()
    calls = []

    def step(c):
        calls.append(1)
        c.execute("CREATE TABLE f (x INT)")

    steps = [("0001_f", step)]
    assert mig.apply(con, steps) == ["0001_f"]
    assert mig.apply(con, steps) == []
    assert calls == [1]


def test_memory_store():
    with open_store(":memory:") as s:
        assert s.info()["size_bytes"] == 0
        assert s.schema_version() == len(mig.MIGRATIONS)


def test_default_path_from_environment(tmp_path, monkeypatch):
    path = tmp_path / "env.duckdb"
    monkeypatch.setenv("SITROOM_DB", str(path))
    with open_store() as s:
        assert s.path == str(path)
    assert path.exists()


def test_locked_database_is_a_store_error(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "locked.duckdb"
    open_store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(path)!r}); print('ok', flush=True); "
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreError, match="one writer") as e:
            open_store(path)
        assert e.value.code == "E_STORE_LOCKED"
    finally:
        holder.communicate("", timeout=30)


def test_identity_names_this_database_not_just_its_path(tmp_path):
    path = tmp_path / "db.duckdb"
    with open_store(path) as st:
        first = st.identity()
    with open_store(path) as st:
        assert st.identity() == first  # the same database, opened again
    assert first.startswith(str(path) + "@")
    path.unlink()
    with open_store(path) as st:
        assert st.identity() != first  # made again at the same path: another database


def test_saved_provenance_features_are_kept_as_link_features(tmp_path):
    """A store of migration 0005 (provenance features of linked articles) opens with its rows as
    provenance-only rows of `link_features`, and links on: new articles get whole rows."""
    from sitroom.ingest import from_text
    from sitroom.link import link_articles, stored
    from sitroom.records import ArticleResult

    path = tmp_path / "v5.duckdb"
    con = duckdb.connect(str(path))
    upto = [n for n, _ in mig.MIGRATIONS].index("0005_provenance_features") + 1
    mig.apply(con, mig.MIGRATIONS[:upto])
    con.execute("INSERT INTO provenance_features VALUES ('old', '\\x01\\x00\\x00\\x00'::BLOB, ['3'], [], [])")
    con.close()
    with open_store(path) as s:
        assert "provenance_features" not in _tables(s)
        assert s.con.execute("SELECT article_id, terms FROM link_features").fetchall() == [("old", None)]
        new = from_text("Troops left the northern base on Monday, officials said.", ref="n")
        s.write([ArticleResult(article=new)])
        link_articles(s)
        whole = stored._read_whole(s, stored.articles(s, [new.id]))[0]
        assert list(whole) == [new.id] and whole[new.id].terms
