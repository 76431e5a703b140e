"""A dictionary of English words from the loaded pipeline's own lemmatizer tables (its WordNet-derived
lemma index): enough to tell a common word ("Cathedral", "Gardens") from a foreign name ("Suef")."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.vocab import Vocab

# Kept in the vocab's own lookups: the index lives and dies with its pipeline (a dict keyed by
# `id(vocab)` answered for a new Vocab that reused a freed one's id).
TABLE = "sitroom_english_words"


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
    lookups = nlp.vocab.lookups
    if lookups.has_table(TABLE):
        lookups.remove_table(TABLE)
    lookups.add_table(TABLE, dict.fromkeys(words, True))


def is_english_word(vocab: Vocab, lower: str) -> bool:
    """True when the lower-cased word, or its singular, is an English lemma the pipeline knows
    (False for every word when the pipeline was not loaded by `sitroom.nlp.load`)."""
    if not vocab.lookups.has_table(TABLE):
        return False
    words = vocab.lookups.get_table(TABLE)
    return lower in words or (lower.endswith("s") and lower[:-1] in words)
