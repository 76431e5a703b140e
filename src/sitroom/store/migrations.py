"""Named, ordered schema migrations. Append only: never edit or reorder a migration once released.

Each migration runs in its own transaction together with its row in `migrations`, so a database is
always at a known step. A step is SQL (one or more statements) or a function taking the connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sitroom.errors import StoreError

if TYPE_CHECKING:
    import duckdb

Step = str | Callable[["duckdb.DuckDBPyConnection"], None]
Migration = tuple[str, Step]

BOOTSTRAP = "CREATE TABLE IF NOT EXISTS migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"

_CORE = """
CREATE TABLE articles (
    id VARCHAR PRIMARY KEY,
    ref VARCHAR,
    url VARCHAR,
    outlet VARCHAR,
    title VARCHAR,
    published VARCHAR,
    published_basis VARCHAR,
    authors JSON,
    language VARCHAR,
    removed JSON,
    text VARCHAR,
    source VARCHAR,
    ingested_at TIMESTAMP
);
CREATE TABLE events (
    id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    event_type VARCHAR,
    cameo VARCHAR,
    cameo_root VARCHAR,
    quad_class INTEGER,
    goldstein DOUBLE,
    mode VARCHAR,
    context VARCHAR[],
    acled_event_type VARCHAR,
    acled_sub_event_type VARCHAR,
    source JSON,
    target JSON,
    source_country VARCHAR[],
    target_country VARCHAR[],
    source_sector VARCHAR[],
    target_sector VARCHAR[],
    source_name VARCHAR[],
    target_name VARCHAR[],
    source_actor_id VARCHAR[],
    target_actor_id VARCHAR[],
    actor_search VARCHAR,          -- lower-cased texts, names, ids, countries, one per line
    location_text VARCHAR,
    location_name VARCHAR,
    location_country VARCHAR,
    location_admin1 VARCHAR,
    location_lat DOUBLE,
    location_lon DOUBLE,
    location_precision VARCHAR,
    location_gazetteer_id VARCHAR,
    location_geonames_id BIGINT,
    location_icao VARCHAR,
    date_value VARCHAR,            -- ISO, as long as the precision allows
    date_precision VARCHAR,
    date_basis VARCHAR,
    date_text VARCHAR,
    date_start DATE,               -- the period date_value covers, for since/until overlap
    date_end DATE,
    negated BOOLEAN,
    hedged BOOLEAN,
    planned BOOLEAN,
    conditional BOOLEAN,
    tense VARCHAR,
    attribution_text VARCHAR,
    attribution_anonymous BOOLEAN,
    attribution_via VARCHAR,
    quantities JSON,
    evidence_sentence VARCHAR,
    evidence_start INTEGER,
    evidence_end INTEGER,
    trigger VARCHAR,
    trigger_start INTEGER,
    trigger_end INTEGER,
    confidence DOUBLE,
    method VARCHAR,
    record JSON NOT NULL           -- to_dict(event): what the query layer returns
);
CREATE TABLE places (
    article_id VARCHAR NOT NULL,
    start INTEGER,
    "end" INTEGER,
    text VARCHAR,
    name VARCHAR,
    country VARCHAR,
    admin1 VARCHAR,
    lat DOUBLE,
    lon DOUBLE,
    precision VARCHAR,
    gazetteer_id VARCHAR,
    geonames_id BIGINT,
    icao VARCHAR,
    score DOUBLE,
    method VARCHAR
);
CREATE TABLE actors (
    article_id VARCHAR NOT NULL,
    start INTEGER,
    "end" INTEGER,
    text VARCHAR,
    name VARCHAR,
    country VARCHAR,
    sector VARCHAR,
    kind VARCHAR,
    actor_id VARCHAR
);
CREATE TABLE failures (
    id VARCHAR PRIMARY KEY,        -- hash of (source, code): the same failure twice is one row
    source VARCHAR,
    stage VARCHAR,
    code VARCHAR,
    message VARCHAR,
    article_id VARCHAR,
    recorded_at TIMESTAMP
);
"""

# Point lookups only: DuckDB scans are fast, but "events of article X" and "article by ref" are
# the article view's and resume's hot paths.
_LOOKUP_INDEXES = """
CREATE INDEX events_article_idx ON events (article_id);
CREATE INDEX articles_ref_idx ON articles (ref);
"""

# Stories and provenance, written by `sitroom.link`. Rows of a story are replaced whole when it
# grows; `story_keys` (blocking), `link_bands` (MinHash LSH) and `link_terms` (document frequencies)
# let new articles find their candidates with indexed joins instead of reclustering.
_STORIES = """
CREATE TABLE stories (
    id VARCHAR PRIMARY KEY,
    title VARCHAR,
    first_seen VARCHAR,
    last_seen VARCHAR,
    day_min DATE,
    day_max DATE,
    article_count INTEGER,
    independent_sources INTEGER,
    origin_id VARCHAR,
    outlets VARCHAR[],
    countries VARCHAR[],
    agencies VARCHAR[],
    events JSON,                   -- canonical events, each field with the article supporting it
    centroid JSON,                 -- term -> weight: what new articles are scored against
    signatures JSON,               -- [[event type, place, day], ...] stated by its members
    method VARCHAR,
    updated_at TIMESTAMP
);
CREATE TABLE story_articles (
    article_id VARCHAR PRIMARY KEY,
    story_id VARCHAR NOT NULL,
    relation VARCHAR NOT NULL,     -- origin | copy | rewrite | independent
    derived_from VARCHAR,
    score DOUBLE,                  -- copy containment or rewrite score against derived_from
    attribution_dropped BOOLEAN,
    family_id VARCHAR,             -- first article of its text family
    credits VARCHAR[],             -- agencies the article itself credits
    story_score DOUBLE             -- similarity that placed it in the story (NULL: founded it or copy)
);
CREATE INDEX story_articles_story_idx ON story_articles (story_id);
CREATE TABLE story_keys (key VARCHAR NOT NULL, story_id VARCHAR NOT NULL);
CREATE INDEX story_keys_key_idx ON story_keys (key);
CREATE TABLE link_bands (band_key BIGINT NOT NULL, article_id VARCHAR NOT NULL);
CREATE INDEX link_bands_key_idx ON link_bands (band_key);
CREATE TABLE link_terms (term VARCHAR PRIMARY KEY, df INTEGER NOT NULL);
"""

# Feed entries `sitroom watch` has taken in, so a later poll skips them (keyed by entry id or link).
_FEED_SEEN = """
CREATE TABLE feed_seen (
    feed VARCHAR NOT NULL,
    entry_key VARCHAR NOT NULL,
    article_id VARCHAR,
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (feed, entry_key)
);
"""

# What copy detection and provenance read of each linked article, saved when it is linked: later
# batches compare new articles with the members of the stories they extend, and recomputing these
# for every earlier member made each batch of a long link slower than the last. Shingles: the
# sorted uint32 hashes of `sitroom.link.families.shingle_hashes`, little-endian; quotes: each quoted
# passage's word set, sorted and joined by spaces. Articles linked before this table existed get
# their row the first time a link meets them again.
_PROVENANCE_FEATURES = """
CREATE TABLE provenance_features (
    article_id VARCHAR NOT NULL,   -- one row an article (linked once; no index: read by joins)
    shingles BLOB NOT NULL,
    numbers VARCHAR[] NOT NULL,
    quotes VARCHAR[] NOT NULL,
    credits VARCHAR[] NOT NULL
);
"""

# The rest of an article's link features beside them: what story similarity reads (publication day, terms
# with their raw weights in order, blocking keys, principal persons) and its MinHash band keys. A batch
# run's workers compute the features with the parse, the writer the band keys as it loads them, so the
# serial link at the end of a run reads them instead of computing them. NULL `terms`: a row of
# provenance features only (an article linked before this step, or met again since); NULL `bands`:
# the link makes them.
_LINK_FEATURES = """
ALTER TABLE provenance_features RENAME TO link_features;
ALTER TABLE link_features ADD COLUMN day DATE;
ALTER TABLE link_features ADD COLUMN terms VARCHAR[];
ALTER TABLE link_features ADD COLUMN weights DOUBLE[];
ALTER TABLE link_features ADD COLUMN keys VARCHAR[];
ALTER TABLE link_features ADD COLUMN persons VARCHAR[];
ALTER TABLE link_features ADD COLUMN person_weights DOUBLE[];
ALTER TABLE link_features ADD COLUMN bands BIGINT[];
"""

# When an article's page was fetched (a crawl's WARC-Date, or our fetch of a URL), ISO UTC; NULL for
# articles read from files and records, and for those stored before this step.
_FETCHED = """
ALTER TABLE articles ADD COLUMN fetched VARCHAR;
"""

# A polled feed's validators (ETag, Last-Modified) as its server last sent them, so that `watch` asks
# with a conditional GET and an unchanged feed costs a 304 with no body.
_FEED_STATE = """
CREATE TABLE feed_state (
    feed VARCHAR PRIMARY KEY,
    etag VARCHAR,
    last_modified VARCHAR,
    checked_at TIMESTAMP NOT NULL
);
"""

MIGRATIONS: tuple[Migration, ...] = (
    ("0001_core_tables", _CORE),
    ("0002_lookup_indexes", _LOOKUP_INDEXES),
    ("0003_stories", _STORIES),
    ("0004_feed_seen", _FEED_SEEN),
    ("0005_provenance_features", _PROVENANCE_FEATURES),
    ("0006_link_features", _LINK_FEATURES),
    ("0007_article_fetched", _FETCHED),
    ("0008_feed_state", _FEED_STATE),
)


def applied(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the applied migrations in the order they ran ([] for a database without the table)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return []
    return [r[0] for r in con.execute("SELECT name FROM migrations ORDER BY applied_at, name").fetchall()]


def pending(con: duckdb.DuckDBPyConnection, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Names not yet applied; raises StoreError if the database has steps this code does not know."""
    done = applied(con)
    known = [name for name, _ in migrations]
    unknown = [n for n in done if n not in known]
    if unknown:
        raise StoreError(
            f"the database has migrations this version of Sitroom does not know: {unknown}; "
            f"upgrade Sitroom to open it",
            code="E_STORE_NEWER",
        )
    return [n for n in known if n not in done]


def apply(con: duckdb.DuckDBPyConnection, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Apply pending migrations in order, each in one transaction. Returns the names applied."""
    con.execute(BOOTSTRAP)
    todo = set(pending(con, migrations))
    done: list[str] = []
    for name, step in migrations:
        if name not in todo:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if callable(step):
                step(con)
            else:
                con.execute(step)
            con.execute(
                "INSERT INTO migrations VALUES (?, ?)", [name, datetime.now(UTC).replace(tzinfo=None)]
            )
            con.execute("COMMIT")
        except Exception as e:
            con.execute("ROLLBACK")
            raise StoreError(f"migration {name} failed: {e}", code="E_MIGRATION") from e
        done.append(name)
    return done
