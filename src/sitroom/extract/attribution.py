"""Who says so: the speaker of the clause an event sits in, anonymous or named, and the agency it came
through ("told Reuters", "according to AFP")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sitroom.extract.lexicon import agencies, cue
from sitroom.extract.spans import np_bounds, resolve_pronoun, token_span
from sitroom.nlp import docview
from sitroom.records import Attribution

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

SPEECH = frozenset(
    [
        "say",
        "state",
        "tell",
        "confirm",
        "report",
        "announce",
        "claim",
        "add",
        "note",
        "declare",
        "insist",
        "stress",
        "explain",
        "write",
        "warn",
        "assert",
        "allege",
        "acknowledge",
        "reveal",
        "disclose",
        "quote",
        "deny",
    ]
)
_HOP = frozenset({"ccomp", "parataxis", "xcomp", "advcl", "conj", "dobj", "pobj", "prep", "acl", "relcl"})


def _agency_in(text: str) -> str | None:
    ag = agencies()
    for alias, name in ag.items():
        if alias in text.split() or alias == text or (" " in alias and alias in text):
            return name
    return None


def _speaker(verb: Token) -> Token | None:
    subj = [c for c in verb.children if c.dep_ == "nsubj"]
    if subj:  # the nearest one: a stray fragment before the sentence can also hang there
        return resolve_pronoun(min(subj, key=lambda c: abs(verb.i - c.i)))
    for c in verb.children:  # "was reported by Reuters"
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def _via(verb: Token) -> str | None:
    for c in verb.children:
        if c.dep_ in ("dobj", "dative", "iobj"):
            a = _agency_in(c.text)
            if a:
                return a
        if c.dep_ in ("prep", "dative") and c.lower_ == "to":
            for p in c.children:
                a = _agency_in(p.text)
                if a:
                    return a
    return None


def _make(tok: Token, via: str | None) -> Attribution:
    lo, hi = np_bounds(tok)
    doc = tok.doc
    span = token_span(doc, lo, hi)
    own = _agency_in(span.text)
    named = any(t.pos_ == "PROPN" and t.ent_type_ in ("PERSON",) for t in doc[lo:hi]) or (
        tok.pos_ == "PROPN" and tok.ent_type_ not in ("NORP",)
    )
    anon = not named and (tok.lemma_ in cue("anon_head") or tok.pos_ in ("NOUN", "PRON"))
    return Attribution(text=span.text, anonymous=anon, via=via or own, start=span.start, end=span.end)


def attribution_of(tok: Token, sent: SpacySpan | None = None) -> Attribution | None:
    """Speaker of the claim that the event with trigger `tok` happened; None when the text gives none."""
    # 1. the trigger sits inside the complement of a speech verb: "X said (that) ... <trigger>"
    t = tok
    for _ in range(12):
        if t.head.i == t.i:
            break
        came = t.dep_
        t = t.head
        if t.lemma_ in SPEECH and came in ("ccomp", "parataxis", "xcomp", "advcl") and t.i != tok.i:
            sp = _speaker(t)
            if sp is not None:
                return _make(sp, _via(t))
        if came not in _HOP:
            break
    # 2. a speech verb hung on the event's clause: "..., a Jordanian official confirmed."
    root = tok
    while root.head.i != root.i and root.dep_ not in ("ccomp",):
        root = root.head
    for c in root.children:
        if c.lemma_ in SPEECH and c.dep_ in ("parataxis", "ccomp", "advcl", "conj") and c.i > tok.i:
            sp = _speaker(c)
            if sp is not None:
                return _make(sp, _via(c))
    sent = sent if sent is not None else tok.sent
    low = docview.span_text(sent).lower()
    # 3. "according to X" anywhere in the sentence
    for w in sent if "according" in low else ():
        if w.lower_ == "according":
            for p in w.subtree:
                if p.dep_ == "pobj" and p.head.lower_ == "to":
                    return _make(p, None)
    # 4. hedged with no named source
    for w in sent if ("reportedly" in low or "allegedly" in low) else ():
        if w.lower_ in ("reportedly", "allegedly"):
            return Attribution(text=w.text, anonymous=True, via=None, start=w.idx, end=w.idx + len(w))
    return None
