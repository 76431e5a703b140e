"""Negation, hedging, tense, plans and conditions of an event, read off the parse around its trigger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sitroom.extract.lexicon import cue
from sitroom.records import Modality, Tense

if TYPE_CHECKING:
    from spacy.tokens import Token

_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})


def governor(tok: Token) -> Token | None:
    """The verb that carries a nominal or embedded trigger's clause: light verb of an object noun, or the
    controlling verb of an infinitive."""
    h = tok.head
    if h.i == tok.i:
        return None
    if tok.dep_ == "compound" and h.lemma_ in cue("event_head"):
        return governor(h)  # "launched a mediation effort"
    if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("dobj", "nsubjpass", "attr", "pobj"):
        if tok.dep_ == "pobj" and h.lower_ == "of" and _measure(h.head):
            return governor(h.head)  # "gave 5 million dollars of aid", "launched 10 days of war games"
        if tok.dep_ == "pobj":
            # "called for a ceasefire", "agreed on talks": prep hangs on a verb
            return h.head if h.dep_ == "prep" and h.head.pos_ in ("VERB", "AUX") else None
        return h if h.pos_ in ("VERB", "AUX") else None
    if tok.dep_ in ("xcomp", "conj") and h.pos_ in ("VERB", "AUX", "ADJ"):
        return h
    return None


def _measure(t: Token) -> bool:
    """A quantity noun that an event noun hangs on with "of" ("tons of aid", "days of talks")."""
    return t.pos_ in ("NOUN", "NUM") and (
        t.lemma_.lower() in cue("measure_noun") or any(c.dep_ == "nummod" for c in t.children)
    )


def _clause_chain(tok: Token) -> list[Token]:
    """The trigger, then its governors up the control/light-verb chain (not across reported speech)."""
    out = [tok]
    g = governor(tok)
    while g is not None and len(out) < 5:
        out.append(g)
        if g.dep_ == "conj":  # coordinated verbs share nothing modal but subjects
            break
        g = governor(g)
    return out


def _finite(v: Token) -> bool:
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ != "to" for c in v.children)


def _tense_of(v: Token) -> tuple[Tense, bool]:
    aux = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
    lows = {a.lower_ for a in aux}
    if lows & _FUTURE_AUX:
        return Tense.FUTURE, True
    if any(a.lemma_ == "be" for a in aux) and any(c.lower_ == "going" for c in v.children):
        return Tense.FUTURE, True
    if v.tag_ == "VBD" or any(a.tag_ == "VBD" for a in aux) or any(a.lemma_ == "have" for a in aux):
        return Tense.PAST, False
    if v.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in aux):
        return Tense.PRESENT, False
    return Tense.PAST, False


def _conditional(tok: Token) -> bool:
    marks, nouns = cue("conditional_mark"), cue("conditional_noun")
    t = tok
    for _ in range(12):
        for c in t.children:  # one walk over the children for both tests
            dep = c.dep_
            if dep == "mark" and c.lower_ in marks:
                return True  # the event is inside the if-clause
            if dep == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks for m in c.children):
                return True  # the event is the consequence of an if-clause
        # "in the event of a withdrawal", "in case of an attack"
        if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lemma_ in nouns:
            e = t.head.head
            if e.dep_ == "pobj" and e.head.lower_ == "in":
                return True
        if t.head.i == t.i or t.dep_ in ("ccomp",):
            break
        t = t.head
    return False


def _ancestors_to_root(tok: Token) -> list[Token]:
    out, t = [tok], tok
    while t.head.i != t.i and len(out) < 15:
        t = t.head
        out.append(t)
    return out


def modality_of(tok: Token) -> Modality:
    """Modality of the event whose trigger is `tok`."""
    neg_adv, negating = cue("negation_adv"), cue("negating_verb")
    chain = _clause_chain(tok)
    negated = False
    for i, t in enumerate(chain):
        for c in t.children:
            if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in neg_adv):
                negated = True
            if c.dep_ == "advmod" and c.lower_ == "longer" and any(x.lower_ == "no" for x in c.children):
                negated = True
            if c.dep_ == "det" and c.lower_ == "no" and t.pos_ == "NOUN":
                negated = True
        if i > 0 and t.lemma_ in negating:  # "denied attacking", "refused to withdraw"
            negated = True
    if tok.dep_ == "pcomp" and tok.head.head.lemma_ in negating:
        negated = True

    hedged = False
    adv, amod, auxw, verbs, psay = (
        cue("hedge_adv"),
        cue("hedge_amod"),
        cue("hedge_aux"),
        cue("hedge_verb"),
        cue("passive_say"),
    )
    for t in _ancestors_to_root(tok):
        for c in t.children:
            if c.dep_ == "advmod" and c.lower_ in adv:
                hedged = True
            if c.dep_ == "aux" and c.lower_ in auxw:
                hedged = True
            if c.dep_ == "amod" and c.lower_ in amod and t.i == tok.i:
                hedged = True
        if (
            t.i != tok.i
            and t.lemma_ in verbs
            and (t.tag_ == "VBN" or any(c.dep_ in ("auxpass", "nsubjpass") for c in t.children))
        ):
            hedged = True  # "is believed to have", "is suspected of"
        if t.i != tok.i and t.lemma_ in psay and any(c.dep_ == "auxpass" for c in t.children):
            hedged = True  # "it was reported that", "is said to"

    # tense and plans come from the nearest verb of the chain
    verb = next(
        (t for t in chain if t.pos_ in ("VERB", "AUX") and (t.tag_ not in ("VB", "VBG") or _finite(t))), None
    )
    tense, planned = (Tense.PAST, False) if verb is None else _tense_of(verb)
    plan_verbs, plan_amod = cue("planned_verb"), cue("planned_amod")
    for t in chain[1:]:
        if t.lemma_ in plan_verbs or t.lower_ in plan_verbs:
            planned = True
            tense = Tense.FUTURE
        if t.lemma_ in ("order", "instruct", "urge", "ask", "demand", "call", "command"):
            planned = True  # asked for, not yet done
    for c in tok.children:
        if c.dep_ in ("amod", "compound") and c.lower_ in plan_amod:
            planned, tense = True, Tense.FUTURE
    if tense is Tense.FUTURE:
        planned = True
    return Modality(
        negated=negated, hedged=hedged, tense=tense, planned=planned, conditional=_conditional(tok)
    )
