"""Provenance inside one story: which article is the origin, which are copies or rewrites of which,
which are independent reports, and which rewrites dropped an agency credit.

Members are taken in publication order; each is compared with every earlier member only (a story is
small, and the blocking already chose it). A copy shares most of its word shingles with an earlier
text; a rewrite shares its facts in the same order (aligned sentences, numbers, quotes) and some
phrasing; an independent report shares the facts but not the order or the phrasing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sitroom.link.families import containment, is_copy
from sitroom.link.features import Features, sentence_sets

METHOD = "sitroom.link.provenance.v1"
REWRITE_MIN = 0.36  # rewrite score at or above which an article is linked to its source
ALIGN_MIN = 0.34  # Dice overlap of content words for two sentences to count as the same sentence
MIN_SENT_WORDS = 3
FAMILY_SLACK = 0.05


class Relation(StrEnum):
    ORIGIN = "origin"  # the earliest report of the story
    COPY = "copy"  # the same text (exact or lightly edited) as an earlier member
    REWRITE = "rewrite"  # a paraphrase of an earlier member
    INDEPENDENT = "independent"  # a report of its own: a further origin chain


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """One article of a story, with what provenance needs to place it."""

    id: str
    order: tuple  # publication order key (earliest first); ties broken by ingestion order and id
    features: Features


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    article_id: str
    relation: Relation
    derived_from: str | None = None
    score: float | None = None  # copy containment or rewrite score against `derived_from`
    attribution_dropped: bool = False
    family_id: str = ""  # the first article of its text family (itself when it starts one)


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _lis(seq: Sequence[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    import bisect

    tails: list[int] = []
    for x in seq:
        i = bisect.bisect_left(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)


Sentences = tuple[frozenset[str], ...]


def alignment(a: Sentences, src: Sentences) -> tuple[float, float]:
    """(share of a's sentences that match a sentence of src, share of those matches in src's order),
    for the `sentence_sets` of two texts."""
    mine = [s for s in a if len(s) >= MIN_SENT_WORDS]
    theirs = [s for s in src if len(s) >= MIN_SENT_WORDS]
    if not mine or not theirs:
        return 0.0, 0.0
    matched: list[int] = []
    sizes = [len(t) for t in theirs]
    for s in mine:
        best, where = 0.0, -1
        n = len(s)
        for j, t in enumerate(theirs):
            d = 2 * len(s & t) / (n + sizes[j])  # _dice(s, t), inlined: both sides are non-empty
            if d > best:
                best, where = d, j
        if best >= ALIGN_MIN:
            matched.append(where)
    if not matched:
        return 0.0, 0.0
    return len(matched) / len(mine), _lis(matched) / len(matched)


def _quote_share(a: Features, src: Features) -> float:
    if not a.quotes:
        return 0.0
    hit = sum(1 for q in a.quotes if any(_dice(q, r) >= 0.6 for r in src.quotes))
    return hit / len(a.quotes)


def rewrite_score(a: Features, src: Features, sents: Callable[[Features], Sentences] | None = None) -> float:
    """How likely `a` is a paraphrase of `src` (0..1): aligned sentences in order weigh most, then
    shared phrasing, numbers and quotes. Independent reports of one event share facts but rarely
    their order and wording. `sents`: the texts' sentence sets, kept by the caller that compares
    one text many times."""
    get = sents or (lambda f: sentence_sets(f.text))
    aligned, ordered = alignment(get(a), get(src))
    phrasing = min(1.0, 2.5 * containment(a.shingles, src.shingles))
    numbers = len(a.numbers & src.numbers) / len(a.numbers) if a.numbers else 0.0
    return round(0.5 * aligned * ordered + 0.25 * phrasing + 0.1 * numbers + 0.15 * _quote_share(a, src), 4)


def provenance(members: Sequence[Member], settled: Mapping[str, Link] | None = None) -> list[Link]:
    """Relations of a story's members, in publication order. `settled`: links found before for some
    members; a member's link depends on the members before it only, so those of the members before the
    first one without a settled link are taken as they are."""
    ordered = sorted(members, key=lambda m: m.order)
    links: dict[str, Link] = {}
    kept: dict[str, Sentences] = {}
    settled = settled or {}
    start = 0
    while start < len(ordered) and (x := settled.get(ordered[start].id)) is not None:
        links[x.article_id] = x
        start += 1

    def sents(f: Features) -> Sentences:
        got = kept.get(f.article_id)
        if got is None:
            got = kept[f.article_id] = sentence_sets(f.text)
        return got

    for i, m in enumerate(ordered[start:], start):
        if i == 0:
            links[m.id] = Link(article_id=m.id, relation=Relation.ORIGIN, family_id=m.id)
            continue
        earlier = ordered[:i]
        copy_of = next((e for e in earlier if is_copy(m.features.shingles, e.features.shingles)), None)
        if copy_of is not None:
            src = links[copy_of.id]
            links[m.id] = Link(
                article_id=m.id,
                relation=Relation.COPY,
                derived_from=copy_of.id,
                score=round(containment(m.features.shingles, copy_of.features.shingles), 4),
                attribution_dropped=_dropped(m.features, copy_of.features),
                family_id=src.family_id,
            )
            continue
        best, best_score = None, 0.0
        for e in earlier:
            s = rewrite_score(m.features, e.features, sents)
            if s > best_score + 1e-9:  # ties keep the earlier source
                best, best_score = e, s
        if best is not None and links[best.id].relation is Relation.COPY:
            # A rewrite of a copy is credited to the text the copy reproduces, unless the copy
            # fits clearly better.
            root = next(e for e in earlier if e.id == links[best.id].family_id)
            root_score = rewrite_score(m.features, root.features, sents)
            if root_score >= best_score - FAMILY_SLACK:
                best, best_score = root, root_score
        if best is not None and best_score >= REWRITE_MIN:
            links[m.id] = Link(
                article_id=m.id,
                relation=Relation.REWRITE,
                derived_from=best.id,
                score=best_score,
                attribution_dropped=_dropped(m.features, best.features),
                family_id=m.id,
            )
        else:
            links[m.id] = Link(
                article_id=m.id,
                relation=Relation.INDEPENDENT,
                score=round(best_score, 4) if best is not None else None,
                family_id=m.id,
            )
    return [links[m.id] for m in ordered]


def _dropped(a: Features, src: Features) -> bool:
    """The source credits an agency and this text credits none of the source's agencies."""
    return bool(src.credits) and not (a.credits & src.credits)


def independent_sources(links: Sequence[Link]) -> int:
    """Distinct origin chains: the origin and every independent report."""
    return sum(1 for x in links if x.relation in (Relation.ORIGIN, Relation.INDEPENDENT))
