"""Noun-phrase spans from the parse, and simple pronoun resolution."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from sitroom.extract.lexicon import cue
from sitroom.nlp import docview
from sitroom.records import Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Children whose subtrees are not part of an actor's phrase.
_CUT = frozenset({"relcl", "acl", "appos", "conj", "cc", "punct", "advcl", "parataxis", "case"})
_REL_PRON = frozenset({"who", "which", "that", "whom"})
_HOME_VERBS = frozenset({"base", "headquarter", "station"})


def np_bounds(tok: Token, *, drop_preps: frozenset[str] = frozenset()) -> tuple[int, int]:
    """Token range [i, j) of the phrase headed by `tok`: its subtree, cut before the first excluded child."""
    lo, hi = tok.i, tok.i + 1
    for c in tok.lefts:
        lo = c.right_edge.i + 1 if c.dep_ in _CUT and not _in_word(c) else min(lo, c.left_edge.i)
    for c in tok.rights:
        if c.dep_ == "acl" and c.lemma_ in _HOME_VERBS:
            hi = c.right_edge.i + 1  # "a group based in Trinidad": where an actor is from
            continue
        if c.dep_ in _CUT or (c.dep_ == "prep" and c.lower_ in drop_preps):
            break
        hi = c.right_edge.i + 1
    doc = tok.doc
    while lo < tok.i and (doc[lo].is_punct or doc[lo].dep_ == "cc"):
        lo += 1
    while hi - 1 > tok.i and doc[hi - 1].is_punct:
        hi -= 1
    return lo, hi


def _in_word(t: Token) -> bool:
    """A hyphen inside a name ("Zia-Ul-Haq"): punctuation with no space on either side."""
    doc = t.doc
    return (
        t.dep_ == "punct"
        and t.text in ("-", "–")
        and t.i > 0
        and not doc[t.i - 1].whitespace_
        and not t.whitespace_
    )


def np_span(tok: Token, *, drop_preps: frozenset[str] = frozenset()) -> Span:
    lo, hi = np_bounds(tok, drop_preps=drop_preps)
    return token_span(tok.doc, lo, hi)


def token_span(doc: Doc, lo: int, hi: int) -> Span:
    """Tokens [lo, hi) (not empty) as a record Span: offsets and text cut from the doc's text, as
    `doc[lo:hi]` gives them, without building a spaCy Span and joining its tokens."""
    start, end = docview.toks(doc).chars(lo, hi)
    return Span(start=start, end=end, text=docview.text(doc)[start:end])


def conjuncts(tok: Token) -> list[Token]:
    """The token and the tokens coordinated with it ("A, B and C")."""
    out = [tok]
    for c in tok.conjuncts:
        if c.i > tok.i and c.pos_ in ("NOUN", "PROPN", "PRON", "NUM", "ADJ"):
            out.append(c)
    return out


def is_relative(tok: Token) -> bool:
    return tok.lower_ in _REL_PRON and tok.tag_ in ("WP", "WDT")


def resolve_pronoun(tok: Token) -> Token:
    """Nearest previous compatible head noun for it/they/he/she; the pronoun itself when none is found."""
    low = tok.lower_
    if tok.pos_ != "PRON":
        return tok
    sing, plur, pers = cue("pronoun_sing"), cue("pronoun_plur"), cue("pronoun_pers")
    if low not in sing | plur | pers:
        return tok
    doc = tok.doc
    start = max(0, docview.sents(doc).of(tok.i)[0] - 120)

    def back() -> Iterator[Token]:  # lazily: the nearest candidate is usually found within a few words
        return (doc[i] for i in range(tok.i - 1, start - 1, -1))

    # subjects first (the entity a text keeps talking about), then any noun
    order: Iterable[Token] = back()
    if tok.dep_ in ("nsubj", "nsubjpass"):
        order = itertools.chain((c for c in back() if c.dep_ in ("nsubj", "nsubjpass")), back())
    for c in order:
        if (
            c.pos_ not in ("NOUN", "PROPN")
            or c.dep_ in ("compound", "amod", "npadvmod")
            or c.ent_type_
            in (
                "DATE",
                "TIME",
                "CARDINAL",
                "PERCENT",
                "MONEY",
            )
        ):
            continue
        if c.head.i != c.i and c.head.pos_ in ("NOUN", "PROPN") and c.dep_ in ("compound", "nmod"):
            continue
        plural = c.tag_ in ("NNS", "NNPS")
        person = c.ent_type_ == "PERSON"
        if low in pers and person:
            return c
        if low in plur and (plural or c.ent_type_ in ("ORG", "NORP", "GPE")) and not person:
            return c
        if low in sing and (not plural or c.ent_type_ in ("GPE", "ORG")) and not person:
            return c
    return tok
