"""The parser and NER stepped from Python give what spaCy's own greedy loop gives."""

from pathlib import Path

import pytest

from sitroom.nlp import steps

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _annotations(docs) -> list[tuple]:
    return [
        (t.i, t.tag_, t.dep_, t.head.i, t.is_sent_start, t.ent_iob_, t.ent_type_, t.lemma_)
        for d in docs
        for t in d
    ]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    assert len(texts) >= 4
    # docs of every length in one batch (the batches are sorted by length), an empty one and a blank one
    return [*texts, "", "   \n", "Troops left.", texts[0][:300], *(t.split("\n\n")[0] for t in texts)]


@pytest.mark.slow
def test_the_parser_and_ner_are_the_ones_stepped(nlp):
    assert {n for n, p in nlp.pipeline if steps._steppable(p)} == {"parser", "ner"}


@pytest.mark.slow
@pytest.mark.parametrize("batch_size", [1, 3, 32])
def test_stepped_pipeline_gives_spacy_s_annotations(nlp, batch_size):
    texts = _texts()
    ours = steps.pipe(nlp, texts, batch_size=batch_size)
    assert [d.text for d in ours] == texts
    assert _annotations(ours) == _annotations(nlp.pipe(texts, batch_size=batch_size))


def test_parser_groups_stop_at_the_doc_and_token_limits(monkeypatch):
    monkeypatch.setattr(steps, "PARSER_GROUP", 3)
    monkeypatch.setattr(steps, "PARSER_TOKENS", 10)
    docs = [[0] * n for n in (1, 2, 2, 2, 4, 5, 12, 1)]
    assert [[len(d) for d in g] for g in steps._groups(docs)] == [[1, 2, 2], [2, 4], [5], [12], [1]]


@pytest.mark.slow
@pytest.mark.parametrize(("group", "tokens"), [(1, 16_000), (2, 16_000), (5, 16_000), (32, 40)])
def test_the_parser_s_grouping_does_not_change_its_annotations(nlp, group, tokens, monkeypatch):
    texts = _texts() * 2
    monkeypatch.setattr(steps, "PARSER_GROUP", group)
    monkeypatch.setattr(steps, "PARSER_TOKENS", tokens)
    assert _annotations(steps.pipe(nlp, texts, batch_size=4)) == _annotations(nlp.pipe(texts, batch_size=4))


@pytest.mark.slow
def test_disabled_components_do_not_run_and_docs_are_taken_as_given(nlp):
    texts = _texts()[:3]
    given = [nlp.make_doc(t) for t in texts]
    ours = steps.pipe(nlp, given, disable=["ner"])
    assert ours[0] is given[0]
    assert all(not d.ents for d in ours)
    assert _annotations(ours) == _annotations(nlp.pipe(texts, disable=["ner"]))


@pytest.mark.slow
def test_entities_set_before_the_ner_are_kept_as_spacy_keeps_them(nlp):
    from spacy.tokens import Span

    text = "Officials in Niamey said the convoy left Agadez on Monday."
    ours, theirs = nlp.make_doc(text), nlp.make_doc(text)
    for d in (ours, theirs):
        d.set_ents([Span(d, 5, 6, label="FAC")])  # "convoy" preset as a facility
    ours = steps.pipe(nlp, [ours])[0]
    theirs = next(nlp.pipe([theirs]))
    assert [(e.text, e.label_) for e in ours.ents] == [(e.text, e.label_) for e in theirs.ents]
    assert ("convoy", "FAC") in [(e.text, e.label_) for e in ours.ents]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["parser", "ner"])
def test_direct_step_scores_are_the_step_model_s(nlp, name):
    import numpy

    proc = nlp.get_pipe(name)
    docs = steps.pipe(nlp, _texts()[:3], disable=[name])
    model = proc.model.predict(docs)
    states = [s for s in proc.moves.init_batch(docs) if not s.is_final()]
    score = steps._direct_scores(model)
    assert score is not None
    for _ in range(5):  # a few steps in, states hold stacks and entities
        got = score(model.get_token_ids(states))
        numpy.testing.assert_array_equal(got, model.predict(states))
        states = proc.transition_states(states, got)
    model.mark_class_unseen(0)  # an unseen class needs the step model's own masking
    assert steps._direct_scores(model) is None


@pytest.mark.slow
def test_ner_moves_chosen_in_numpy_give_spacy_s_entities(nlp, monkeypatch):
    from sitroom.nlp import biluo

    texts = [
        *_texts(),
        "Talks in Geneva ended.\n\nNew York City Mayor Eric Adams met Emmanuel Macron in Paris",
        "The   United  Nations \n\n said 3,000 people fled Sudan on Monday. Kenya",
        "Washington\nLondon\nTokyo",
        "A",
        " \n ",
    ]
    calls = []
    real = biluo.entities
    monkeypatch.setattr(biluo, "entities", lambda *a: calls.append(1) or real(*a))
    ours = steps.pipe(nlp, texts, batch_size=4)
    assert calls  # the numpy path ran
    assert _annotations(ours) == _annotations(nlp.pipe(texts, batch_size=4))
    assert any(e.label_ == "GPE" for d in ours for e in d.ents)


@pytest.mark.slow
def test_docs_with_preset_entities_keep_spacy_s_own_moves(nlp):
    from sitroom.nlp import biluo

    doc = nlp.make_doc("Troops from Chad entered Niger.")
    assert biluo.fits(nlp.get_pipe("ner"), [doc])
    doc.set_ents([doc.char_span(12, 16, label="GPE")], default="unmodified")
    assert not biluo.fits(nlp.get_pipe("ner"), [doc])
