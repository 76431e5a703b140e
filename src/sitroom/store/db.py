"""The DuckDB store: one file, opened by one writer at a time (DuckDB's own file lock)."""

from __future__ import annotations

import itertools
import os
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from sitroom.errors import StoreError
from sitroom.records import ArticleResult
from sitroom.store import migrations as mig
from sitroom.store import rows

BATCH = 2_000  # articles per transaction: big enough for Arrow to pay, small enough to resume cheaply
MEMORY = ":memory:"
LINKED = "link_features"  # the link stage's table of article features, loaded with the articles
_OPEN: weakref.WeakSet[Store] = weakref.WeakSet()  # open stores, for `interrupt_queries`


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[str]:
    """`table` as the view `name` for the statements in the block, unregistered after it. Quietly:
    after an interrupt (Ctrl-C) or a failed statement DuckDB refuses even that ("transaction is
    aborted"), and its error would hide the one that matters."""
    con.register(name, table)
    try:
        yield name
    finally:
        with suppress(duckdb.Error):
            con.unregister(name)


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteCounts:
    new: int = 0  # articles stored for the first time
    known: int = 0  # articles already in the store (same content hash): nothing changed
    failed: int = 0  # inputs that came with at least one failure (recorded in `failures`)
    events: int = 0  # events stored

    def __add__(self, other: WriteCounts) -> WriteCounts:
        return WriteCounts(
            new=self.new + other.new,
            known=self.known + other.known,
            failed=self.failed + other.failed,
            events=self.events + other.events,
        )


class Store:
    """A connection to one Sitroom database. Use `open_store`; close it (or use `with`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str, *, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the same database, for one thread (HTTP handlers) or one query."""
        return self.con.cursor()

    # -- schema --------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply pending migrations; returns the names applied ([] when up to date)."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; cannot migrate it", code="E_STORE_READONLY")
        return mig.apply(self.con, mig.MIGRATIONS)

    def pending_migrations(self) -> list[str]:
        return mig.pending(self.con, mig.MIGRATIONS)

    def applied_migrations(self) -> list[str]:
        return mig.applied(self.con)

    def identity(self) -> str:
        """Which database this is: its absolute path and when it was made (its first migration). A file
        deleted and made again at the same path is another database, with none of the first one's rows:
        batch markers keyed on this are not taken for it."""
        made = self.con.execute("SELECT min(applied_at) FROM migrations").fetchone()
        when = made[0].isoformat() if made and made[0] is not None else "?"
        return f"{os.path.abspath(self.path)}@{when}"

    def schema_version(self) -> int:
        """How many of the known migrations this database has (len(MIGRATIONS) when current)."""
        return len(mig.applied(self.con))

    # -- writing -------------------------------------------------------------------------------
    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of these article ids are already stored."""
        wanted = sorted(set(ids))
        if not wanted:
            return set()
        got = self.con.execute(
            "SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [wanted]
        ).fetchall()
        return {r[0] for r in got}

    def write(self, results: Iterable[ArticleResult], *, batch: int = BATCH) -> WriteCounts:
        """Store results, one transaction per batch. Idempotent: a known article id changes nothing
        (counted as `known`); the same failure (source + code) is recorded once."""
        self._check_writable()
        total = WriteCounts()
        for chunk in _chunks(results, batch):
            with_article = [r.article.id for r in chunk if r.article is not None]
            counts = self.write_tables(rows.tables(chunk, skip=self.known_ids(with_article)))
            total = total + WriteCounts(
                new=counts.new,
                known=len(with_article) - counts.new,
                failed=sum(1 for r in chunk if r.failures),
                events=counts.events,
            )
        return total

    def write_tables(
        self, tables: Mapping[str, pa.Table], *, ingested_at: datetime | None = None
    ) -> WriteCounts:
        """Load Arrow tables shaped as `rows.TABLES` (e.g. Parquet shards from workers) in one
        transaction. Idempotent in SQL: rows of articles already stored are skipped. `failed`
        counts failure rows newly recorded. A `link_features` table (rows of the articles' link
        features, `sitroom.link.stored.LINK_FEATURES`) is loaded with them when given.
        `ingested_at` (UTC, naive) stamps the new articles instead of the time of this write: the link
        orders articles of one published time by it, so a batch run gives all its articles one."""
        self._check_writable()
        missing = sorted(set(rows.TABLES) - set(tables))
        if missing:
            raise StoreError(f"write_tables needs tables {sorted(rows.TABLES)}; missing {missing}")
        now = datetime.now(UTC).replace(tzinfo=None)
        con = self.con
        names = {t: f"_new_{t}" for t in (*rows.TABLES, *([LINKED] if LINKED in tables else []))}
        new_articles = "(SELECT id FROM _new_articles WHERE id NOT IN (SELECT id FROM articles))"

        def run(sql: str, *params: object) -> int:
            got = con.execute(sql, list(params)).fetchone()
            return int(got[0]) if got else 0

        con.execute("BEGIN TRANSACTION")
        try:
            for t, name in names.items():
                con.register(name, tables[t])
            # Children first, while `articles` still tells which article ids are new.
            # The actor and quantity JSON columns are cut from the record in SQL: one encode per event.
            n_events = run(
                "INSERT OR IGNORE INTO events BY NAME SELECT *, record->'source' AS source, "
                "record->'target' AS target, record->'quantities' AS quantities "
                f"FROM _new_events WHERE article_id IN {new_articles}"
            )
            run(f"INSERT INTO places BY NAME SELECT * FROM _new_places WHERE article_id IN {new_articles}")
            run(f"INSERT INTO actors BY NAME SELECT * FROM _new_actors WHERE article_id IN {new_articles}")
            if LINKED in names:
                run(
                    f"INSERT INTO {LINKED} BY NAME SELECT * FROM _new_{LINKED} "
                    f"WHERE article_id IN {new_articles}"
                )
            n_new = run(
                "INSERT INTO articles BY NAME SELECT *, ? AS ingested_at FROM "
                "(SELECT DISTINCT ON (id) * FROM _new_articles) WHERE id NOT IN (SELECT id FROM articles)",
                ingested_at or now,
            )
            n_failed = run(
                "INSERT OR IGNORE INTO failures BY NAME SELECT *, ? AS recorded_at FROM _new_failures", now
            )
            con.execute("COMMIT")
        except BaseException as e:  # an interrupt mid-batch must not leave a transaction open
            with suppress(duckdb.Error):  # a failed COMMIT (disk full) has already ended it
                con.execute("ROLLBACK")
            if isinstance(e, duckdb.Error):
                raise StoreError(f"writing to {self.path} failed: {e}") from e
            raise
        finally:
            for name in names.values():
                with suppress(duckdb.Error):
                    con.unregister(name)
        return WriteCounts(
            new=n_new, known=tables["articles"].num_rows - n_new, failed=n_failed, events=n_events
        )

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; cannot write to it", code="E_STORE_READONLY")

    # -- reading -------------------------------------------------------------------------------
    def failures(self, *, code: str | None = None, source: str | None = None, limit: int = 50) -> list[dict]:
        """Recorded failures, newest first: of one code, and/or whose source contains `source`."""
        where, params = [], []
        if code:
            where.append("code = ?")
            params.append(code)
        if source:
            where.append("contains(source, ?)")
            params.append(source)
        sql = "SELECT source, stage, code, message, article_id, CAST(recorded_at AS VARCHAR) FROM failures"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY recorded_at DESC, source LIMIT ?"
        cols = ("source", "stage", "code", "message", "article_id", "recorded_at")
        return [dict(zip(cols, r, strict=True)) for r in self.con.execute(sql, [*params, limit]).fetchall()]

    def info(self) -> dict[str, Any]:
        """Counts and facts for `sitroom db info`."""
        con = self.con

        def count(table: str) -> int:
            return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]

        by_type = con.execute(
            "SELECT coalesce(event_type, '?'), count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        size = os.path.getsize(self.path) if self.path != MEMORY and os.path.exists(self.path) else 0
        return {
            "path": self.path,
            "size_bytes": size,
            "schema_version": self.schema_version(),
            "migrations": self.applied_migrations(),
            "articles": count("articles"),
            "events": count("events"),
            "places": count("places"),
            "actors": count("actors"),
            "failures": count("failures"),
            "event_types": {t: int(n) for t, n in by_type},
        }


def _chunks(items: Iterable[ArticleResult], n: int) -> Iterator[list[ArticleResult]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


def default_path() -> str:
    """The configured database path (SITROOM_DB, else `sitroom.duckdb` in the working directory)."""
    from sitroom import config

    return config.load().db


def open_store(path: str | Path | None = None, *, read_only: bool = False) -> Store:
    """Open (creating if needed) and migrate a store. Read-only opens refuse an outdated schema.

    `path=None` uses the configured path; ":memory:" gives a throwaway in-memory store.
    """
    p = str(path) if path is not None else default_path()
    if p != MEMORY:
        if read_only and not Path(p).exists():
            raise StoreError(
                f"no database at {p}; create one with `sitroom ingest` or `sitroom db migrate`",
                code="E_STORE_MISSING",
            )
        if not read_only:
            try:
                Path(p).parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(
                    f"cannot create the folder for the database {p}: {e.strerror or e}; pick a writable "
                    "path with --db or SITROOM_DB",
                    code="E_STORE_PATH",
                ) from e
    try:
        con = duckdb.connect(p, read_only=read_only and p != MEMORY)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise StoreError(
                f"cannot open {p}: {e}. Another process may be writing to it (DuckDB allows one writer)",
                code="E_STORE_LOCKED",
            ) from e
        raise StoreError(
            f"cannot open {p}: {e}. Check that the path is a writable file (--db or SITROOM_DB)",
            code="E_STORE_PATH",
        ) from e
    except duckdb.Error as e:
        raise StoreError(f"cannot open {p} as a DuckDB database: {e}") from e
    store = Store(con, p, read_only=read_only)
    try:
        if read_only:
            todo = mig.pending(con)
            if todo:
                raise StoreError(
                    f"{p} needs schema migrations {todo}; run `sitroom db migrate --db {p}` first",
                    code="E_STORE_OUTDATED",
                )
        else:
            mig.apply(con)
    except BaseException:
        con.close()
        raise
    _OPEN.add(store)
    return store


def interrupt_queries() -> None:
    """Stop the query each open store is running (safe from another thread; `cli.common` calls it
    when Ctrl-C comes, as DuckDB itself often lets the signal go by while a query runs)."""
    for store in list(_OPEN):
        with suppress(duckdb.Error, RuntimeError):  # closed, or nothing running
            store.con.interrupt()
