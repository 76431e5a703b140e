"""Shared fixtures of the resolve tests: the spaCy model, the gazetteer, and the event place of a
trigger in a sentence we write (a minimal Candidate, as the extractor would hand it over)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sitroom.records import Article, Candidate, PlaceRef, Span
from sitroom.resolve.context import ArticleContext
from sitroom.resolve.gazetteer import open_gazetteer
from sitroom.resolve.location import event_location, place_phrases
from sitroom.resolve.places import article_focus, find_places


@pytest.fixture(scope="session")
def nlp():
    from sitroom.nlp import load

    return load()


@pytest.fixture(scope="session")
def gaz():
    return open_gazetteer()


@pytest.fixture
def locate(nlp, gaz) -> Callable[..., PlaceRef | None]:
    def run(text: str, trigger: str, actors: tuple[str, ...] = ()) -> PlaceRef | None:
        doc = nlp(text)
        places = tuple(find_places(doc, None, gaz))
        ctx = ArticleContext(
            article=Article(id="t", ref="t", text=text),
            doc=doc,
            published=None,
            places=places,
            focus=article_focus(places),
        )
        tok = next(t for t in doc if t.text == trigger)
        sent = tok.sent

        def span(s: str) -> Span:
            i = text.index(s)
            return Span(start=i, end=i + len(s), text=s)

        cand = Candidate(
            event_type="X",
            cameo="0",
            trigger=Span(start=tok.idx, end=tok.idx + len(tok), text=tok.text),
            sentence=Span(start=sent.start_char, end=sent.end_char, text=sent.text),
            source=tuple(span(a) for a in actors),
            places=tuple(place_phrases(doc, tok)),
        )
        return event_location(cand, ctx)

    return run
