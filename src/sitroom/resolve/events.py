"""Assemble events: one candidate + resolved actors, place, date and ontology codes → Event."""

from __future__ import annotations

import functools
import hashlib
from datetime import date
from typing import TYPE_CHECKING

from sitroom.ontology import STATEMENT
from sitroom.records import (
    ActorRef,
    Article,
    ArticleResult,
    Candidate,
    Event,
    Evidence,
    PlaceRef,
    Precision,
    Span,
)
from sitroom.resolve.context import ArticleContext

if TYPE_CHECKING:
    from spacy.tokens import Doc

METHOD = "sitroom.resolve.v1"


def event_id(article_id: str, cand: Candidate, suffix: str = "") -> str:
    """Stable across runs: article id + trigger offsets (+ source offsets, for reciprocal pairs;
    + a place's offset for the extra events of coordinated places)."""
    key = f"{article_id}:{cand.trigger.start}:{cand.trigger.end}:{cand.event_type}"
    key += "".join(f":{s.start}-{s.end}" for s in cand.source) + suffix
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def published_date(article: Article) -> date | None:
    if not article.published:
        return None
    try:
        return date.fromisoformat(article.published[:10])
    except ValueError:
        return None


def resolve_article(article: Article, doc: Doc, candidates: list[Candidate]) -> ArticleResult:
    """Resolve every candidate of one article. Raises on bugs; the pipeline records them as failures."""
    from sitroom.config import load
    from sitroom.resolve.actors import actor_mentions, implied_actor, resolve_actor
    from sitroom.resolve.coding import code_event
    from sitroom.resolve.dates import event_date
    from sitroom.resolve.gazetteer import open_gazetteer
    from sitroom.resolve.location import coordinated_locations, event_location
    from sitroom.resolve.places import article_focus, find_places

    gaz = open_gazetteer(load().cache_path())
    places = tuple(find_places(doc, article, gaz))
    ctx = ArticleContext(
        article=article,
        doc=doc,
        published=published_date(article),
        places=places,
        focus=tuple(article_focus(places, doc)),
    )
    actors = tuple(actor_mentions(ctx))
    events = []
    fallback: list[PlaceRef | None] = []  # the article's focus place, looked up once when first needed
    for cand in candidates:
        source = tuple(a for s in cand.source for a in resolve_actor(s, ctx))
        target = tuple(a for s in cand.target for a in resolve_actor(s, ctx))
        coding = code_event(cand, source=source, target=target)
        location = event_location(cand, ctx)
        others = coordinated_locations(cand, ctx, location) if location else []
        date = event_date(cand, ctx)
        lemma = "" if source else _lemma(doc, cand.trigger)  # an agentless noun may imply its agent
        if location is None and not fallback:
            fallback.append(_fallback_location(ctx, gaz))
        for i, loc in enumerate([location or fallback[0], *others]):
            # one event per place; the copies' ids add the place's offsets
            suffix = f":{loc.start}" if i and loc is not None else ""
            src, tgt, how = source, target, ""
            if not target and location is not None:
                place_actor = place_target(cand.event_type, loc)
                if place_actor is not None:
                    tgt, how = (place_actor,), f"+{PLACE_TARGET}"
            if not source and loc is not None:
                agent = implied_actor(cand.trigger, lemma, loc.country)
                if agent is not None:
                    src, how = (agent,), f"{how}+{IMPLIED_SOURCE}"
            events.append(
                Event(
                    id=event_id(article.id, cand, suffix),
                    article_id=article.id,
                    event_type=coding.event_type,
                    cameo=coding.cameo,
                    cameo_root=coding.cameo_root,
                    quad_class=coding.quad_class,
                    goldstein=coding.goldstein,
                    mode=coding.mode,
                    context=coding.context,
                    acled_event_type=coding.acled_event_type,
                    acled_sub_event_type=coding.acled_sub_event_type,
                    source=src,
                    target=tgt,
                    location=loc,
                    date=date,
                    modality=cand.modality,
                    attribution=cand.attribution,
                    quantities=cand.quantities,
                    evidence=Evidence(
                        sentence=cand.sentence.text,
                        start=cand.sentence.start,
                        end=cand.sentence.end,
                        trigger=cand.trigger.text,
                        trigger_start=cand.trigger.start,
                        trigger_end=cand.trigger.end,
                    ),
                    confidence=cand.confidence,
                    method=f"{cand.method}+{METHOD}{how}",
                )
            )
    return ArticleResult(article=article, events=tuple(events), places=places, actors=actors)


PLACE_TARGET = "sitroom.resolve.place_target.v1"
# "a coup" -> the military of its country (resolve/data/implied_agents.tsv)
IMPLIED_SOURCE = "sitroom.resolve.implied_source.v1"


def _lemma(doc: Doc, span: Span) -> str:
    sp = doc.char_span(span.start, span.end, alignment_mode="expand")
    return sp.root.lemma_ if sp is not None else span.text


# Acts on a place hit the people there; other acts aimed at a place address its state.
_ON_PEOPLE = frozenset({"ASSAULT", "COERCE"})


def place_target(event_type: str, loc: PlaceRef) -> ActorRef | None:
    """The target an event with no named target is taken to have: the state of the place it happens in
    or is aimed at ("visited Russia", "troops to Mali", "a curfew in Cizre"), as event coders code it.

    None for statements (a place where something is said is not whom it is said to) and for places
    without a country. Not used for coding (the event's type is settled before)."""
    if event_type == STATEMENT or not loc.country:
        return None
    people = event_type in _ON_PEOPLE
    return ActorRef(
        text=loc.text,
        name=loc.name,
        country=loc.country,
        sector="CVL" if people else None,
        kind="nonstate" if people else "state",  # the actor lexicon's kinds: civilians are not the state
        id=None if people else loc.country,
        start=loc.start,
        end=loc.end,
    )


@functools.lru_cache(maxsize=512)
def _country(gaz, iso3: str):  # type: ignore[no-untyped-def]
    # an index query per article otherwise; an open gazetteer never changes
    return gaz.country(iso3)


def _fallback_location(ctx: ArticleContext, gaz) -> PlaceRef | None:
    """No place in the event's clause: the article's focus country, at country precision.

    Only when the article has a clear focus (named more than any other country); else none."""
    if not ctx.focus:
        return None
    entry = _country(gaz, ctx.focus[0])
    if entry is None:
        return None
    return PlaceRef(
        text="",
        name=entry.name,
        country=ctx.focus[0],
        lat=entry.lat,
        lon=entry.lon,
        precision=Precision.COUNTRY,
        gazetteer_id=entry.gid,
        geonames_id=entry.geonames_id,
        method="sitroom.places.focus.v1",
    )


__all__ = ["ActorRef", "resolve_article", "event_id"]
