"""Stored articles as the link stage reads them: rows, their mentions (places, actors, events) and the
link features made of both; `FeatureCache`, those features computed ahead of `link_articles`; and
`Kept`, what copy detection and provenance read of linked articles, saved with them.

Once an article is stored its row and its mentions never change (loads skip known articles), so
features computed any time after the store took it are the ones linking would compute."""

from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from sitroom.link import families
from sitroom.link.features import Features, features, parse_day, provenance_features

if TYPE_CHECKING:
    from sitroom.store import Store

BATCH = 5_000  # articles linked in one transaction, and the most a FeatureCache holds


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
    p = [ids_param(ids)]
    con = store.con
    for aid, gid, country, text in con.execute(
        "SELECT article_id, gazetteer_id, country, text FROM places "
        "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        p,
    ).fetchall():
        if gid:
            out[aid]["places"].add(gid)
        if text:
            out[aid]["others"].add(text)
        if country:
            out[aid]["countries"].add(country)
    for aid, key, kind, name, text in con.execute(
        "SELECT article_id, coalesce(actor_id, name), kind, name, text FROM actors "
        "WHERE article_id IN (SELECT unnest(?::VARCHAR[])) AND coalesce(actor_id, name) IS NOT NULL",
        p,
    ).fetchall():
        out[aid]["actors"].add(key)
        if kind == "person" and name:
            out[aid]["people"].add(name)
        elif kind != "person" and text:
            out[aid]["others"].add(text)
    for aid, etype, gid, country, value, prec, basis, negated in con.execute(
        "SELECT article_id, event_type, location_gazetteer_id, location_country, date_value, date_precision, "
        "date_basis, negated FROM events WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        p,
    ).fetchall():
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


class Kept:
    """Provenance features (`provenance_features`: what copy detection and provenance read) of linked
    articles, which later batches meet again as copy candidates and members of the stories they
    extend. Each batch saves its own in the store's `provenance_features` table as it is linked, so
    meeting an article again is a read however long ago it was linked (recomputing them made each
    batch of a long link slower than the last); an article linked before the table existed is
    computed from its text once, then saved. What a batch met is held until the batch is saved (copy
    detection and provenance meet many of the same articles)."""

    def __init__(self) -> None:
        self._met: dict[str, Features] = {}

    def get(self, store: Store, arts: Sequence[Art]) -> dict[str, Features]:
        """Per article id, of these stored articles (with their texts)."""
        out = {a.id: f for a in arts if (f := self._met.get(a.id)) is not None}
        rest = [a for a in arts if a.id not in out]
        if rest:
            out |= _read_provenance(store, rest)
            made = [provenance_features(a.id, a.text) for a in rest if a.id not in out]
            _save_provenance(store, made)
            out |= {f.article_id: f for f in made}
        self._met |= out
        return out

    def save(self, store: Store, feats: Iterable[Features]) -> None:
        """A batch's own, as it is linked (in its transaction)."""
        _save_provenance(store, list(feats))
        self._met.clear()


_PROVENANCE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("shingles", pa.binary()),
        ("numbers", pa.list_(pa.string())),
        ("quotes", pa.list_(pa.string())),
        ("credits", pa.list_(pa.string())),
    ]
)


def _save_provenance(store: Store, feats: Sequence[Features]) -> None:
    if not feats:
        return
    tbl = pa.table(
        {
            "article_id": [f.article_id for f in feats],
            "shingles": [f.shingles.astype("<u4", copy=False).tobytes() for f in feats],
            "numbers": [sorted(f.numbers) for f in feats],
            "quotes": [[" ".join(sorted(q)) for q in f.quotes] for f in feats],
            "credits": [sorted(f.credits) for f in feats],
        },
        schema=_PROVENANCE_SCHEMA,
    )
    store.con.register("_provenance_rows", tbl)
    try:
        store.con.execute("INSERT INTO provenance_features SELECT * FROM _provenance_rows")
    finally:
        store.con.unregister("_provenance_rows")


def _read_provenance(store: Store, arts: Sequence[Art]) -> dict[str, Features]:
    """The saved provenance features of those of `arts` that have them."""
    text = {a.id: a.text for a in arts}
    rows = store.con.execute(
        "SELECT article_id, shingles, numbers, quotes, credits FROM provenance_features "
        "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        [ids_param(text)],
    ).fetchall()
    return {
        aid: Features(
            article_id=aid,
            day=None,
            terms={},
            keys=(),
            numbers=frozenset(numbers),
            quotes=tuple(frozenset(q.split()) for q in quotes),
            credits=frozenset(credits),
            text=text[aid],
            shingles=np.frombuffer(shingles, dtype="<u4"),
        )
        for aid, shingles, numbers, quotes, credits in rows
    }


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


class FeatureCache:
    """Link features and MinHash signatures of stored, unlinked articles, computed before
    `link_articles` asks for them. The batch writer fills it after each shard load, while the workers
    still parse, so the link at the end of a run has less left to do on its own. It holds at most
    `limit` articles (one link batch); linking drops what its first batch does not use and takes each
    article out as it uses it, and computes what the cache does not hold."""

    def __init__(self, limit: int = BATCH) -> None:
        self.limit = limit
        self._feats: dict[str, Features] = {}
        self._sigs: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._feats)

    def add(self, store: Store, ids: Iterable[str]) -> int:
        """Compute for the stored, unlinked articles among `ids`, up to the limit; how many it took."""
        room = self.limit - len(self._feats)
        want = [i for i in dict.fromkeys(ids) if i not in self._feats]
        if room <= 0 or not want:
            return 0
        free = set(unlinked(store, want))
        todo = [i for i in want if i in free][:room]
        if not todo:
            return 0
        with gc_paused():
            feats = article_features(articles(store, todo), mentions(store, todo))
            sigs = families.signatures(f.shingles for f in feats.values())
        self._feats.update(feats)
        self._sigs.update(zip(feats, sigs, strict=True))
        return len(feats)

    def keep(self, ids: Iterable[str]) -> None:
        """Drop what is not among `ids` (linking keeps its first batch: then the cache never adds to the
        memory that a batch of linking takes)."""
        ids = set(ids)
        for d in (self._feats, self._sigs):
            for i in [i for i in d if i not in ids]:
                del d[i]

    def features(self, arts: Sequence[Art], mentions: dict[str, dict[str, Any]]) -> dict[str, Features]:
        """`article_features(arts, mentions)`, taken from the cache where it holds them."""
        got = {a.id: f for a in arts if (f := self._feats.pop(a.id, None)) is not None}
        missing = article_features([a for a in arts if a.id not in got], mentions)
        return {a.id: got[a.id] if a.id in got else missing[a.id] for a in arts}

    def signatures(self, feats: dict[str, Features]) -> list[np.ndarray]:
        """MinHash signatures of these articles' shingles, in order, taken from the cache where it can."""
        got = {i: s for i in feats if (s := self._sigs.pop(i, None)) is not None}
        todo = [i for i in feats if i not in got]
        got.update(zip(todo, families.signatures(feats[i].shingles for i in todo), strict=True))
        return [got[i] for i in feats]
