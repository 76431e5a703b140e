"""Story clustering: place each new article in the story that reports the same real-world event, or
start a new one. Single pass over the articles in publication order against story centroids
(the classic topic-detection-and-tracking scheme), so adding articles never reclusters the store.

Similarity is the cosine of TF-IDF vectors over what the article reports: content words, names
(boosted), numbers, gazetteer places, actors and event types. Only stories that share a blocking key
(a place or a telling name/term) and lie in the date window are scored. Two reports that date the
same kind of event at the same place on different days are kept apart, and so are two reports of the
same kind of event about different principal people (two players arrested, each report naming the
other only in passing).
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat

from sitroom.link.features import Features

METHOD = "sitroom.link.stories.v1"
THRESHOLD = 0.25  # mean pairwise cosine at or above which two clusters merge
SMALL = 3  # clusters of at most this many articles may attach to a neighbour at a lower score
ATTACH = 0.12  # mean pairwise cosine
ATTACH_MARGIN = 1.5  # ... when it beats the runner-up by this factor
WINDOW_DAYS = 4  # an article may join a story seen at most this many days before or after it
KEYS_PER_ARTICLE = 10
KEYS_PER_STORY = 80
CENTROID_TERMS = 300
SAME_EVENT_BONUS = 0.1  # both report the same event type at the same place on the same day
OTHER_DAY_PENALTY = 0.25  # same event type and place, dates more than SIG_DAYS apart, none shared
SIG_DAYS = 2
PERSON_PENALTY = 0.3  # each side is mainly about a person the other barely names
PERSON_MIN_N = 2  # articles each side needs before its principal person counts
PRINCIPAL = 0.4  # share of a cluster's person prominence that makes a person its principal
BACKGROUND = 0.5  # ... who stays background on the other side below this part of that share
PERSON_PREFIX = "pp:"  # person shares ride in the stored centroid under this prefix
PERSONS_KEPT = 20  # people stored per story: enough to tell its principal from background names

# An event signature: (event type, place key, day) of an event whose day the text states.
Signature = tuple[str, str, date]


@dataclass(slots=True)
class StoryState:
    """What the clusterer keeps of a story: enough to score and extend it without its members."""

    id: str
    centroid: dict[str, float] = field(default_factory=dict)  # sum of members' unit vectors
    n: int = 0
    day_min: date | None = None
    day_max: date | None = None
    keys: Counter[str] = field(default_factory=Counter)
    signatures: set[Signature] = field(default_factory=set)
    persons: dict[str, float] = field(default_factory=dict)  # sum of members' person shares

    def norm(self) -> float:
        return math.sqrt(sum(v * v for v in self.centroid.values())) or 1.0

    def add(
        self,
        vec: dict[str, float],
        keys: Iterable[str],
        day: date | None,
        sigs: set[Signature],
        persons: dict[str, float] | None = None,
    ) -> None:
        for k, w in (persons or {}).items():
            self.persons[k] = self.persons.get(k, 0.0) + w
        for t, w in vec.items():
            self.centroid[t] = self.centroid.get(t, 0.0) + w
        if len(self.centroid) > CENTROID_TERMS * 2:  # trim the tail now and then, not every time
            self.centroid = dict(sorted(self.centroid.items(), key=lambda kv: -kv[1])[:CENTROID_TERMS])
        self.n += 1
        self.keys.update(keys)
        self.signatures |= sigs
        if day is not None:
            self.day_min = day if self.day_min is None else min(self.day_min, day)
            self.day_max = day if self.day_max is None else max(self.day_max, day)


def vector(f: Features, idf: Callable[[str], float]) -> dict[str, float]:
    """The article's unit TF-IDF vector."""
    vec = {t: w * idf(t) for t, w in f.terms.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def blocking_keys(f: Features, vec: dict[str, float]) -> list[str]:
    """The article's most telling places, names and terms: a story must share one to be scored."""
    names = set(f.keys)
    # Sorting (-score, term) pairs gives the order of the key (-score, term): the terms are distinct.
    skip = ("#", "e:", "a:")
    ranked = sorted(
        [(-(w * (1.5 if t in names else 1.0)), t) for t, w in vec.items() if not t.startswith(skip)]
    )
    return [t for _, t in ranked[:KEYS_PER_ARTICLE]]


def prepare(f: Features, idf: Callable[[str], float]) -> tuple[dict[str, float], list[str]]:
    """The article's unit vector and blocking keys, computed once for the candidate search and the
    clustering."""
    vec = vector(f, idf)
    return vec, blocking_keys(f, vec)


def in_window(day: date | None, s: StoryState) -> bool:
    if day is None or s.day_min is None or s.day_max is None:
        return True
    return (s.day_min - day).days <= WINDOW_DAYS and (day - s.day_max).days <= WINDOW_DAYS


def signature_adjustment(mine: set[Signature], theirs: set[Signature]) -> float:
    """A bonus when both state the same event (type, place, day); a penalty when they state the same
    type at the same place only on days far apart: a second strike a week later is another story."""
    if not mine or not theirs:
        return 0.0
    if mine & theirs:
        return SAME_EVENT_BONUS
    for t, p, d in mine:
        for t2, p2, d2 in theirs:
            if t == t2 and p == p2 and abs((d - d2).days) > SIG_DAYS:
                return -OTHER_DAY_PENALTY
    return 0.0


def _principal(p: dict[str, float]) -> tuple[str, float] | None:
    total = sum(p.values())
    if not total:
        return None
    name = min(p, key=lambda k: (-p[k], k))
    return name, p[name] / total


def person_clash(a: dict[str, float], b: dict[str, float]) -> bool:
    """Both sides are mainly about a person (surname) whom the other names at most in passing: two
    reports of one kind of event about different people (two arrests, two resignations)."""
    pa, pb = _principal(a), _principal(b)
    if pa is None or pb is None or pa[0] == pb[0] or pa[1] < PRINCIPAL or pb[1] < PRINCIPAL:
        return False
    ta, tb = sum(a.values()), sum(b.values())
    return b.get(pa[0], 0.0) / tb < BACKGROUND * pa[1] and a.get(pb[0], 0.0) / ta < BACKGROUND * pb[1]


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One new article to place. `follow` is the article it copies (stored or in this batch)."""

    features: Features
    sigs: frozenset[Signature] = frozenset()
    follow_story: str | None = None  # the stored story of the article it copies
    follow_article: str | None = None  # the batch article it copies


@dataclass(slots=True)
class _Cluster:
    id: str
    total: dict[str, float]  # sum of members' unit vectors: mean pairwise cosine = dot / (n·m)
    n: int
    day_min: date | None
    day_max: date | None
    sigs: set[Signature]
    persons: dict[str, float]
    stored: bool  # an existing story: two of these never merge
    members: list[str]
    neighbours: set[str]


def _avg_link(a: _Cluster, b: _Cluster) -> float:
    x, y = (a.total, b.total) if len(a.total) <= len(b.total) else (b.total, a.total)
    # sum(w * y.get(t, 0.0) for t, w in x.items()), term by term in the same order, without a
    # Python frame per term: the hottest loop of clustering.
    return sum(map(operator.mul, x.values(), map(y.get, x, repeat(0.0, len(x))))) / (a.n * b.n)


def _days_fit(a: _Cluster, b: _Cluster) -> bool:
    if a.day_min is None or b.day_min is None or a.day_max is None or b.day_max is None:
        return True
    return (a.day_min - b.day_max).days <= WINDOW_DAYS and (b.day_min - a.day_max).days <= WINDOW_DAYS


class Clusterer:
    """Average-link agglomerative clustering of a batch of new articles together with the stored
    candidate stories (each a cluster that may grow but never merges with another stored story).
    Merges go best first while the mean pairwise cosine stays at or above THRESHOLD, so the result
    does not depend on the order of the batch."""

    def __init__(self, stories: Iterable[StoryState], idf: Callable[[str], float]) -> None:
        self.idf = idf
        self.stories: dict[str, StoryState] = {s.id: s for s in stories}

    def cluster(
        self,
        items: dict[str, Item],
        new_id: Callable[[str], str],
        *,
        prepared: dict[str, tuple[dict[str, float], list[str]]] | None = None,
    ) -> dict[str, tuple[str, float | None]]:
        """article id → (story id, the link score that joined it, None for a founder or a copy).
        `prepared` holds `prepare(features, idf)` of items the caller has already computed."""
        import heapq

        clusters: dict[str, _Cluster] = {}
        index: dict[str, set[str]] = {}
        for s in self.stories.values():
            clusters[s.id] = _Cluster(
                id=s.id,
                total=dict(s.centroid),
                n=max(1, s.n),
                day_min=s.day_min,
                day_max=s.day_max,
                sigs=set(s.signatures),
                persons=dict(s.persons),
                stored=True,
                members=[],
                neighbours=set(),
            )
            for k in s.keys:
                index.setdefault(k, set()).add(s.id)
        owner: dict[str, str] = {}  # article id → cluster id (a representative)
        vecs, keys = {}, {}
        for aid in sorted(items):
            it = items[aid]
            vecs[aid], keys[aid] = (prepared or {}).get(aid) or prepare(it.features, self.idf)
            d = it.features.day
            clusters["a:" + aid] = _Cluster(
                id="a:" + aid,
                total=dict(vecs[aid]),
                n=1,
                day_min=d,
                day_max=d,
                sigs=set(it.sigs),
                persons=dict(it.features.persons),
                stored=False,
                members=[aid],
                neighbours=set(),
            )
            owner[aid] = "a:" + aid
            for k in keys[aid]:
                index.setdefault(k, set()).add("a:" + aid)
        parent = {c: c for c in clusters}

        def find(c: str) -> str:
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        def merge(a: str, b: str) -> str:
            ca, cb = clusters[a], clusters[b]
            keep, gone = (ca, cb) if ca.stored or (not cb.stored and ca.id < cb.id) else (cb, ca)
            for t, w in gone.total.items():
                keep.total[t] = keep.total.get(t, 0.0) + w
            keep.n += gone.n
            keep.members += gone.members
            keep.sigs |= gone.sigs
            for k, w in gone.persons.items():
                keep.persons[k] = keep.persons.get(k, 0.0) + w
            keep.neighbours |= gone.neighbours
            keep.neighbours.discard(keep.id)
            keep.neighbours.discard(gone.id)
            days = [d for d in (keep.day_min, gone.day_min, keep.day_max, gone.day_max) if d is not None]
            keep.day_min, keep.day_max = (min(days), max(days)) if days else (None, None)
            parent[gone.id] = keep.id
            del clusters[gone.id]
            return keep.id

        # Copies go with what they copy before anything else.
        for aid in sorted(items):
            it = items[aid]
            target = None
            if it.follow_story and it.follow_story in parent:
                target = find(it.follow_story)
            elif it.follow_article and it.follow_article in items:
                target = find("a:" + it.follow_article)
            if target is not None and find(target) != find("a:" + aid):
                merge(find(target), find("a:" + aid))
        for aid in sorted(items):
            me = find("a:" + aid)
            for k in keys[aid]:
                for other in index.get(k, ()):
                    o = find(other)
                    if o != me:
                        clusters[me].neighbours.add(o)
                        clusters[o].neighbours.add(me)
        heap: list[tuple[float, str, str]] = []

        def score(a: _Cluster, b: _Cluster) -> float:
            if (a.stored and b.stored) or not _days_fit(a, b):
                return -1.0
            # Only clusters of several reports speak for who a story is about: one article's pick of
            # a principal person is too noisy to split on.
            both = a.n >= PERSON_MIN_N and b.n >= PERSON_MIN_N
            clash = PERSON_PENALTY if both and person_clash(a.persons, b.persons) else 0.0
            return _avg_link(a, b) + signature_adjustment(a.sigs, b.sigs) - clash

        for cid in sorted(clusters):
            c = clusters[cid]
            for o in sorted(c.neighbours):
                if cid < o:
                    sc = score(c, clusters[o])
                    if sc >= THRESHOLD:
                        heapq.heappush(heap, (-sc, cid, o))
        link_score: dict[str, float] = {}
        while heap:
            neg, a, b = heapq.heappop(heap)
            ra, rb = find(a), find(b)
            if ra == rb:
                continue
            if (ra, rb) != (a, b) and (rb, ra) != (a, b):  # stale: rescore the current clusters
                sc = score(clusters[ra], clusters[rb])
                if sc >= THRESHOLD:
                    heapq.heappush(heap, (-sc, *sorted((ra, rb))))
                continue
            sc = score(clusters[ra], clusters[rb])
            if sc < THRESHOLD:
                continue
            if abs(sc + neg) > 1e-9:  # the clusters grew since this was pushed
                heapq.heappush(heap, (-sc, ra, rb))
                continue
            newcomers = clusters[rb].members if clusters[ra].stored or ra < rb else clusters[ra].members
            for m in newcomers:
                link_score.setdefault(m, round(sc, 4))
            keep = merge(ra, rb)
            for o in sorted(clusters[keep].neighbours):
                ro = find(o)
                if ro != keep and ro in clusters:
                    sc2 = score(clusters[keep], clusters[ro])
                    if sc2 >= THRESHOLD:
                        heapq.heappush(heap, (-sc2, *sorted((keep, ro))))
        # Stragglers: a small cluster left over joins its best neighbour when that one is clearly
        # the best (short or off-angle reports of a well-covered event), never two far-apart ones.
        for cid in sorted(clusters, key=lambda c: (clusters[c].n, c)):
            c = clusters.get(cid)
            if c is None or c.stored or c.n > SMALL:
                continue
            ranked = sorted(
                (
                    (score(c, clusters[o]), o)
                    for o in {find(x) for x in c.neighbours} - {cid}
                    if o in clusters
                ),
                reverse=True,
            )
            if ranked and ranked[0][0] >= ATTACH and clusters[ranked[0][1]].n > c.n:
                second = ranked[1][0] if len(ranked) > 1 else 0.0
                if ranked[0][0] >= ATTACH_MARGIN * max(second, 1e-9):
                    for m in c.members:
                        link_score.setdefault(m, round(ranked[0][0], 4))
                    merge(ranked[0][1], cid)
        out: dict[str, tuple[str, float | None]] = {}
        self._touched: dict[str, StoryState] = {}
        for cid, c in clusters.items():
            if not c.members:
                continue
            if c.stored:
                sid = cid
                state = self.stories[sid]
            else:
                founder = min(
                    c.members,
                    key=lambda m: (items[m].features.day is None, items[m].features.day or date.min, m),
                )
                sid = new_id(founder)
                state = StoryState(id=sid)
            for m in sorted(c.members):
                f = items[m].features
                state.add(vecs[m], keys[m], f.day, set(items[m].sigs), f.persons)
                out[m] = (sid, link_score.get(m))
            self._touched[sid] = state
        return out

    def touched(self) -> list[StoryState]:
        return [self._touched[i] for i in sorted(self._touched)]
