"""The per-doc views in `sitroom.nlp.docview` give what spaCy's own attributes give, for fully parsed
and cascade docs, and survive a serialised doc (its user data comes back as plain lists)."""

from __future__ import annotations

import pytest
from spacy.tokens import DocBin

from sitroom.extract import extract
from sitroom.nlp import docview
from sitroom.records import to_dict

pytestmark = pytest.mark.slow

TEXTS = [
    "Guinea-Bissau troops entered Kidal on Monday.\nU.S.-led forces said they would withdraw by 2025.",
    "NIAMEY, May 3 (Reuters) - Niger's junta ordered French troops out, officials said on Thursday.",
    "The talks in Geneva failed.   Protesters   marched through the capital, chanting slogans.\n\n"
    "Police arrested 12 people, according to the Interior Ministry of Mali.",
]


@pytest.fixture(scope="module")
def docs(nlp):
    from sitroom.nlp import parse

    return list(nlp.pipe(TEXTS)) + list(parse(nlp, TEXTS, cascade=True))


def test_views_equal_spacy_attributes(docs):
    for doc in docs:
        doc.user_data.clear()
        assert docview.text(doc) == doc.text
        sents = docview.sents(doc)
        assert sents.bounds == [(s.start, s.end) for s in doc.sents]
        assert sents.of_token == [sents.bounds.index((t.sent.start, t.sent.end)) for t in doc]
        assert docview.heads(doc) == [t.head.i for t in doc]
        assert [tuple(e) for e in docview.ents(doc)] == [
            (e.start, e.end, e.start_char, e.end_char, e.label_) for e in doc.ents
        ]
        tok = docview.toks(doc)
        assert tok.text == [t.text for t in doc]
        assert tok.idx == [t.idx for t in doc]
        assert tok.space == [bool(t.whitespace_) for t in doc]
        assert tok.is_space == [t.is_space for t in doc]
        assert tok.lower == [t.lower_ for t in doc]
        for s in doc.sents:
            assert docview.span_text(s) == s.text
            inside = [e for e in doc.ents if s.start_char <= e.start_char and e.end_char <= s.end_char]
            got = docview.ents_between(doc, s.start_char, s.end_char)
            assert [(e.start_char, e.end_char) for e in got] == [(e.start_char, e.end_char) for e in inside]


def test_views_are_kept_and_rebuilt_when_not_theirs(docs):
    doc = docs[0]
    doc.user_data.clear()
    assert docview.toks(doc) is docview.toks(doc)
    doc.user_data["sitroom.toks"] = (["x"], ["x"], [0], [False], [False])  # as a serialised doc gives it
    assert docview.toks(doc).text == [t.text for t in doc]


def test_serialised_doc_gives_the_same_candidates(nlp, docs):
    for doc in docs:
        doc.user_data.clear()
    before = [[to_dict(c) for c in extract(d)] for d in docs]  # fills the views
    data = DocBin(store_user_data=True, docs=docs).to_bytes()
    again = list(DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab))
    assert [[to_dict(c) for c in extract(d)] for d in again] == before
    assert any(c for c in before)
