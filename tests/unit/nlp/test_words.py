"""The English-word test behind place recognition (needs the spaCy model)."""

from __future__ import annotations

import pytest

from sitroom.nlp.words import is_english_word

pytestmark = pytest.mark.slow


def test_english_words_come_from_the_loaded_pipeline() -> None:
    from sitroom.nlp import load

    vocab = load().vocab
    assert is_english_word(vocab, "cathedral")
    assert is_english_word(vocab, "gardens")  # plural of a known lemma
    assert not is_english_word(vocab, "suef")


def test_a_pipeline_not_loaded_by_sitroom_knows_no_words() -> None:
    from spacy.vocab import Vocab

    assert not is_english_word(Vocab(), "cathedral")


def test_the_index_goes_with_its_pipeline() -> None:
    import gc

    from spacy.lang.en import English
    from spacy.vocab import Vocab

    from sitroom.nlp import load, words

    assert load().vocab.lookups in words._BY_LOOKUPS
    blank = English()
    words.remember(blank)  # no lemmatizer: knows no words, but is indexed
    size = len(words._BY_LOOKUPS)
    del blank
    gc.collect()
    assert len(words._BY_LOOKUPS) == size - 1  # freed with its pipeline, nothing left for an id to meet
    assert not is_english_word(Vocab(), "cathedral")
