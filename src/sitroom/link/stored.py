"""Stored articles as the link stage reads them: rows, their mentions (places, actors, events) and the
link features made of both, saved in `link_features` (by a batch run's workers with the parse, else by the
link); and `provenance_of`, what copy detection and provenance read of linked articles.

Once an article is stored its row and its mentions never change (loads skip known articles), so
features computed any time after the store took it are the ones linking would compute."""

from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from sitroom.link import families
from sitroom.link.features import Features, features, parse_day, provenance_features
from sitroom.store.db import registered

if TYPE_CHECKING:
    from sitroom.store import Store

BATCH = 5_000  # articles linked in one transaction


@dataclass(frozen=True, slots=True, kw_only=True)
class Art:
    id: str
    published: str | None
    outlet: str | None
    title: str | None
    text: str
    ingested: str

    @property
    def order(self) -> tuple:
        return order_key(self.published, self.ingested, self.id)


def order_key(published: str | None, ingested: str, aid: str) -> tuple:
    """Dated articles first, by date and time; then ingestion order; the id makes it total."""
    return (published is None, published or "", ingested, aid)


def orders(store: Store, ids: Iterable[str]) -> dict[str, tuple]:
    """The `order_key` of these stored articles, read without their texts."""
    rows = store.con.execute(
        "SELECT id, published, CAST(ingested_at AS VARCHAR) FROM articles "
        "WHERE id IN (SELECT unnest(?::VARCHAR[]))",
        [ids_param(ids)],
    ).fetchall()
    return {r[0]: order_key(r[1], r[2] or "", r[0]) for r in rows}


def in_order(store: Store, ids: Sequence[str]) -> list[str]:
    """These article ids in link order (a run's unlinked articles may be far more than one batch's
    worth: read without the texts)."""
    return [i for i, _ in sorted(orders(store, ids).items(), key=lambda kv: kv[1])]


def ids_param(ids: Iterable[str]) -> list[str]:
    return sorted(set(ids))


def unlinked(store: Store, article_ids: Iterable[str] | None = None) -> list[str]:
    """Stored articles not yet in a story (of `article_ids`, when given)."""
    sql = (
        "SELECT a.id FROM articles a LEFT JOIN story_articles s ON s.article_id = a.id "
        "WHERE s.article_id IS NULL"
    )
    params: list[Any] = []
    if article_ids is not None:
        sql += " AND a.id IN (SELECT unnest(?::VARCHAR[]))"
        params.append(ids_param(article_ids))
    return [r[0] for r in store.con.execute(sql, params).fetchall()]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Linking allocates millions of small tuples, sets and dicts but builds no reference cycles
    worth collecting: the cyclic collector would only re-walk the batch's live objects over and over
    (~6% of the CPU). Paused for the call, restored after (it stays off if it was off)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def articles(store: Store, ids: Sequence[str]) -> list[Art]:
    rows = store.con.execute(
        "SELECT id, published, outlet, title, text, CAST(ingested_at AS VARCHAR) FROM articles "
        "WHERE id IN (SELECT unnest(?::VARCHAR[]))",
        [ids_param(ids)],
    ).fetchall()
    return [
        Art(id=r[0], published=r[1], outlet=r[2], title=r[3], text=r[4] or "", ingested=r[5] or "")
        for r in rows
    ]


def mentions(store: Store, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per article: gazetteer ids and countries of its places, actor keys, events (for signatures)."""
    p = [ids_param(ids)]
    con = store.con
    places = con.execute(
        "SELECT article_id, gazetteer_id, country, text FROM places "
        "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        p,
    ).fetchall()
    actors = con.execute(
        "SELECT article_id, coalesce(actor_id, name), kind, name, text FROM actors "
        "WHERE article_id IN (SELECT unnest(?::VARCHAR[])) AND coalesce(actor_id, name) IS NOT NULL",
        p,
    ).fetchall()
    events = con.execute(
        f"SELECT {', '.join(_MENTION_EVENT_COLUMNS)} FROM events "
        "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        p,
    ).fetchall()
    return _mentions(places, actors, events)


_MENTION_EVENT_COLUMNS = (
    "article_id", "event_type", "location_gazetteer_id", "location_country", "date_value", "date_precision",
    "date_basis", "negated",
)  # fmt: skip


def mentions_of(tables: Mapping[str, pa.Table]) -> dict[str, dict[str, Any]]:
    """`mentions` of the articles in Arrow tables shaped as the store's (a worker's shard, before the
    store has them): the same rows give the same mentions."""

    def cols(name: str, *columns: str) -> list[tuple]:
        t = tables[name]
        return list(zip(*(t.column(c).to_pylist() for c in columns), strict=True)) if t.num_rows else []

    actors = [
        (aid, actor_id if actor_id is not None else name, kind, name, text)
        for aid, actor_id, kind, name, text in cols(
            "actors", "article_id", "actor_id", "kind", "name", "text"
        )
        if actor_id is not None or name is not None
    ]
    return _mentions(
        cols("places", "article_id", "gazetteer_id", "country", "text"),
        actors,
        cols("events", *_MENTION_EVENT_COLUMNS),
    )


def _mentions(
    places: Iterable[tuple], actors: Iterable[tuple], events: Iterable[tuple]
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "places": set(),
            "countries": set(),
            "actors": set(),
            "types": set(),
            "sigs": set(),
            "people": set(),
            "others": set(),
        }
    )
    for aid, gid, country, text in places:
        if gid:
            out[aid]["places"].add(gid)
        if text:
            out[aid]["others"].add(text)
        if country:
            out[aid]["countries"].add(country)
    for aid, key, kind, name, text in actors:
        out[aid]["actors"].add(key)
        if kind == "person" and name:
            out[aid]["people"].add(name)
        elif kind != "person" and text:
            out[aid]["others"].add(text)
    for aid, etype, gid, country, value, prec, basis, negated in events:
        m = out[aid]
        if etype:
            m["types"].add(etype)
        if country:
            m["countries"].add(country)
        place = gid or country
        if etype and place and prec == "day" and basis in ("explicit", "relative") and not negated:
            d = parse_day(value)
            if d is not None:
                m["sigs"].add((etype, place, d))
    return out


def provenance_of(store: Store, arts: Sequence[Art]) -> dict[str, Features]:
    """Provenance features (what copy detection and provenance read) of these linked articles, which
    later batches meet again as copy candidates and members of the stories they extend: read from
    `link_features` however long ago an article was linked (recomputing them made each batch of a long
    link slower than the last); an article linked before the store kept them is computed from its text
    once, then saved. Read where needed, not held for the batch: a batch meets thousands of them."""
    out = _read_provenance(store, arts)
    made = [provenance_features(a.id, a.text) for a in arts if a.id not in out]
    if made:
        save(store, feature_table(made, whole=False))
    return out | {f.article_id: f for f in made}


# One row an article: the provenance part always; the story part (NULL: a row of provenance features
# only) for articles saved before they were linked, and their MinHash band keys when the batch writer
# made them while loading (`with_bands`: a worker would import datasketch and scipy for them, ~1.2 s).
LINK_FEATURES = pa.schema(
    [
        ("article_id", pa.string()),
        ("shingles", pa.binary()),
        ("numbers", pa.list_(pa.string())),
        ("quotes", pa.list_(pa.string())),
        ("credits", pa.list_(pa.string())),
        ("day", pa.date32()),
        ("terms", pa.list_(pa.string())),
        ("weights", pa.list_(pa.float64())),
        ("keys", pa.list_(pa.string())),
        ("persons", pa.list_(pa.string())),
        ("person_weights", pa.list_(pa.float64())),
        ("bands", pa.list_(pa.int64())),
    ]
)


def feature_table(feats: Sequence[Features], *, whole: bool = True) -> pa.Table:
    """Rows of `link_features`: whole, or of the provenance part only (the story part NULL)."""
    n = len(feats)

    def story(get: Callable[[Features], Any]) -> list[Any]:
        return [get(f) for f in feats] if whole else [None] * n

    return pa.table(
        {
            "article_id": [f.article_id for f in feats],
            "shingles": [f.shingles.astype("<u4", copy=False).tobytes() for f in feats],
            "numbers": [sorted(f.numbers) for f in feats],
            "quotes": [[" ".join(sorted(q)) for q in f.quotes] for f in feats],
            "credits": [sorted(f.credits) for f in feats],
            "day": story(lambda f: f.day),
            "terms": story(lambda f: list(f.terms)),
            "weights": story(lambda f: list(f.terms.values())),
            "keys": story(lambda f: list(f.keys)),
            "persons": story(lambda f: list(f.persons)),
            "person_weights": story(lambda f: list(f.persons.values())),
            "bands": [None] * n,
        },
        schema=LINK_FEATURES,
    )


def with_bands(table: pa.Table) -> pa.Table:
    """`link_features` rows with their MinHash band keys (`families.band_keys`), made from the shingles."""
    if not table.num_rows:
        return table
    bands = families.bands_of(np.frombuffer(b, dtype="<u4") for b in table.column("shingles").to_pylist())
    return table.set_column(
        table.schema.get_field_index("bands"), "bands", pa.array(bands, pa.list_(pa.int64()))
    )


def save(store: Store, table: pa.Table) -> None:
    if not table.num_rows:
        return
    with registered(store.con, "_link_feature_rows", table):
        store.con.execute("INSERT INTO link_features BY NAME SELECT * FROM _link_feature_rows")


def features_for(
    store: Store, arts: Sequence[Art], mentions: dict[str, dict[str, Any]]
) -> tuple[dict[str, Features], dict[str, list[int]], pa.Table | None]:
    """Link features of these unlinked articles, in their order: read where they were saved with the
    article (a batch run's workers compute them with the parse), computed for the rest; the MinHash
    band keys saved with them (of some, or none); the rows of those computed here (to save with the
    batch; None when all were saved)."""
    got, bands = _read_whole(store, arts)
    rest = [a for a in arts if a.id not in got]
    table = None
    if rest:
        made = article_features(rest, mentions)
        got |= made
        table = feature_table(list(made.values()))
    return {a.id: got[a.id] for a in arts}, bands, table


def _read_whole(store: Store, arts: Sequence[Art]) -> tuple[dict[str, Features], dict[str, list[int]]]:
    """The whole saved rows of those of `arts` that have them, as features and band keys (an Arrow
    fetch: a third of the time of Python rows for these list columns)."""
    text = {a.id: a.text for a in arts}
    tbl = store.con.sql(
        "SELECT article_id, shingles, numbers, quotes, credits, day, terms, weights, keys, persons, "
        "person_weights, bands FROM link_features "
        "WHERE terms IS NOT NULL AND article_id IN (SELECT unnest(?::VARCHAR[]))",
        params=[ids_param(text)],
    ).to_arrow_table()
    cols = [
        _shared_strings(tbl.column(c)) if c == "terms" else tbl.column(c).to_pylist()
        for c in tbl.column_names
    ]
    feats: dict[str, Features] = {}
    bands: dict[str, list[int]] = {}
    for aid, shingles, numbers, quotes, credits, day, terms, weights, keys, persons, pw, bk in zip(
        *cols, strict=True
    ):
        feats[aid] = _row(
            aid,
            text[aid],
            shingles,
            numbers,
            quotes,
            credits,
            day=day,
            terms=dict(zip(terms, weights, strict=True)),
            keys=tuple(keys),
            persons=dict(zip(persons, pw, strict=True)),
        )
        if bk is not None:
            bands[aid] = bk
    return feats, bands


def _shared_strings(column: pa.ChunkedArray) -> list[list[str]]:
    """A column of string lists as Python lists in which equal strings are one object: a batch's
    articles share most of their terms, and a str per occurrence took ~80 MB of 5,000 articles' rows."""
    import pyarrow.compute as pc

    lists = column.combine_chunks()
    if not len(lists):
        return []
    codes = pc.dictionary_encode(pc.list_flatten(lists))
    words = codes.dictionary.to_pylist()
    at = codes.indices.to_numpy(zero_copy_only=False).tolist()
    ends = np.cumsum(pc.list_value_length(lists).fill_null(0).to_numpy(zero_copy_only=False)).tolist()
    out, start = [], 0
    for end in ends:
        out.append([words[i] for i in at[start:end]])
        start = end
    return out


def _read_provenance(store: Store, arts: Sequence[Art]) -> dict[str, Features]:
    """The provenance part of the saved rows of those of `arts` that have one."""
    text = {a.id: a.text for a in arts}
    rows = store.con.execute(
        "SELECT article_id, shingles, numbers, quotes, credits FROM link_features "
        "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        [ids_param(text)],
    ).fetchall()
    return {
        aid: _row(aid, text[aid], shingles, numbers, quotes, credits)
        for aid, shingles, numbers, quotes, credits in rows
    }


def _row(
    aid: str, text: str, shingles: bytes, numbers: list, quotes: list, credits: list, **story: Any
) -> Features:
    """Features from a saved row: the provenance part, and the story part when given (`story`)."""
    return Features(
        article_id=aid,
        day=story.get("day"),
        terms=story.get("terms", {}),
        keys=story.get("keys", ()),
        numbers=frozenset(numbers),
        quotes=tuple(frozenset(q.split()) for q in quotes),
        credits=frozenset(credits),
        text=text,
        shingles=np.frombuffer(shingles, dtype="<u4"),
        persons=story.get("persons", {}),
    )


def table_features(tables: Mapping[str, pa.Table]) -> pa.Table:
    """Whole `link_features` rows of the articles in Arrow tables shaped as the store's (a worker's
    shard): computed where the parse ran, loaded with the articles."""
    arts = tables["articles"]
    ids, texts, published = (arts.column(c).to_pylist() for c in ("id", "text", "published"))
    rows = [
        Art(id=i, published=p, outlet=None, title=None, text=t or "", ingested="")
        for i, t, p in zip(ids, texts, published, strict=True)
    ]
    return feature_table(list(article_features(rows, mentions_of(tables)).values()))


def article_features(
    arts: Sequence[Art], mentions: dict[str, dict[str, Any]] | None = None
) -> dict[str, Features]:
    """Link features per article id, in the order of `arts` (without mentions: text features only)."""
    out = {}
    for a in arts:
        m = (mentions or {}).get(a.id)
        out[a.id] = features(
            a.id,
            a.text,
            day=parse_day(a.published),
            places=tuple(sorted(m["places"])) if m else (),
            actors=tuple(sorted(m["actors"])) if m else (),
            event_types=tuple(sorted(m["types"])) if m else (),
            people=tuple(sorted(m["people"])) if m else (),
            non_people=tuple(sorted(m["others"])) if m else (),
        )
    return out
