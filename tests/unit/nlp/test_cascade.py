"""The cascade: cheap trigger look-ups keep every sentence the extractor could use; offsets stay put."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitroom.nlp.cascade import Cascade, keys, trigger_heads

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_heads_are_the_words_the_extractor_looks_up_first():
    from sitroom.extract.lexicon import index

    assert {k for k, _pos in index().by_head} == set(trigger_heads())


@pytest.mark.parametrize(
    ("form", "lemma"),
    [
        ("arrested", "arrest"),
        ("shelling", "shell"),
        ("stopped", "stop"),
        ("agreed", "agree"),
        ("carries", "carry"),
        ("sanctions", "sanction"),
        ("troops", "troop"),
        ("protesters", "protester"),
    ],
)
def test_keys_reach_regular_lemmas(form, lemma):
    assert lemma in keys(form)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("form", "lemma"),
    [("fought", "fight"), ("struck", "strike"), ("withdrew", "withdraw"), ("met", "meet"), ("sent", "send")],
)
def test_keys_reach_irregular_lemmas(nlp, form, lemma):
    from sitroom.nlp.cascade import _irregular

    assert lemma in keys(form, _irregular(nlp))


TEXT = (
    "The weather was mild in the capital.  It rained a little.\n\n"
    "On Monday, police arrested 40 protesters in Tbilisi. The museum opened a new wing.\n"
    "Rebels fought government troops near Goma, officials said."
)


@pytest.mark.slow
def test_only_trigger_sentences_are_parsed_and_offsets_hold(nlp):
    cas = Cascade(nlp, lead=0)
    (doc,) = list(cas.pipe([TEXT]))
    assert doc.text == TEXT
    for t in doc:
        assert TEXT[t.idx : t.idx + len(t.text)] == t.text
    parsed = {s.text.strip(): any(t.pos_ for t in s) for s in doc.sents}
    assert parsed["On Monday, police arrested 40 protesters in Tbilisi."]
    assert parsed["Rebels fought government troops near Goma, officials said."]
    assert not parsed["The weather was mild in the capital."]
    arrested = next(t for t in doc if t.text == "arrested")
    assert arrested.lemma_ == "arrest" and arrested.pos_ == "VERB" and arrested.dep_ == "ROOT"
    assert any(e.text == "Monday" for e in doc.ents)
    assert not any(e.start_char < TEXT.index("On Monday") for e in doc.ents)  # no NER in skipped sentences
    assert cas.stats["kept"] < cas.stats["sentences"]


@pytest.mark.slow
def test_parsed_sentences_match_the_full_parse(nlp):
    cas = Cascade(nlp)
    (doc,) = list(cas.pipe([TEXT]))
    full = nlp(TEXT)
    kept = {t.idx for t in doc if t.pos_ and not t.is_space}
    assert len(kept) > 15
    got = [(t.idx, t.lemma_, t.pos_, t.tag_, t.ent_type_) for t in doc if t.idx in kept]
    want = [(t.idx, t.lemma_, t.pos_, t.tag_, t.ent_type_) for t in full if t.idx in kept]
    same = sum(g == w for g, w in zip(got, want, strict=True)) / len(want)
    assert same > 0.9


def _parsed(nlp, text: str) -> dict[str, bool]:
    """Sentence text → whether the cascade (no lead) parsed it."""
    (doc,) = list(Cascade(nlp, lead=0).pipe([text]))
    return {s.text.strip(): any(t.pos_ for t in s) for s in doc.sents}


@pytest.mark.slow
def test_a_trigger_head_without_the_rest_of_its_pattern_is_not_parsed(nlp):
    parsed = _parsed(
        nlp, "The museum opened a new wing. Soldiers opened fire on the crowd. Officials in the city said so."
    )
    assert not parsed["The museum opened a new wing."]  # "open" heads only "open fire"
    assert parsed["Soldiers opened fire on the crowd."]
    assert parsed["Officials in the city said so."]  # "say" needs no other word


@pytest.mark.slow
def test_the_lead_is_always_parsed(nlp):
    (doc,) = list(Cascade(nlp, lead=10).pipe([TEXT]))  # the sentences that start in the first 10 tokens
    parsed = [any(t.pos_ for t in s) for s in doc.sents if s.text.strip()]
    assert parsed[:2] == [True, True]  # "The weather was mild…", "It rained a little."
    assert not parsed[3]  # "The museum opened a new wing."
    assert any(e.text == "Tbilisi" for e in doc.ents)


def test_sentences_end_at_punctuation_and_line_breaks_and_quotes_open_the_next():
    import spacy

    from sitroom.nlp.cascade import Sentences

    nlp = spacy.blank("en")
    text = 'Troops crossed the border\nat dawn. "We will stay," he said. "Leave now."\nOfficials met today'
    (doc,) = list(Sentences().pipe([nlp(text)]))
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == [
        "Troops crossed the border",
        "at dawn.",
        '"We will stay," he said.',
        '"Leave now."',
        "Officials met today",
    ]


def test_rows_name_the_other_words_a_head_needs():
    from sitroom.nlp.cascade import trigger_rows

    rows = trigger_rows()
    assert frozenset() in rows["say"]
    assert any({"fire"} <= needs for needs in rows["open"])
    assert all(needs for needs in rows["open"])


@pytest.mark.slow
def test_cascade_keeps_the_events_of_the_examples(nlp):
    from sitroom.config import load
    from sitroom.ingest import read
    from sitroom.pipeline import process_articles

    arts = [a for a in read([str(EXAMPLES)])]
    key = lambda e: (e.article_id, e.evidence.trigger_start, e.evidence.trigger_end, e.event_type)  # noqa: E731
    full = {key(e) for r in process_articles(arts, load(cascade=False)) for e in r.events}
    cas = {key(e) for r in process_articles(arts, load(cascade=True)) for e in r.events}
    assert len(full & cas) >= 0.98 * len(full)


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("true", True), ("0", False), ("no", False)])
def test_cascade_setting_from_the_environment(monkeypatch, raw, value):
    from sitroom.config import load

    monkeypatch.setenv("SITROOM_CASCADE", raw)
    assert load().cascade is value


@pytest.mark.slow
def test_empty_and_whitespace_texts(nlp):
    docs = list(Cascade(nlp).pipe(["", "   \n  ", "Nothing happened."]))
    assert [d.text for d in docs] == ["", "   \n  ", "Nothing happened."]


def _texts() -> list[str]:
    from sitroom.ingest import read

    return [a.text for a in read([str(EXAMPLES)])] + [
        "I ain't gonna let 'em go. Let's see: nothin' was done, they're gonna wanna come on in.",
        "Is it all over? Were they all there, or was the whole thing gotta be cancelled on Monday?",
    ]


@pytest.mark.slow
def test_fast_tail_equals_the_ruler_and_lemmatizer(nlp):
    from sitroom.nlp.cascade import FastTail

    tail = FastTail.of(nlp)
    assert tail is not None
    texts = _texts() * 2  # the second pass runs from the caches
    want = list(nlp.pipe(texts))
    got = [tail(d) for d in nlp.pipe(texts, disable=tail.after())]
    for w, g in zip(want, got, strict=True):
        assert [(t.pos_, t.lemma_, str(t.morph)) for t in g] == [(t.pos_, t.lemma_, str(t.morph)) for t in w]
    assert tail.rules and tail.lemmas


@pytest.mark.slow
@pytest.mark.shared
def test_fast_tail_on_real_news(nlp, dev):
    import json

    from sitroom.nlp.cascade import FastTail

    with open(dev / "places/geowebnews.jsonl", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f][:40]
    tail = FastTail.of(nlp)
    want = list(nlp.pipe(texts))
    got = [tail(d) for d in nlp.pipe(texts, disable=tail.after())]
    bad = sum(
        (a.pos, a.lemma, a.morph.key) != (b.pos, b.lemma, b.morph.key)
        for w, g in zip(want, got, strict=True)
        for a, b in zip(w, g, strict=True)
    )
    assert bad == 0


def test_fast_tail_goes_with_its_pipeline() -> None:
    import gc

    from spacy.lang.en import English

    from sitroom.nlp import pipeline

    blank = English()
    assert pipeline._fast_tail(blank) is None  # no ruler or lemmatizer: the real components run
    assert blank in pipeline._TAILS
    size = len(pipeline._TAILS)
    del blank
    gc.collect()
    assert len(pipeline._TAILS) == size - 1  # not kept alive, and no id left for a new pipeline to meet
