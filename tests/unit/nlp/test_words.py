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


def test_the_index_lives_in_its_own_vocab() -> None:
    from spacy.vocab import Vocab

    from sitroom.nlp import load
    from sitroom.nlp.words import TABLE

    assert load().vocab.lookups.has_table(TABLE)
    fresh = Vocab()  # may take the id of a vocab freed earlier in the process: it still knows nothing
    assert not fresh.lookups.has_table(TABLE)
    assert not is_english_word(fresh, "cathedral")
