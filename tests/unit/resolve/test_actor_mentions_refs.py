"""Descriptive references to the focus country are found wherever they sit: at the start, at the end,
after a long stretch without one, and close together (actor_mentions skips the words with no
"nation" or "country" within reach)."""

from __future__ import annotations

from datetime import date

import spacy

from sitroom.records import Article
from sitroom.resolve.actors import actor_mentions
from sitroom.resolve.context import ArticleContext


def _refs(text: str, focus: tuple[str, ...] = ("NER",)) -> list[tuple[str, str | None]]:
    ctx = ArticleContext(
        article=Article(id="x", ref="x", text=text),
        doc=spacy.blank("en")(text),
        published=date(2024, 5, 3),
        focus=focus,
    )
    return [(text[r.start : r.end], r.country) for r in actor_mentions(ctx)]


def test_references_at_the_start_the_end_and_after_a_long_stretch():
    filler = " ".join(["word"] * 40)
    text = f"The country voted. {filler} and then the West African nation spoke to the nation"
    got = _refs(text)
    assert ("The country", "NER") in got
    assert ("the West African nation", "NER") in got
    assert ("the nation", "NER") in got
    assert len([g for g in got if g[1] == "NER"]) == 3


def test_references_close_together_and_none_without_focus():
    text = "the nation and the country"
    assert _refs(text) == [("the nation", "NER"), ("the country", "NER")]
    assert _refs(text, focus=()) == []
