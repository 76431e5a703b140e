"""A dictionary of English words from the loaded pipeline's own lemmatizer tables (its WordNet-derived
lemma index): enough to tell a common word ("Cathedral", "Gardens") from a foreign name ("Suef")."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.lookups import Lookups
    from spacy.vocab import Vocab

# Keyed weakly by the vocab's `Lookups` (a Vocab takes no weak reference): the index goes with its
# pipeline, and a new Vocab never meets it (a dict keyed by `id(vocab)` answered for a new Vocab that
# reused a freed one's id). A frozenset: a spaCy Table of the same words takes 0.25 s to build.
_BY_LOOKUPS: weakref.WeakKeyDictionary[Lookups, frozenset[str]] = weakref.WeakKeyDictionary()


def remember(nlp: Language) -> None:
    """Index the lemmas of a pipeline `nlp.load` has built, under its vocab."""
    words: set[str] = set()
    if "lemmatizer" in nlp.component_names:
        try:
            index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
        except (KeyError, AttributeError):
            index = {}
        for pos in index:
            words.update(w for w in index[pos] if "_" not in w)
    _BY_LOOKUPS[nlp.vocab.lookups] = frozenset(words)


def is_english_word(vocab: Vocab, lower: str) -> bool:
    """True when the lower-cased word, or its singular, is an English lemma the pipeline knows
    (False for every word when the pipeline was not loaded by `sitroom.nlp.load`)."""
    words = _BY_LOOKUPS.get(vocab.lookups)
    if not words:
        return False
    return lower in words or (lower.endswith("s") and lower[:-1] in words)
