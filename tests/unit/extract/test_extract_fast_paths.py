"""Shortcuts taken for speed give exactly what spaCy's own objects give: record spans cut from the doc's
text, and a sentence's entities found by bisection."""

from __future__ import annotations

import pytest

from sitroom.extract.core import _sent_ents
from sitroom.extract.spans import token_span

pytestmark = pytest.mark.slow

TEXT = (
    "On Monday, Kenyan police arrested 12 protesters in Nairobi.  The U.S. State Department said "
    "it was \u201cdeeply concerned\u201d.\nIn March 2024, the African Union met in Addis Ababa; "
    "officials from Ethiopia and Somalia attended. Nothing else happened"
)


@pytest.fixture(scope="module")
def doc(nlp):
    return nlp(TEXT)


def test_token_span_is_the_spacy_span(doc):
    for lo in range(len(doc)):
        for hi in range(lo + 1, min(len(doc), lo + 12) + 1):
            s, got = doc[lo:hi], token_span(doc, lo, hi)
            assert (got.start, got.end, got.text) == (s.start_char, s.end_char, s.text), (lo, hi)


def test_sentence_entities_are_span_ents(doc):
    assert doc.ents, "the text should hold entities"
    sents = list(doc.sents)
    # also spans that cut through an entity: Span.ents stops at the first entity running past the end
    cuts = [doc[e.start : e.end - 1] for e in doc.ents if len(e) > 1]
    cuts += [doc[0 : e.start + 1] for e in doc.ents if len(e) > 1]
    for s in sents + cuts:
        want = [(e.start, e.end, e.label_) for e in s.ents]
        assert [(e.start, e.end, e.label_) for e in _sent_ents(s)] == want, s.text
