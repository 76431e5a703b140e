"""Numbers attached to an event: personnel, killed, injured, arrested, displaced, participants."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from sitroom.extract.lexicon import cue, number_words
from sitroom.extract.spans import token_span
from sitroom.records import Quantity

if TYPE_CHECKING:
    from spacy.tokens import Token

_NUM = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")
_SCALE = {"hundred": 100, "thousand": 1000, "million": 1e6, "billion": 1e9}


def number_of(tok: Token) -> Quantity | None:
    """The value of a cardinal phrase headed by `tok` ("nearly 1,000", "1.5 million", "twelve"); None for
    vague words ("thousands", "dozens")."""
    parts = [tok] + [c for c in tok.children if c.dep_ in ("compound", "quantmod", "advmod", "nummod")]
    parts += [g for c in parts[1:] for g in c.children if c.dep_ in ("quantmod", "advmod")]
    words = number_words()
    value = None
    scale = 1.0
    for p in sorted(parts, key=lambda x: x.i):
        low = p.lower_.replace(",", "")
        if _NUM.match(p.text):
            value = float(p.text.replace(",", "")) if value is None else value
        elif low in _SCALE and not p.text.endswith("s"):
            scale = _SCALE[low] if value is not None else 1.0
            if value is None:
                value = _SCALE[low]
        elif low in words and p.i == tok.i and low not in ("a", "an"):
            value = words[low]
    if value is None:
        return None
    if scale > 1 and value < scale:
        value *= scale
    if not math.isfinite(value):  # "999…9 soldiers" (hundreds of digits) is no count
        return None
    lo, hi = min(p.i for p in parts), max(p.i for p in parts) + 1
    approx = any(p.lower_ in cue("approx_word") for p in parts)
    return Quantity(value=value, text=token_span(tok.doc, lo, hi).text, approximate=approx)


def _count(noun: Token) -> Quantity | None:
    """Count on a noun: "12 soldiers", or the noun itself a number ("killed 12", "arrested more than 100")."""
    if noun.like_num or noun.pos_ == "NUM":
        return number_of(noun)
    for c in noun.children:
        if c.dep_ == "nummod":
            return number_of(c)
    return None


def _kind_for_verb(v: Token) -> str | None:
    lem = v.lemma_
    if lem in cue("killed_verb"):
        return "killed"
    if lem in cue("injured_verb"):
        return "injured"
    if lem in cue("arrested_verb"):
        return "arrested"
    if lem in cue("displaced_verb"):
        return "displaced"
    return None


def quantities_of(tok: Token, event_type: str = "") -> dict[str, Quantity]:
    """Quantities attached to the event with trigger `tok`: counts on its arguments, and casualty clauses
    hanging on it ("..., killing about 20 people")."""
    out: dict[str, Quantity] = {}
    personnel = cue("personnel_noun")
    verbs = [tok] + [
        c for c in tok.children if c.dep_ in ("advcl", "conj", "xcomp") and _kind_for_verb(c) is not None
    ]
    for v in verbs:
        kind = _kind_for_verb(v)
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children) or v.tag_ == "VBN"
        for c in v.children:
            args = [c]
            if c.dep_ == "prep":
                args = [p for p in c.children if p.dep_ == "pobj"]
            for a in args:
                q = _count(a)
                if q is None:
                    # "thousands of people": vague, skip; "1,000 of its troops": number with "of"
                    continue
                if kind and (c.dep_ == "dobj" or (passive and c.dep_ == "nsubjpass")):
                    out.setdefault(kind, q)
                elif a.lemma_ in personnel or any(
                    p.dep_ == "pobj" and p.lemma_ in personnel for x in a.children for p in x.children
                ):
                    out.setdefault("personnel", q)
                elif event_type == "PROTEST" and c.dep_ == "nsubj":
                    out.setdefault("participants", q)
        # "12 people died", "the deaths of 30"
        for c in v.children:
            if c.lemma_ in cue("killed_intrans") and c.dep_ in ("advcl", "conj", "relcl"):
                for s in c.children:
                    if s.dep_ == "nsubj":
                        q = _count(s)
                        if q:
                            out.setdefault("killed", q)
    return out
