"""Per-doc views that resolvers ask for many times; computed once and kept in `doc.user_data`.

Each access of `doc.ents` builds new Span objects, and `doc.text` joins every token again."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from spacy.tokens import Doc


class Ent(NamedTuple):
    start_char: int
    end_char: int
    label_: str
    text: str


def entities(doc: Doc) -> tuple[Ent, ...]:
    """The doc's named entities as plain tuples (same attribute names as spaCy's spans)."""
    got = doc.user_data.get("sitroom.ents")
    if got is None:
        got = tuple(Ent(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents)
        doc.user_data["sitroom.ents"] = got
    return got
