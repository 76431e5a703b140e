"""Run the pipeline with the parser and NER stepped from Python: the same annotations, about half their time.

spaCy's greedy transition loop (`Parser.greedy_parse`) runs with the GIL released, but the wheels of spaCy
3.8.8 and later, built with a newer Cython, take and give back the GIL inside the move-validity checks it
calls for every move of every state at every step (NER: 74 moves, parser: 106). Each of those is a full
GIL hand-off; `perf` put ~40% of NER's time in them (BENCHMARKS.md). Stepping the same states from Python,
with the GIL held, makes each check a counter increment: the per-step model (`ParserStepModel`), the move
choice (`Parser.transition_states`) and the batches (as in `Parser.pipe`) are spaCy's own, so the output is
the same (tests/unit/nlp/test_steps.py). Each step also skips thinc's per-call wrapper and the unseen-class
`nanmin` when the model has no unseen class: half the cost of a step's scores. Even with the GIL held, each
check still asks for the GIL state; NER's checks are few enough rules to run as arrays (`sitroom.nlp.biluo`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from sitroom.nlp import biluo

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def pipe(
    nlp: Language, items: Iterable[str | Doc], *, batch_size: int = 32, disable: Sequence[str] = ()
) -> list[Doc]:
    """`nlp.pipe(items, batch_size=..., disable=...)` as a list, greedy transition components stepped
    from Python. Items are texts or Docs (as `nlp.pipe` takes them)."""
    from spacy.tokens import Doc

    docs = [d if isinstance(d, Doc) else nlp.make_doc(d) for d in items]
    for name, proc in nlp.pipeline:
        if name in disable:
            continue
        if _steppable(proc):
            docs = _parse(proc, docs, batch_size)
        elif hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs, batch_size=batch_size))
        else:
            docs = [proc(d) for d in docs]
    return docs


def _steppable(proc) -> bool:
    """A greedy (beam width 1) transition component on CPU: spaCy's parser and NER as shipped."""
    from spacy.pipeline.transition_parser import Parser
    from thinc.api import NumpyOps

    return (
        isinstance(proc, Parser)
        and proc.cfg.get("beam_width", 1) == 1
        and isinstance(getattr(proc.model, "ops", None), NumpyOps)
    )


# Docs stepped together by the dependency parser and the NER. Their steps cost little per state and much
# per call (NER's once its moves are chosen in numpy), so 32 docs a step take ~30% less time than
# `Parser.pipe`'s quarter batches (8 docs). States are independent: the annotations are the same for any
# grouping (tests/unit/nlp/test_steps.py).
# A group also stops at PARSER_TOKENS: the parser precomputes 4 KB per token of a group, so 32 long docs
# would cost gigabytes (spaCy's own quarter batch of 8 docs of 20k tokens costs 650 MB).
PARSER_GROUP = 32
PARSER_TOKENS = 16_000


def _parse(proc, docs: list[Doc], batch_size: int) -> list[Doc]:
    """`Parser.pipe`'s batching (each batch sorted by length, cut in quarters; the dependency parser's
    and NER's in groups of `PARSER_GROUP` docs and at most `PARSER_TOKENS` tokens), then its `predict` and
    `set_annotations`, with the greedy loop below in place of `greedy_parse`."""
    from spacy.util import minibatch

    grouped = _grouped(proc)
    for batch in minibatch(docs, size=max(batch_size, 4 * PARSER_GROUP) if grouped else batch_size):
        ordered = sorted(batch, key=len)
        subs = _groups(ordered) if grouped else minibatch(ordered, size=max(batch_size // 4, 2))
        for sub in subs:
            _annotate(proc, list(sub))
    return docs


def _groups(docs: list[Doc]) -> Iterator[list[Doc]]:
    """Consecutive groups of at most PARSER_GROUP docs and PARSER_TOKENS tokens (a longer doc alone)."""
    group: list[Doc] = []
    tokens = 0
    for d in docs:
        if group and (len(group) == PARSER_GROUP or tokens + len(d) > PARSER_TOKENS):
            yield group
            group, tokens = [], 0
        group.append(d)
        tokens += len(d)
    if group:
        yield group


def _grouped(proc) -> bool:
    from spacy.pipeline._parser_internals.arc_eager import ArcEager
    from spacy.pipeline._parser_internals.ner import BiluoPushDown

    return isinstance(proc.moves, ArcEager | BiluoPushDown)


def _annotate(proc, docs: list[Doc]) -> None:
    """`proc.set_annotations(docs, greedy_parse(docs))`, stepped from Python; NER's moves chosen in
    numpy where `biluo` fits."""
    if not any(len(d) for d in docs):
        proc.set_annotations(docs, proc.moves.init_batch(docs))
        return
    proc._ensure_labels_are_added(docs)
    model = proc.model.predict(docs)  # the step model: token vectors and precomputed features
    direct = _direct_scores(model)
    if direct is not None and biluo.fits(proc, docs):
        biluo.annotate(docs, biluo.entities(proc, docs, direct))
    else:
        proc.set_annotations(docs, _greedy(proc, docs, model, direct))
    model.clear_memory()


def _greedy(proc, docs: list[Doc], model, direct) -> list:
    """`Parser.greedy_parse`: the same states, model and moves, one Python call per step."""
    score = model.predict if direct is None else (lambda states: direct(model.get_token_ids(states)))
    batch = proc.moves.init_batch(docs)
    states = [s for s in batch if not s.is_final()]
    while states:
        states = proc.transition_states(states, score(states))
    return batch


def _direct_scores(model):
    """The step model's `predict` (spaCy's `step_forward`) as direct calls, from the states' token ids:
    state features through the precomputed hidden layer, then the output layer's own product and bias
    (thinc's `Linear`). None with an unseen class, or no output layer (the step model's own `predict`
    does it then)."""
    if not model.attrs["has_upper"] or not model._class_mask.all():
        return None
    upper = model.vec2scores
    W, b, ops = upper.get_param("W"), upper.get_param("b"), upper.ops

    def scores(ids):
        y = ops.gemm(model.state2vec.predict(ids), W, trans2=True)
        y += b
        return y

    return scores
