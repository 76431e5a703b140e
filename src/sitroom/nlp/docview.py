"""Per-doc facts that extract and resolve ask for many times, computed once per doc and kept in
`doc.user_data`.

Why: `Doc.text` joins every token again on each access, `doc.sents` and `doc.ents` build new spans,
and `doc[i]`, `token.head` or iterating a doc build a new Token object each time. The docs are not
changed after the parse, so each fact can be taken once. Only plain values are kept: no Token or Span
(they would hold the doc in a reference cycle), nothing a serialised doc could not carry; a value that
comes back from serialisation as a plain list is computed again."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, TypeVar

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

T = TypeVar("T")


def _cached(doc: Doc, key: str, kind: type, make: Callable[[Doc], T]) -> T:
    got = doc.user_data.get(key)
    if not isinstance(got, kind):
        got = doc.user_data[key] = make(doc)
    return got  # type: ignore[return-value]


def text(doc: Doc) -> str:
    """`doc.text`, joined once (from the token table, which builds no Token object)."""
    return _cached(doc, "sitroom.text", str, _text)


def _text(doc: Doc) -> str:
    tok = toks(doc)
    return "".join([t + " " if s else t for t, s in zip(tok.text, tok.space, strict=True)])


def span_text(span: Span) -> str:
    """`span.text`, cut from the doc's text (the same characters, without joining its tokens)."""
    return text(span.doc)[span.start_char : span.end_char]


class Sents(NamedTuple):
    bounds: list[tuple[int, int]]  # [start, end) token indices of each sentence, in order
    of_token: list[int]  # token index -> index of its sentence in `bounds`

    def of(self, i: int) -> tuple[int, int]:
        """The [start, end) token bounds of token i's sentence (`doc[i].sent`, without a walk)."""
        return self.bounds[self.of_token[i]]


def _sents(doc: Doc) -> Sents:
    bounds = [(s.start, s.end) for s in doc.sents]
    of_token = [0] * len(doc)
    for k, (a, b) in enumerate(bounds):
        of_token[a:b] = [k] * (b - a)
    return Sents(bounds, of_token)


def sents(doc: Doc) -> Sents:
    """Sentence bounds, walked once."""
    return _cached(doc, "sitroom.sents", Sents, _sents)


def _heads(doc: Doc) -> list[int]:
    from spacy.attrs import HEAD

    rel = doc.to_array([HEAD]).view("int64").ravel().tolist() if len(doc) else []  # offsets, as int64
    return [i + r for i, r in enumerate(rel)]


def heads(doc: Doc) -> list[int]:
    """The head index of every token (a root is its own head), read in one array."""
    return _cached(doc, "sitroom.heads", list, _heads)


class Ent(NamedTuple):
    start: int  # token indices [start, end)
    end: int
    start_char: int
    end_char: int
    label_: str


class _Ents(NamedTuple):
    all: tuple[Ent, ...]
    starts: list[int]  # start_char of each, for bisection


def _ents(doc: Doc) -> _Ents:
    got = tuple(Ent(e.start, e.end, e.start_char, e.end_char, e.label_) for e in doc.ents)
    return _Ents(got, [e.start_char for e in got])


def ents(doc: Doc) -> tuple[Ent, ...]:
    """The named entities with their token and char bounds, in doc order."""
    return _cached(doc, "sitroom.ent_view", _Ents, _ents).all


def ents_between(doc: Doc, start: int, end: int) -> list[Ent]:
    """The entities inside chars [start, end), in doc order, found by bisection (asked per event)."""
    got = _cached(doc, "sitroom.ent_view", _Ents, _ents)
    out = []
    for k in range(bisect.bisect_left(got.starts, start), len(got.all)):
        e = got.all[k]
        if e.start_char > end:
            break
        if e.end_char <= end:
            out.append(e)
    return out


class Toks(NamedTuple):
    """Per-token values as plain lists (index i is token i)."""

    text: list[str]
    lower: list[str]  # `lower_`
    idx: list[int]  # char offset
    space: list[bool]  # followed by a space (`whitespace_` is " ")
    is_space: list[bool]  # the token itself is whitespace

    def chars(self, lo: int, hi: int) -> tuple[int, int]:
        """The char bounds of tokens [lo, hi) (not empty), as `doc[lo:hi]` has them."""
        return self.idx[lo], self.idx[hi - 1] + len(self.text[hi - 1])


def _toks(doc: Doc) -> Toks:
    from spacy.attrs import IDX, IS_SPACE, LOWER, ORTH, SPACY

    strings = doc.vocab.strings
    cols = doc.to_array([ORTH, LOWER, IDX, SPACY, IS_SPACE]).T.tolist() if len(doc) else [[]] * 5
    return Toks(
        text=[strings[h] for h in cols[0]],
        lower=[strings[h] for h in cols[1]],
        idx=cols[2],
        space=[bool(x) for x in cols[3]],
        is_space=[bool(x) for x in cols[4]],
    )


def toks(doc: Doc) -> Toks:
    """Token texts, lower forms, offsets and spacing, read in one pass of `Doc.to_array`."""
    return _cached(doc, "sitroom.toks", Toks, _toks)
