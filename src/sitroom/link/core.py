"""`link_articles`: place stored articles in stories and label their provenance, incrementally.

Reads only what the store holds (article text, places, actors, events), so it never needs spaCy.
One transaction per batch: document frequencies, MinHash bands, the touched stories and their
members are written together, so a killed run leaves every article either linked or not.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from sitroom.link import families, stored
from sitroom.link import stories as st
from sitroom.link.features import Features, sentences
from sitroom.link.provenance import Link, Member, Relation, independent_sources, provenance
from sitroom.store.db import registered

if TYPE_CHECKING:
    from sitroom.store import Store

BATCH = stored.BATCH
AHEAD = 8  # stored copy candidates an article has read at a time
_PRECISION_RANK = {"facility": 0, "city": 1, "admin1": 2, "country": 3, "region": 4}


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkCounts:
    articles: int = 0  # articles placed in stories by this call
    stories_new: int = 0
    stories_extended: int = 0  # stories that existed before and got new articles
    copies: int = 0  # of the placed articles, how many are copies / rewrites (in their story now)
    rewrites: int = 0

    def __add__(self, o: LinkCounts) -> LinkCounts:
        return LinkCounts(
            articles=self.articles + o.articles,
            stories_new=self.stories_new + o.stories_new,
            stories_extended=self.stories_extended + o.stories_extended,
            copies=self.copies + o.copies,
            rewrites=self.rewrites + o.rewrites,
        )


def link_articles(
    store: Store,
    article_ids: Iterable[str] | None = None,
    *,
    batch: int = BATCH,
    on_batch: Callable[[int, int], None] | None = None,
) -> LinkCounts:
    """Place stored articles that are in no story yet (all of them, or those of `article_ids`).
    Existing stories are extended, never reclustered; provenance is recomputed only in the stories
    that received articles. Link features saved with an article (`stored.features_for`) are read,
    the rest computed and saved. `on_batch(placed, todo)` as it starts and after each batch (a day
    of news is dozens of them)."""
    store._check_writable()
    todo = stored.unlinked(store, list(article_ids) if article_ids is not None else None)
    if not todo:
        return LinkCounts()
    order = stored.in_order(store, todo)
    total = LinkCounts()
    if on_batch is not None:
        on_batch(0, len(order))
    with stored.gc_paused():
        for i in range(0, len(order), batch):
            arts = sorted(stored.articles(store, order[i : i + batch]), key=lambda a: a.order)
            total = total + _link_batch(store, arts)
            if on_batch is not None:
                on_batch(total.articles, len(order))
    return total


# -- one batch ------------------------------------------------------------------------------------
def _link_batch(store: Store, arts: list[stored.Art]) -> LinkCounts:
    """Link one batch, and save the link features of its articles that were not saved before."""
    con = store.con
    ids = [a.id for a in arts]
    mentions = stored.mentions(store, ids)
    feats, bands, unsaved = stored.features_for(store, arts, mentions)
    sigs = {a.id: set(mentions[a.id]["sigs"]) if a.id in mentions else set() for a in arts}

    con.execute("BEGIN TRANSACTION")
    try:
        idf = _update_idf(store, feats.values())
        sources = _copy_sources(store, arts, feats, bands)
        placed_before = dict(
            con.execute(
                "SELECT article_id, story_id FROM story_articles WHERE article_id IN "
                "(SELECT unnest(?::VARCHAR[]))",
                [stored.ids_param(s for s in sources.values())],
            ).fetchall()
        )
        prepared = {a.id: st.prepare(feats[a.id], idf) for a in arts}
        clusterer = st.Clusterer(_candidate_stories(store, arts, feats, prepared, placed_before), idf)
        existed = set(clusterer.stories)
        items = {
            a.id: st.Item(
                features=feats[a.id],
                sigs=frozenset(sigs[a.id]),
                follow_story=placed_before.get(sources.get(a.id, "")),
                follow_article=sources.get(a.id) if sources.get(a.id) not in placed_before else None,
            )
            for a in arts
        }
        placed = clusterer.cluster(items, _story_id, prepared=prepared)
        story_of = {aid: sid for aid, (sid, _) in placed.items()}
        placed_score = {aid: sc for aid, (_, sc) in placed.items()}
        touched = clusterer.touched()
        links = _write_stories(store, touched, arts, feats, placed_score, mentions, story_of)
        if unsaved is not None:
            stored.save(store, unsaved)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    new_ids = set(ids)
    mine = [x for x in links if x.article_id in new_ids]
    return LinkCounts(
        articles=len(arts),
        stories_new=sum(1 for s in touched if s.id not in existed),
        stories_extended=sum(1 for s in touched if s.id in existed),
        copies=sum(1 for x in mine if x.relation is Relation.COPY),
        rewrites=sum(1 for x in mine if x.relation is Relation.REWRITE),
    )


def _story_id(first_article: str) -> str:
    return "st-" + hashlib.sha256(first_article.encode()).hexdigest()[:16]


def _update_idf(store: Store, feats: Iterable[Features]):
    """Add the batch's terms to the document frequencies; return idf(term) over the store + batch."""
    feats = list(feats)
    df: Counter[str] = Counter()
    for f in feats:
        df.update(f.terms.keys())  # the keys view counts terms (a mapping would add its weights)
    con = store.con
    n_before = int(con.execute("SELECT count(*) FROM story_articles").fetchall()[0][0])
    tbl = pa.table({"term": list(df), "df": [int(v) for v in df.values()]})
    with registered(con, "_batch_terms", tbl):
        con.execute(
            "INSERT INTO link_terms SELECT term, df FROM _batch_terms "
            "ON CONFLICT (term) DO UPDATE SET df = link_terms.df + excluded.df"
        )
        known = dict(
            con.execute(
                "SELECT t.term, t.df FROM link_terms t JOIN _batch_terms b ON t.term = b.term"
            ).fetchall()
        )
    n = n_before + len(feats)
    memo: dict[str, float] = {}  # every article asks for the same common terms

    def idf(term: str) -> float:
        v = memo.get(term)
        if v is None:
            v = memo[term] = math.log((n + 1) / (known.get(term, 0) + 1)) + 1.0
        return v

    return idf


def _copy_sources(
    store: Store,
    arts: list[stored.Art],
    feats: dict[str, Features],
    saved_bands: dict[str, list[int]],
) -> dict[str, str]:
    """article id → the earliest earlier article (stored or in this batch) it is a copy of.
    `saved_bands`: MinHash band keys saved with some of the articles; the others' are made here."""
    con = store.con
    todo = [a for a in arts if a.id not in saved_bands]
    made = families.bands_of(feats[a.id].shingles for a in todo)
    bands = saved_bands | {a.id: b for a, b in zip(todo, made, strict=True)}
    tbl = pa.table(
        {
            "band_key": pa.array([k for a in arts for k in bands[a.id]], pa.int64()),
            "article_id": [a.id for a in arts for _ in bands[a.id]],
        }
    )
    with registered(con, "_batch_bands", tbl):
        stored_pairs = con.execute(
            "SELECT DISTINCT n.article_id, b.article_id FROM _batch_bands n JOIN link_bands b "
            "ON n.band_key = b.band_key"
        ).fetchall()
        con.execute("INSERT INTO link_bands SELECT band_key, article_id FROM _batch_bands")
    cands: dict[str, set[str]] = defaultdict(set)
    for new, old in stored_pairs:
        cands[new].add(old)
    seen: dict[int, list[str]] = defaultdict(list)
    for a in arts:  # in order: only earlier batch articles are candidates
        for k in bands[a.id]:
            cands[a.id].update(seen[k])
            seen[k].append(a.id)
    order = {a.id: a.order for a in arts} | stored.orders(store, {o for _, o in stored_pairs})
    ranked = {a.id: sorted(cands.get(a.id, ()), key=lambda c: order.get(c, (True,))) for a in arts}
    return _first_copies(ranked, feats, lambda ids: stored.provenance_of(store, stored.articles(store, ids)))


def _first_copies(
    ranked: dict[str, list[str]],
    feats: dict[str, Features],
    read: Callable[[list[str]], dict[str, Features]],
) -> dict[str, str]:
    """Per article of the batch (`feats`), the first of its `ranked` candidates that it copies. Mostly one
    of the first few: stored candidates are `read` in rounds, the next AHEAD each article reaches, not all
    at once (in a long run of a big story, tens of thousands of earlier copies share bands with a batch)."""
    old: dict[str, Features] = {}
    asked: set[str] = set()
    at = dict.fromkeys(ranked, 0)
    out: dict[str, str] = {}
    while at:
        need: set[str] = set()
        for aid in list(at):
            cs, i = ranked[aid], at[aid]
            while i < len(cs):
                c = cs[i]
                f = feats.get(c) or old.get(c)
                if f is None and c not in asked:
                    need.update(x for x in cs[i : i + AHEAD] if x not in asked and x not in feats)
                    break
                if c != aid and f is not None and families.is_copy(feats[aid].shingles, f.shingles):
                    out[aid] = c
                    i = len(cs)
                    break
                i += 1
            if i < len(cs):
                at[aid] = i
            else:
                del at[aid]
        if need:
            old |= read(sorted(need))
            asked |= need
    return out


def _candidate_stories(
    store: Store,
    arts: list[stored.Art],
    feats: dict[str, Features],
    prepared: dict[str, tuple[dict[str, float], list[str]]],
    placed_before: dict[str, str],
) -> list[st.StoryState]:
    """Stored stories that share a blocking key with the batch and lie in its date window."""
    keys = {k for a in arts for k in prepared[a.id][1]}
    days = [f.day for f in feats.values() if f.day is not None]
    undated = any(f.day is None for f in feats.values())
    con = store.con
    sql = (
        "SELECT DISTINCT s.id FROM story_keys k JOIN stories s ON s.id = k.story_id "
        "WHERE k.key IN (SELECT unnest(?::VARCHAR[]))"
    )
    params: list[Any] = [sorted(keys)]
    if days and not undated:
        sql += (
            " AND (s.day_max IS NULL OR "
            "(s.day_max >= ?::DATE - to_days(?) AND s.day_min <= ?::DATE + to_days(?)))"
        )
        params += [min(days), st.WINDOW_DAYS, max(days), st.WINDOW_DAYS]
    ids = {r[0] for r in con.execute(sql, params).fetchall()} | set(placed_before.values())
    if not ids:
        return []
    rows = con.execute(
        "SELECT id, centroid, article_count, day_min, day_max, signatures FROM stories "
        "WHERE id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(ids)],
    ).fetchall()
    key_rows = con.execute(
        "SELECT story_id, key FROM story_keys WHERE story_id IN (SELECT unnest(?::VARCHAR[]))", [sorted(ids)]
    ).fetchall()
    story_keys: dict[str, Counter[str]] = defaultdict(Counter)
    for sid, k in key_rows:
        story_keys[sid][k] += 1
    out = []
    for sid, centroid, n, dmin, dmax, sigs in rows:
        terms = json.loads(centroid or "{}")
        pre = st.PERSON_PREFIX
        out.append(
            st.StoryState(
                id=sid,
                centroid={t: w for t, w in terms.items() if not t.startswith(pre)},
                persons={t[len(pre) :]: w for t, w in terms.items() if t.startswith(pre)},
                n=int(n or 0),
                day_min=dmin,
                day_max=dmax,
                keys=story_keys[sid],
                signatures={(t, p, date.fromisoformat(d)) for t, p, d in json.loads(sigs or "[]")},
            )
        )
    return out


# -- writing --------------------------------------------------------------------------------------
def _write_stories(
    store: Store,
    touched: list[st.StoryState],
    arts: list[stored.Art],
    feats: dict[str, Features],
    placed_score: dict[str, float | None],
    mentions: dict[str, dict[str, Any]],
    story_of: dict[str, str],
) -> list[Link]:
    con = store.con
    tids = [s.id for s in touched]
    old_rows = con.execute(
        "SELECT article_id, story_id, story_score, relation, derived_from, score, attribution_dropped, "
        "family_id FROM story_articles WHERE story_id IN (SELECT unnest(?::VARCHAR[]))",
        [tids],
    ).fetchall()
    old_score = {r[0]: r[2] for r in old_rows}
    # a member's relation depends on the members before it only: those before the first new one keep theirs
    settled = {
        aid: Link(
            article_id=aid,
            relation=Relation(rel),
            derived_from=src,
            score=score,
            attribution_dropped=bool(dropped),
            family_id=family or "",
        )
        for aid, _, _, rel, src, score, dropped, family in old_rows
    }
    old_members: dict[str, list[str]] = defaultdict(list)
    for aid, sid, *_ in old_rows:
        old_members[sid].append(aid)
    new_members: dict[str, list[stored.Art]] = defaultdict(list)
    for a in arts:
        new_members[story_of[a.id]].append(a)

    story_rows, member_rows, key_rows = [], [], []
    all_links: list[Link] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    state = {s.id: s for s in touched}
    # A group of stories at a time: their members' texts, features, mentions and events are held for
    # that group only (all members of every touched story at once grew with the stories: +180 MB in
    # the second batch of a 10,000-article link where every story had hundreds of copies)
    for group in _groups(tids, lambda sid: len(old_members[sid]) + len(new_members[sid]), STORY_GROUP):
        old_ids = [aid for sid in group for aid in old_members[sid]]
        old_arts = {a.id: a for a in stored.articles(store, old_ids)}
        all_feats = feats | stored.provenance_of(store, list(old_arts.values()))
        all_mentions = mentions | stored.mentions(store, old_ids)
        members = {
            sid: [old_arts[aid] for aid in old_members[sid] if aid in old_arts] + new_members[sid]
            for sid in group
        }
        member_story = {a.id: sid for sid, m in members.items() for a in m}
        # rows stay tuples until their story is written (as dicts, a 5,000-article batch's events took 66 MB)
        story_events: dict[str, list[tuple]] = defaultdict(list)
        for e in _events(store, list(member_story)):  # in query order, as `canonical_events` meets them
            story_events[member_story[e[1]]].append(e)
        for sid in group:
            mem = members[sid]
            links = provenance(
                [Member(id=a.id, order=a.order, features=all_feats[a.id]) for a in mem], settled
            )
            all_links += links
            for x in links:
                if settled.get(x.article_id) == x:
                    continue  # its row stands
                member_rows.append(
                    {
                        "article_id": x.article_id,
                        "story_id": sid,
                        "relation": x.relation.value,
                        "derived_from": x.derived_from,
                        "score": x.score,
                        "attribution_dropped": x.attribution_dropped,
                        "family_id": x.family_id,
                        "credits": sorted(all_feats[x.article_id].credits),
                        "story_score": placed_score.get(x.article_id, old_score.get(x.article_id)),
                    }
                )
            s = state[sid]
            events = [dict(zip(_EVENT_COLUMNS, e, strict=True)) for e in story_events.pop(sid, ())]
            story_rows.append(_story_row(s, mem, links, all_feats, all_mentions, events, now))
            for k, _ in s.keys.most_common(st.KEYS_PER_STORY):
                key_rows.append({"key": k, "story_id": sid})

    _insert(con, "stories", story_rows, _STORY_SCHEMA, replace=True)
    _insert(con, "story_articles", member_rows, _MEMBER_SCHEMA, replace=True)
    con.execute("DELETE FROM story_keys WHERE story_id IN (SELECT unnest(?::VARCHAR[]))", [tids])
    _insert(con, "story_keys", key_rows, pa.schema([("key", pa.string()), ("story_id", pa.string())]))
    return all_links


def _story_row(
    s: st.StoryState,
    mem: list[stored.Art],
    links: list[Link],
    feats: dict[str, Features],
    mentions: dict[str, dict[str, Any]],
    events: list[dict[str, Any]],
    now: datetime,
) -> dict[str, Any]:
    """A story's row in `stories`, from all its members (`mem`) and their `links` in publication order."""
    by_id = {a.id: a for a in mem}
    origin = by_id[links[0].article_id]
    published = sorted(a.published for a in mem if a.published)
    return {
        "id": s.id,
        "title": _title(origin, [by_id[x.article_id] for x in links]),
        "first_seen": published[0] if published else None,
        "last_seen": published[-1] if published else None,
        "day_min": s.day_min,
        "day_max": s.day_max,
        "article_count": len(mem),
        "independent_sources": independent_sources(links),
        "origin_id": origin.id,
        "outlets": sorted({a.outlet for a in mem if a.outlet}),
        "countries": sorted({c for a in mem for c in mentions.get(a.id, {}).get("countries", ())}),
        "agencies": sorted({c for a in mem for c in feats[a.id].credits}),
        "events": json.dumps(canonical_events(events, set(by_id)), ensure_ascii=False),
        "centroid": json.dumps(
            dict(sorted(s.centroid.items(), key=lambda kv: -kv[1])[: st.CENTROID_TERMS])
            | {st.PERSON_PREFIX + k: round(w, 4) for k, w in _top(s.persons, st.PERSONS_KEPT)}
        ),
        "signatures": json.dumps(sorted([t, p, d.isoformat()] for t, p, d in s.signatures)),
        "method": st.METHOD,
        "updated_at": now,
    }


_STORY_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("first_seen", pa.string()),
        ("last_seen", pa.string()),
        ("day_min", pa.date32()),
        ("day_max", pa.date32()),
        ("article_count", pa.int32()),
        ("independent_sources", pa.int32()),
        ("origin_id", pa.string()),
        ("outlets", pa.list_(pa.string())),
        ("countries", pa.list_(pa.string())),
        ("agencies", pa.list_(pa.string())),
        ("events", pa.string()),
        ("centroid", pa.string()),
        ("signatures", pa.string()),
        ("method", pa.string()),
        ("updated_at", pa.timestamp("us")),
    ]
)
_MEMBER_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("story_id", pa.string()),
        ("relation", pa.string()),
        ("derived_from", pa.string()),
        ("score", pa.float64()),
        ("attribution_dropped", pa.bool_()),
        ("family_id", pa.string()),
        ("credits", pa.list_(pa.string())),
        ("story_score", pa.float64()),
    ]
)


STORY_GROUP = 3_000  # members (stored and new) of the stories written together


def _groups(ids: Sequence[str], size: Callable[[str], int], cap: int) -> Iterator[list[str]]:
    """`ids` in order, cut into runs whose sizes add up to at most `cap` (an id bigger alone: its own)."""
    group: list[str] = []
    n = 0
    for i in ids:
        k = size(i)
        if group and n + k > cap:
            yield group
            group, n = [], 0
        group.append(i)
        n += k
    if group:
        yield group


def _insert(con, table: str, rows: list[dict[str, Any]], schema: pa.Schema, *, replace: bool = False) -> None:
    if not rows:
        return
    tbl = pa.Table.from_pylist(rows, schema=schema)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    with registered(con, f"_new_{table}", tbl) as name:
        con.execute(f"{verb} INTO {table} BY NAME SELECT * FROM {name}")


def _top(d: dict[str, float], n: int) -> list[tuple[str, float]]:
    return sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _title(origin: stored.Art, ordered: list[stored.Art]) -> str | None:
    for a in [origin, *ordered]:
        if a.title:
            return a.title
    first = next(iter(sentences(origin.text)), "")
    return first[:140] or None


# -- canonical events -----------------------------------------------------------------------------
_EVENT_COLUMNS = (
    "id", "article_id", "event_type", "cameo", "source", "target", "location_name", "location_country",
    "location_lat", "location_lon", "location_precision", "location_gazetteer_id", "date_value",
    "date_precision", "date_basis", "quantities", "confidence", "negated", "hedged",
)  # fmt: skip


def _events(store: Store, ids: Sequence[str]) -> list[tuple]:
    """The events of these articles as rows of `_EVENT_COLUMNS` (article id second)."""
    if not ids:
        return []
    return store.con.execute(
        f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        [stored.ids_param(ids)],
    ).fetchall()


def _actors(raw: str | None) -> list[dict[str, Any]]:
    out = []
    for a in json.loads(raw or "[]"):
        if a.get("country") or a.get("name"):
            out.append({k: a.get(k) for k in ("country", "sector", "name")})
    return out


def canonical_events(events: list[dict[str, Any]], members: set[str]) -> list[dict[str, Any]]:
    """The story's events merged across its articles: one per (type, source and target countries,
    location country); each field keeps the article that supports it (the most precise place, the
    most precise date, the stated quantities), plus every merged event id."""
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    parsed: dict[str | None, list[dict[str, Any]]] = {}  # copies repeat their source's actor lists

    def actors(raw: str | None) -> list[dict[str, Any]]:
        got = parsed.get(raw)
        if got is None:
            got = parsed[raw] = _actors(raw)
        return got

    for e in events:
        if e["article_id"] not in members or e["negated"]:
            continue
        src, tgt = actors(e["source"]), actors(e["target"])
        key = (
            e["event_type"],
            tuple(sorted({a["country"] or "" for a in src})),
            tuple(sorted({a["country"] or "" for a in tgt})),
            e["location_country"] or "",
        )
        groups[key].append(e | {"_src": src, "_tgt": tgt})
    out = []
    for (etype, _, _, _), evs in groups.items():
        evs.sort(key=lambda e: (-(e["confidence"] or 0), e["id"]))
        top = evs[0]
        located = [e for e in evs if e["location_country"]]
        loc = min(
            located,
            key=lambda e: (_PRECISION_RANK.get(e["location_precision"] or "", 9), e["id"]),
            default=None,
        )
        dated = [e for e in evs if e["date_value"]]
        dt = min(
            dated,
            key=lambda e: (e["date_basis"] == "publication", -len(e["date_value"] or ""), e["id"]),
            default=None,
        )
        quantities: dict[str, Any] = {}
        q_from: dict[str, str] = {}
        for e in evs:
            for k, v in json.loads(e["quantities"] or "{}").items():
                if k not in quantities:
                    quantities[k] = v.get("value") if isinstance(v, dict) else v
                    q_from[k] = e["article_id"]
        out.append(
            {
                "event_type": etype,
                "cameo": top["cameo"],
                "source": top["_src"],
                "target": top["_tgt"],
                "location": None
                if loc is None
                else {
                    "name": loc["location_name"],
                    "country": loc["location_country"],
                    "lat": loc["location_lat"],
                    "lon": loc["location_lon"],
                    "precision": loc["location_precision"],
                    "gazetteer_id": loc["location_gazetteer_id"],
                },
                "date": None
                if dt is None
                else {"value": dt["date_value"], "precision": dt["date_precision"]},
                "quantities": quantities,
                "support": {
                    "type": top["article_id"],
                    "location": loc["article_id"] if loc else None,
                    "date": dt["article_id"] if dt else None,
                    "quantities": q_from,
                },
                "articles": len({e["article_id"] for e in evs}),
                "event_ids": sorted(e["id"] for e in evs),
            }
        )
    out.sort(key=lambda e: (-e["articles"], -len(e["event_ids"]), e["event_type"] or "", e["event_ids"][0]))
    return out[:25]
