"""What the resolvers know about one article while they work on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sitroom.records import Article, PlaceRef

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleContext:
    article: Article
    doc: Doc
    published: date | None  # the reference date for relative expressions
    places: tuple[PlaceRef, ...] = ()  # every resolved place mention, in text order
    focus: tuple[str, ...] = ()  # ISO3 countries the article is about, most salient first
