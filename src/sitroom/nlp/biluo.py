"""NER's greedy decoding with its moves checked and chosen in numpy: the same entities as spaCy's.

spaCy's NER picks, at each token of each doc, the best-scoring move that is valid (B-, I-, L-, U- with a
label, or O). Its wheels from 3.8.8 on check the 74 moves of every state one by one in compiled code that
takes and gives back the GIL state in each token access (`perf`: ~70% of NER's stepped loop). On docs
that carry no preset entities the rules are few, so here they are array tests over all states at once;
the scores still come from spaCy's own step model, and the first best valid move wins as in spaCy's
`arg_max_if_valid`. Docs with preset entities, and components that are not a plain BILUO NER, are left
to spaCy (`fits`). tests/unit/nlp/test_steps.py compares every annotation with spaCy's own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Doc

B, I, L, U, O = 1, 2, 3, 4, 5  # noqa: E741 - the BILUO letters
_ACTIONS = {"B": B, "I": I, "L": L, "U": U, "O": O}


@functools.cache
def _moves(names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Per move: its action (0 for one this module never takes), its label index (0: no label), and
    the label names by index."""
    labels: dict[str, int] = {}
    action = np.zeros(len(names), dtype=np.int8)
    label = np.zeros(len(names), dtype=np.int64)
    for i, name in enumerate(names):
        act, _, lab = name.partition("-")
        action[i] = _ACTIONS.get(act, 0)
        if lab:
            label[i] = labels.setdefault(lab, len(labels) + 1)
    return action, label, ("", *labels)


def fits(proc, docs: list[Doc]) -> bool:
    """spaCy's BILUO NER, no post-processing hooks, and docs without preset entities."""
    from spacy.attrs import ENT_IOB
    from spacy.pipeline._parser_internals.ner import BiluoPushDown

    if not isinstance(proc.moves, BiluoPushDown) or proc.postprocesses:
        return False
    return all(not d.to_array([ENT_IOB]).any() for d in docs if len(d))


def entities(
    proc, docs: list[Doc], scores_of: Callable[[np.ndarray], np.ndarray]
) -> list[list[tuple[int, int, str]]]:
    """(start, end, label) of each doc's entities, decoded greedily with `scores_of` (token ids of the
    states, as spaCy's step model takes them → move scores)."""
    from spacy.attrs import IS_SPACE, SENT_START

    names = tuple(proc.moves.get_class_name(i) for i in range(proc.moves.n_moves))
    action, label, label_names = _moves(names)
    # the moves each rule may allow: every labelled B, I, L, U (an unlabelled one only fits preset
    # entities, which these docs have none of) and O
    is_b, is_i, is_l, is_u = ((action == a) & (label > 0) for a in (B, I, L, U))
    is_o = action == O

    n = np.array([len(d) for d in docs], dtype=np.int64)
    off = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(np.int64)
    cols = [d.to_array([IS_SPACE, SENT_START]).astype(np.int64).reshape(-1, 2) for d in docs]
    flat = np.concatenate(cols) if cols else np.zeros((0, 2), dtype=np.int64)
    space = flat[:, 0].astype(bool)
    # the next token of the same doc starts a sentence (an entity may not run into it)
    next_starts = np.zeros(len(flat) + 1, dtype=bool)
    next_starts[:-2] = flat[1:, 1] == 1
    next_starts[(off + n - 1)[n > 0]] = False

    k = len(docs)
    pos = np.zeros(k, dtype=np.int64)  # the buffer's first token, per doc
    is_open = np.zeros(k, dtype=bool)
    start = np.zeros(k, dtype=np.int64)
    open_label = np.zeros(k, dtype=np.int64)
    found: list[list[tuple[int, int, str]]] = [[] for _ in docs]
    live = np.flatnonzero(n > 0)
    while live.size:
        b, o = pos[live], is_open[live]
        tok = off[live] + b
        ids = np.empty((live.size, 3), dtype=np.int32)
        ids[:, 0] = tok
        ids[:, 1] = np.where(o, off[live] + start[live], -1)
        ids[:, 2] = np.where(o, tok - 1, -1)
        closed, two = ~o, (n[live] - b) >= 2
        sp, ns = space[tok], next_starts[tok]
        same = open_label[live][:, None] == label[None, :]
        valid = (
            ((closed & two & ~ns & ~sp)[:, None] & is_b)
            | ((o & two & ~ns)[:, None] & is_i & same)
            | (o[:, None] & is_l & same)
            | ((closed & ~sp)[:, None] & is_u)
            | (closed[:, None] & is_o)
        )
        move = np.where(valid, scores_of(ids), -np.inf).argmax(axis=1)
        act, lab = action[move], label[move]
        began = act == B
        is_open[live[began]] = True
        start[live[began]] = b[began]
        open_label[live[began]] = lab[began]
        for j in np.flatnonzero((act == L) | (act == U)):
            d = live[j]
            if act[j] == L:
                found[d].append((int(start[d]), int(b[j]) + 1, label_names[open_label[d]]))
                is_open[d] = False
            else:
                found[d].append((int(b[j]), int(b[j]) + 1, label_names[lab[j]]))
        pos[live] += 1
        live = live[pos[live] < n[live]]
    return found


def annotate(docs: list[Doc], found: list[list[tuple[int, int, str]]]) -> None:
    """Set the entities as spaCy's NER sets them; every other token is outside any entity."""
    from spacy.tokens import Span

    for doc, ents in zip(docs, found, strict=True):
        spans = [Span(doc, s, e, label=lab, kb_id=doc[s].ent_kb_id) for s, e, lab in ents]
        doc.set_ents(spans, default="outside")
