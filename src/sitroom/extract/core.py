"""Event candidates from a parsed doc: lexicon lookup on lemmas (one pass over tokens), then arguments,
places, times, modality, attribution and quantities from the dependency parse."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sitroom.extract.attribution import SPEECH as _SPEECH_LEMMAS
from sitroom.extract.attribution import attribution_of
from sitroom.extract.lexicon import Trigger, cue, index
from sitroom.extract.modality import _measure, governor, modality_of
from sitroom.extract.quantities import quantities_of
from sitroom.extract.spans import conjuncts, is_relative, np_span, resolve_pronoun, token_span
from sitroom.nlp import docview
from sitroom.records import Candidate, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

METHOD = "sitroom.extract.{}.v1"
RECIPROCAL = frozenset({"AGREE", "CONSULT", "COOPERATE"})
HOSTILE = frozenset({"ASSAULT", "COERCE", "MOBILIZE", "SANCTION", "PROTEST"})
# preposition that introduces the target, per event type
TARGET_PREPS = {
    "AGREE": {"with"},
    "CONSULT": {"with"},
    "COOPERATE": {"with"},
    "SUPPORT": {"for", "to"},
    "AID": {"to", "for"},
    "REQUEST": {"on", "to", "upon"},
    "ACCUSE": {"against", "into"},
    "REJECT": set(),
    "THREATEN": {"against", "on"},
    "PROTEST": {"against"},
    "SANCTION": {"against", "on", "with", "to"},
    "COERCE": {"against", "on"},
    "ASSAULT": {"against", "on"},
    "CONCEDE": {"to"},
    "RETREAT": set(),
    "MOBILIZE": {"against"},
    "STATEMENT": set(),
}
# intent verbs whose infinitive is hostile express a threat (CAMEO 13x), not agreement
THREAT_CODES = {"ASSAULT": "138", "MOBILIZE": "138", "COERCE": "137", "SANCTION": "1312", "PROTEST": "133"}
_NONPLACE = frozenset(
    [
        "addition",
        "response",
        "wake",
        "charge",
        "order",
        "effort",
        "bid",
        "attempt",
        "light",
        "protest",
        "support",
        "retaliation",
        "way",
        "event",
        "case",
        "return",
        "exchange",
        "line",
        "accordance",
        "time",
        "part",
        "place",
        "front",
        "favor",
        "favour",
        "face",
        "spite",
        "view",
        "terms",
        "lieu",
        "course",
        "process",
        "name",
        "number",
        "future",
        "past",
        "wake",
        "interview",
        "statement",
        "talk",
        "talks",
        "meeting",
        "conflict",
        "fight",
        "struggle",
        "war",
        "context",
        "area",
    ]
)
_TIME_NOUNS = frozenset(
    ["day", "week", "month", "year", "weekend", "morning", "afternoon", "evening", "night", "hour", "decade"]
)
_SUFFIXES = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("d", ""),
    ("ing", ""),
    ("ing", "e"),
)


@dataclass(slots=True)
class _Hit:
    tok: Token
    row: Trigger
    consumed: tuple[int, ...]  # other token indices that belong to the trigger pattern


def _keys(tok: Token) -> tuple[str, ...]:
    lem, low = tok.lemma_.lower(), tok.lower_
    return (lem,) + _form_keys(low) if lem != low else (lem, *_form_keys(low)[1:])


@functools.lru_cache(maxsize=65536)
def _form_keys(low: str) -> tuple[str, ...]:
    """The lower-cased form, then its guessed stems ("sanctions" -> "sanction")."""
    keys = [low]
    for suf, rep in _SUFFIXES:
        if low.endswith(suf) and len(low) > len(suf) + 2:
            keys.append(low[: -len(suf)] + rep)
    return tuple(keys)


# String id -> can it head a trigger row: as a lemma, or as a lower-cased form (itself or a stem of it).
# A token's keys are its lemma and its form's keys, so the two answers together are `_match`'s first test.
_LEMMA_HEADS: dict[int, bool] = {}
_FORM_HEADS: dict[int, bool] = {}


def _may_head(doc: Doc) -> list[bool]:
    """Per token: can `_match` find a row for it? Most words head none; this reads the doc's lemma and
    lower-form ids in one array, so those tokens are never built as Token objects."""
    from spacy.attrs import LEMMA, LOWER

    if not len(doc):
        return []
    heads, strings = index().heads, doc.vocab.strings
    if len(_LEMMA_HEADS) + len(_FORM_HEADS) > 500_000:
        _LEMMA_HEADS.clear()
        _FORM_HEADS.clear()
    lemmas, forms = doc.to_array([LEMMA, LOWER]).T.tolist()
    out = []
    for lem, low in zip(lemmas, forms, strict=True):
        may = _LEMMA_HEADS.get(lem)
        if may is None:
            may = _LEMMA_HEADS[lem] = strings[lem].lower() in heads
        if not may:
            may = _FORM_HEADS.get(low)
            if may is None:
                may = _FORM_HEADS[low] = any(k in heads for k in _form_keys(strings[low]))
        out.append(may)
    return out


def _pos_ok(tok: Token, pos: str) -> bool:
    if pos == "VERB":
        return (tok.pos_ == "VERB" or tok.tag_.startswith("VB")) and tok.lemma_ not in ("be", "have")
    if pos == "NOUN":
        if tok.pos_ == "NOUN":
            return True
        return tok.pos_ == "PROPN" and not tok.ent_type_
    return tok.pos_ == "ADJ" or tok.tag_ in ("JJ", "VBN")


def _word_ok(tok: Token, w: str) -> bool:
    return w in (tok.lemma_.lower(), tok.lower_) or tok.lower_.rstrip("s") == w


def _objects(v: Token, particle: str) -> list[Token]:
    out = []
    for c in v.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd") or (c.dep_ == "xcomp" and c.pos_ == "VERB"):
            out.append(c)
        if c.dep_ in ("prep", "prt") and (not particle or c.lower_ == particle):
            out.extend(p for p in c.children if p.dep_ in ("pobj", "pcomp"))
    return out


def _has_prep(t: Token, prep: str) -> bool:
    return any(c.dep_ == "prep" and c.lower_ == prep for c in t.children)


def _seq_before(head: Token, words: tuple[str, ...]) -> tuple[int, ...] | None:
    """Modifier words right before `head` ("hunger strike", "joint military exercise" needs adjacency)."""
    doc, n = head.doc, len(words)
    if head.i - n + 1 < 0:
        return None
    toks = [doc[head.i - n + 1 + k] for k in range(n)]
    if all(_word_ok(t, w) for t, w in zip(toks[:-1], words[:-1], strict=True)):
        return tuple(t.i for t in toks[:-1])
    return None


def _match(tok: Token) -> _Hit | None:
    idx = index()
    keys = _keys(tok)
    if not any(k in idx.heads for k in keys):
        return None  # most words head no trigger: one set lookup per form
    if tok.is_upper and len(tok) > 1 and any(c.islower() for c in tok.sent.text):
        return None  # an acronym ("fighting AIDS"), not a word of an all-capitals headline
    best: tuple[int, float, _Hit] | None = None
    parts: set[str] | None = None
    for pos in ("VERB", "NOUN", "ADJ"):
        if not _pos_ok(tok, pos):
            continue
        for key in keys:
            rows = idx.get(key, pos)
            if not rows:
                continue
            if parts is None:  # the particles on the word, the same for each row
                parts = {c.lower_ for c in tok.children if c.dep_ in ("prt", "prep", "advmod")}
            for row in rows:
                hit = _try(tok, row, parts)
                if hit is None:
                    continue
                rank = _RANK[row.kind] + (1 if row.particle else 0)
                if best is None or (rank, row.weight) > best[:2]:
                    best = (rank, row.weight, hit)
            break  # the first key with rows decides; surface fallbacks only when the lemma has none
    return best[2] if best else None


_RANK = {"object": 3, "of": 3, "compound": 3, "phrasal": 2, "plain": 1}  # by Trigger.kind


def _try(tok: Token, row: Trigger, parts: set[str]) -> _Hit | None:
    """`parts`: the lower forms of the word's particle, preposition and adverb children."""
    kind, w = row.kind, row.words
    if row.particle and row.particle not in parts and kind != "object":
        return None
    if row.pos == "ADJ" and not any(c.dep_ == "xcomp" for c in tok.children):
        return None
    if kind == "plain":
        return _Hit(tok, row, ())
    if kind == "phrasal":
        return _Hit(tok, row, ()) if w[1] in parts else None
    if kind == "object":
        for o in _objects(tok, row.particle):
            if row.particle and row.particle not in parts and not _has_prep(o, row.particle):
                continue  # "take control of": the preposition may hang on the verb or on its object
            seq = _seq_before(o, w[1:]) if len(w) > 2 else (() if _word_ok(o, w[1]) else None)
            if seq is not None:
                return _Hit(tok, row, (o.i, *seq))
            if len(w) == 2:
                for m in o.children:
                    if m.dep_ == "compound" and _word_ok(m, w[1]):
                        return _Hit(tok, row, (m.i,))
        return None
    if kind == "of":  # "state of emergency", "show of force"
        doc = tok.doc
        if tok.i + len(w) - 1 < len(doc) and all(_word_ok(doc[tok.i + k], w[k]) for k in range(1, len(w))):
            return _Hit(tok, row, tuple(range(tok.i + 1, tok.i + len(w))))
        return None
    seq = _seq_before(tok, w)
    return _Hit(tok, row, seq) if seq is not None else None


# ---------------------------------------------------------------- arguments


def _pattern_word(t: Token, hit: _Hit) -> bool:
    """An object that is part of the trigger pattern and names an act or a force, not a target
    ("impose sanctions", "send troops"; but "release prisoners", "reject the proposal" keep theirs)."""
    if t.i not in hit.consumed:
        return False
    return t.lemma_ in cue("personnel_noun") or bool(index().get(t.lemma_, "NOUN"))


def _subject_tokens(v: Token, depth: int = 0) -> tuple[list[Token], bool]:
    """Subject tokens of verb `v` and whether they came from a passive subject."""
    if depth > 4:
        return [], False
    subj = [c for c in v.children if c.dep_ in ("nsubj", "csubj")]
    if subj:
        c = min(subj, key=lambda x: abs(v.i - x.i))
        if is_relative(c) and v.dep_ == "relcl":
            return conjuncts(v.head), False
        return conjuncts(c), False
    for c in v.children:
        if c.dep_ == "nsubjpass":
            return conjuncts(c), True
    h = v.head
    if h.i == v.i:
        return [], False
    if v.dep_ == "xcomp":
        objs = [c for c in h.children if c.dep_ in ("dobj", "nsubjpass")]
        if objs:  # object control: "ordered X to leave"; "X was compelled to withdraw"
            return conjuncts(objs[0]), False
        if h.pos_ == "ADJ" and h.dep_ == "amod":  # "factions eager to distance"
            return [h.head], False
        return _subject_tokens(h, depth + 1)
    if v.dep_ in ("conj", "advcl") and h.pos_ in ("VERB", "AUX"):
        subj, passive = _subject_tokens(h, depth + 1)
        # "X was indicted and will resign": an active conjunct makes the shared subject its doer
        active = v.tag_ != "VBN" or any(c.dep_ == "aux" for c in v.children)
        return subj, passive and not active
    if v.dep_ == "pcomp" and h.dep_ == "prep" and h.head.pos_ in ("VERB", "AUX"):
        return _subject_tokens(h.head, depth + 1)  # "resorted to throwing stones"
    if v.dep_ == "acomp" and h.pos_ in ("VERB", "AUX"):  # "Norway is willing to send", "is prepared to"
        return _subject_tokens(h, depth + 1)
    if v.dep_ in ("relcl", "acl") and h.pos_ in ("NOUN", "PROPN"):
        if any(c.lower_ == "to" and c.dep_ == "aux" for c in v.children):
            poss = [c for c in h.children if c.dep_ == "poss"]  # "the government's decision to expel"
            if poss:
                return conjuncts(poss[0]), False
            g = governor(h)  # "X announced a plan to attack", "converged for a rally to protest"
            if g is not None and g.i != v.i:
                s, passive = _subject_tokens(g, depth + 1)
                return (s, False) if not passive else ([], False)
            return [], False
        return [h], v.tag_ == "VBN"
    return [], False


def _named(toks: list[Token]) -> bool:
    """Some token names an actor: a proper noun or a country, nationality or organisation entity."""
    return any(
        t.pos_ == "PROPN" or t.ent_type_ in ("GPE", "NORP", "ORG")
        for x in toks
        for t in (x, *(c for c in x.lefts if c.dep_ in ("compound", "amod", "nmod", "poss")))
    )


def _agent(v: Token) -> list[Token]:
    for c in v.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return conjuncts(p)
    return []


def _prep_objects(tok: Token, preps: set[str] | frozenset[str]) -> list[Token]:
    out = []
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            for p in c.children:
                if p.dep_ == "pobj":
                    out.extend(conjuncts(p))
    return out


def _is_time(t: Token) -> bool:
    return t.ent_type_ in ("DATE", "TIME") or t.lemma_ in _TIME_NOUNS


def _place_tokens(tok: Token, etype: str, *, extra: tuple[Token, ...] = ()) -> list[Token]:
    preps = set(cue("locative_prep"))
    if etype not in cue("movement_type"):
        preps.discard("to")
    out: list[Token] = []
    for h in (tok, *extra):
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for p in c.children:
                    if p.dep_ == "pobj" and not _is_time(p) and p.lemma_ not in _NONPLACE:
                        out.extend(conjuncts(p))
            if c.lemma_ in cue("direction_word") and c.dep_ in ("advmod", "npadvmod", "prep"):
                out.extend(_prep_objects(c, {"of"}))
    return out


def _times(
    tok: Token, extra: tuple[Token, ...], trigger_tokens: frozenset[int], sent: SpacySpan
) -> list[Span]:
    doc = sent.doc
    up = docview.heads(doc)  # head indices: walking `Token.head` builds a token at each step
    heads = {tok.i, *(e.i for e in extra)}
    out = []
    for ent in _sent_ents(sent):
        if ent.label_ not in ("DATE", "TIME"):
            continue
        root = doc[ent.start : ent.end].root.i
        t = root
        for _ in range(6):
            if t in heads:
                text = docview.text(doc)[ent.start_char : ent.end_char]
                out.append(Span(start=ent.start_char, end=ent.end_char, text=text))
                break
            if up[t] == t or (t != root and (t in trigger_tokens or doc[t].pos_ in ("VERB", "AUX"))):
                break
            t = up[t]
    return out


def _sent_ents(sent: SpacySpan) -> list[docview.Ent]:
    """`sent.ents`, found by bisection in the doc's entity list (`Span.ents` builds every entity of the
    doc; a scan from the doc's start is paid per event). Entities do not overlap, so the one running past
    the sentence, where Span.ents stops, is the first not wholly inside it: the same list."""
    return docview.ents_between(sent.doc, sent.start_char, sent.end_char)


def _spans(toks: list[Token], **kw) -> tuple[Span, ...]:
    seen: dict[tuple[int, int], Span] = {}
    for t in toks:
        t = resolve_pronoun(t)
        if t.pos_ == "PRON" and t.lower_ not in ("we",) and t.tag_ in ("WP", "WDT", "PRP$"):
            continue
        s = np_span(t, **kw)
        seen.setdefault((s.start, s.end), s)
    return tuple(seen.values())


# ---------------------------------------------------------------- candidates


def _candidate(hit: _Hit, trig: frozenset[int], sent: SpacySpan) -> list[Candidate]:
    tok, row = hit.tok, hit.row
    et, cameo = row.event_type, row.cameo
    src: list[Token] = []
    tgt: list[Token] = []
    place_toks: list[Token] = []
    extra: list[Token] = []  # governing verbs whose clause the event shares
    rule = "verb"
    conf = row.weight
    src_drop: frozenset[str] = frozenset()

    if row.pos in ("VERB", "ADJ"):
        subj, passive = _subject_tokens(tok)
        agent = _agent(tok)
        if passive and not agent and tok.lemma_ in cue("stative_passive") and _has_prep(tok, "to"):
            passive = False  # "Israel is opposed to French mediation": a stance the subject holds
        if passive:
            if agent:
                src, tgt = agent, subj
            elif "mover" in row.roles or et in ("MOBILIZE", "RETREAT"):
                src = subj
            else:
                tgt = subj
            rule = "passive"
        else:
            src = subj
        for c in tok.children:
            if c.dep_ in ("dobj", "dative", "iobj"):
                if c.dep_ == "dobj" and "obj_place" in row.roles:
                    place_toks.extend(conjuncts(c))
                    if et in ("ASSAULT", "COERCE"):
                        tgt.extend(conjuncts(c))
                elif c.dep_ == "dobj" and c.i in hit.consumed and c.lemma_ in cue("personnel_noun"):
                    pass  # "withdraw troops": the troops are the mode, not a target
                elif c.dep_ == "dobj" and et in ("RETREAT", "MOBILIZE") and c.lemma_ in cue("personnel_noun"):
                    pass
                else:
                    tgt.extend(conjuncts(c))
        tgt.extend(_prep_objects(tok, TARGET_PREPS.get(et, set())))
        if tok.dep_ in ("xcomp",):
            extra.append(tok.head)
            conf *= 0.85
            rule = "control"
        if tok.dep_ in ("acl", "relcl"):
            rule = "clause"
        if row.pos == "ADJ":
            rule = "adjective"
    else:
        rule = "noun"
        conf *= 0.85
        poss = [c for c in tok.children if c.dep_ == "poss"]
        of_objs = _prep_objects(tok, {"of"})
        if poss:
            src = conjuncts(poss[0])
        by = _prep_objects(tok, {"by"})
        if by:
            src = by
        g = governor(tok)
        if of_objs and "of_source" in row.roles and not src and g is not None and not _named(of_objs):
            # "the US speeded up the withdrawal of some forces": the named light-verb subject acts
            s, passive = _subject_tokens(g)
            if not passive and _named(s):
                src = s
        if of_objs:
            if "of_source" in row.roles and not src:
                src = of_objs
                src_drop = frozenset({"from", "to", "in", "into", "at"})
                for o in of_objs:
                    place_toks.extend(_place_tokens(o, et))
            else:
                tgt.extend(of_objs)
        tgt.extend(_prep_objects(tok, TARGET_PREPS.get(et, set()) - {"of"}))
        if not src:  # "U.S. sanctions", "Russian air strikes"
            src = [
                c
                for c in tok.children
                if c.dep_ in ("compound", "amod", "nmod")
                and (c.ent_type_ in ("GPE", "NORP", "ORG") or c.pos_ == "PROPN")
                and c.i not in hit.consumed
            ]
        if g is not None and tok.dep_ in ("dobj", "nsubjpass", "pobj", "compound"):
            extra.append(g)
            rule = "light_verb"
            conf /= 0.85 * 1.05
            if g.lemma_ in cue("place_subject_verb"):
                s, _ = _subject_tokens(g)
                place_toks.extend(s)
            elif not src:
                s, passive = _subject_tokens(g)
                src = _agent(g) if passive else s
        elif g is None and not src and et in _GATHERING and tok.dep_ == "pobj":
            n = tok  # "despite hours of negotiations": the measure noun carries the preposition
            if n.head.lower_ == "of" and _measure(n.head.head) and n.head.head.dep_ == "pobj":
                n = n.head.head
            v = n.head.head  # "youths threw stones during demonstrations": they were the crowd
            if n.head.lower_ in _DURING and v.pos_ in ("VERB", "AUX"):
                s, passive = _subject_tokens(v)
                src = [] if passive else s
    # intent to do harm is a threat
    if "intent" in row.roles:
        for c in tok.children:
            if c.dep_ == "xcomp" and c.i in trig:
                emb = _match(c)
                if emb and emb.row.event_type in THREAT_CODES and et != "THREATEN":
                    et, cameo = "THREATEN", THREAT_CODES[emb.row.event_type]
                    rule = "intent_threat"
                elif emb and emb.row.event_type in THREAT_CODES:
                    cameo = THREAT_CODES[emb.row.event_type]
    place_toks.extend(_place_tokens(tok, et, extra=tuple(extra)))
    src = [s for s in src if s.i != tok.i]
    for o in hit.consumed:  # "imposed sanctions on Belarus": the target hangs on the pattern's object
        tgt.extend(_prep_objects(tok.doc[o], TARGET_PREPS.get(et, set())))
    tgt = [t for t in tgt if t.i != tok.i and t.i not in {s.i for s in src} and not _pattern_word(t, hit)]
    tgt = [t for t in tgt if not _is_time(t)]  # "threatened on Tuesday": a date is no target
    tgt = [a for t in tgt for a in _behind(t)]
    if not tgt:
        src_i = {s.i for s in src}
        indirect = _indirect_targets(tok, et, tuple(extra) if row.pos == "NOUN" else ())
        tgt = [t for t in indirect if t.i != tok.i and t.i not in src_i and not _is_time(t)]
    if et in ("RETREAT", "MOBILIZE"):
        tgt = [t for t in tgt if t.lemma_ not in cue("personnel_noun")]
    trig_span = Span(start=tok.idx, end=tok.idx + len(tok.text), text=tok.text)
    if hit.consumed and row.kind in ("phrasal", "compound", "of"):
        lo = min(tok.i, *hit.consumed)
        hi = max(tok.i, *hit.consumed) + 1
        trig_span = token_span(tok.doc, lo, hi)
    quants = quantities_of(tok, et)
    for c in tok.children:  # "instructed X to remove its 1,000 personnel": the count serves the order too
        if c.dep_ == "xcomp":
            for k, v in quantities_of(c, et).items():
                quants.setdefault(k, v)
    for e in extra:
        if e.lemma_ in cue("light_verb"):
            for k, v in quantities_of(e, et).items():
                quants.setdefault(k, v)
    if not src:
        conf *= 0.9
    conf *= _depth_factor(tok)
    et, cameo, rule = _recode(tok, et, cameo, rule)
    base = dict(
        event_type=et,
        cameo=cameo,
        trigger=trig_span,
        sentence=Span(start=sent.start_char, end=sent.end_char, text=docview.span_text(sent)),
        mode=row.mode,
        context=row.context,
        places=_spans(place_toks),
        times=tuple(_times(tok, tuple(extra), trig, sent)),
        modality=modality_of(tok),
        attribution=attribution_of(tok, sent),
        quantities=quants,
        method=METHOD.format(rule),
        confidence=round(min(1.0, conf), 3),
    )
    src_spans = _spans(src, drop_preps=src_drop)
    tgt_spans = _spans(tgt)
    if et in RECIPROCAL and len(src_spans) >= 2 and not tgt_spans:
        return [
            Candidate(
                source=(s,),
                target=tuple(o for o in src_spans if o != s),
                **{**base, "method": METHOD.format(rule + "_reciprocal")},
            )
            for s in src_spans
        ]
    return [Candidate(source=src_spans, target=tgt_spans, **base)]


# prepositions that name whom an embedded act is aimed at ("offered to hand over to Britain")
_RECIPIENT_PREPS = frozenset({"to", "against", "on", "upon", "with", "for", "into"})
# who authored a proposal noun: "an offer from Kabul", "calls by Belarus's rulers"
_AUTHOR_PREPS = frozenset({"from", "by"})


def _actorish(t: Token) -> bool:
    """A token that can stand for an actor: a name, a nationality, or a pronoun the text resolves."""
    if _named([t]) or t.ent_type_ in ("PERSON", "NORP") or t.lemma_ in cue("group_noun"):
        return True
    return t.pos_ == "NOUN" and _named(_prep_objects(t, {"of"}))  # "the president of Armenia"


_BEHIND_PREPS = frozenset({"by", "from", "with", "against"})


def _behind(t: Token) -> list[Token]:
    """The actor behind an object that names an act or a thing rather than an actor: "demands from
    Shona rebels", "an admission by Moscow", "a truce with Moslem forces", "Serbia's suppression".
    The object itself when it names an actor or no actor hangs on it."""
    if t.pos_ != "NOUN" or _actorish(t):
        return [t]
    poss = [c for c in t.children if c.dep_ == "poss" and _actorish(c)]
    if poss:
        return conjuncts(poss[0])
    behind = [p for p in _prep_objects(t, _BEHIND_PREPS) if _actorish(p)]
    return behind or [t]


def _indirect_targets(tok: Token, et: str, extra: tuple[Token, ...] = ()) -> list[Token]:
    """Whom an event is aimed at when no argument of its trigger says so (the trigger's own objects come
    first): the subject of a demanded clause ("demanded that Hamas renounce"); the author of a proposal
    that is accepted or turned down ("rejected a U.S. offer", "an offer from Afghanistan"); the owner of
    a condemned act ("denounced Serbia's suppression"); a named recipient or object of the act that the
    trigger embeds ("offered to hand over to Britain", "refused to meet Jordan's king", "threatened to
    impose restrictions against German goods", "called for sanctions against Nigeria"); for a noun
    trigger, the recipient its light verb names ("gave the Ivory Coast aid", "provide aid to refugees")."""
    out: list[Token] = []
    preps = _RECIPIENT_PREPS
    for g in extra:  # the light verb of a noun trigger
        for c in g.children:
            if c.dep_ in ("dative", "iobj"):
                out.extend(conjuncts(c))
        out.extend(_prep_objects(g, TARGET_PREPS.get(et, set())))
    out = [t for t in out if _actorish(t) and not _is_time(t)]
    if out:
        return out
    # demanded clause: its subject is asked to act
    if et == "REQUEST":
        for c in tok.children:
            if c.dep_ == "ccomp":
                subj = [s for s in c.children if s.dep_ in ("nsubj", "nsubjpass")]
                if subj and _actorish(subj[0]):
                    return conjuncts(subj[0])
    # objects of the trigger and of up to two embedded infinitives ("refused to allow X", "agreed to lift")
    verbs, frontier = [tok], [tok]
    for _ in range(2):
        frontier = [
            c for v in frontier for c in v.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")
        ]
        verbs.extend(frontier)
    nouns: list[Token] = []
    for v in verbs:
        for c in v.children:
            if c.dep_ in ("dobj", "dative") or (c.dep_ == "prep" and v.i == tok.i):
                objs = [c] if c.dep_ != "prep" else [p for p in c.children if p.dep_ == "pobj"]
                for o in objs:
                    if v.i != tok.i and c.dep_ in ("dobj", "dative") and _actorish(o):
                        out.extend(conjuncts(o))
                    else:
                        nouns.append(o)
            elif c.dep_ == "prep" and c.lower_ in preps and v.i != tok.i:
                out.extend(p for p in _prep_objects(v, {c.lower_}) if _actorish(p))
    if out:
        return out
    for n in nouns:
        if n.pos_ not in ("NOUN",):
            continue
        if n.lemma_ in cue("proposal_noun"):
            authors = [
                m for m in n.children if m.dep_ in ("compound", "amod", "nmod", "poss") and _actorish(m)
            ] or [p for p in _prep_objects(n, _AUTHOR_PREPS) if _actorish(p)]
            if authors:
                return authors
        poss = [m for m in n.children if m.dep_ == "poss" and _actorish(m)]
        if poss and n.lemma_ not in cue("proposal_noun"):
            return conjuncts(poss[0])
        out.extend(p for p in _prep_objects(n, preps) if _actorish(p))
    return out


_GATHERING = frozenset({"PROTEST", "CONSULT", "COOPERATE"})
_DURING = frozenset({"during", "at", "in", "despite", "after", "following"})
_CLAUSAL = frozenset({"xcomp", "ccomp", "advcl", "relcl", "acl", "pcomp", "csubj", "conj"})
_COOP_INTENT = {"SUPPORT": "032", "COOPERATE": "031", "AID": "033", "CONSULT": "036", "CONCEDE": "035"}
_FUTURE = frozenset({"will", "would", "shall", "'ll", "wo"})


def _depth_factor(tok: Token) -> float:
    """0.96 a hop to the sentence root, 0.9 more a clause boundary: main-clause events come first."""
    f, t = 1.0, tok
    while t.head.i != t.i:
        f *= 0.9 if t.dep_ in _CLAUSAL else 0.96
        t = t.head
    return f


def _recode(tok: Token, et: str, cameo: str, rule: str) -> tuple[str, str, str]:
    """CAMEO codes a promised act as intent (03) and a stated or conditional future harm as a threat (13)."""
    future = any(c.dep_ == "aux" and c.lower_ in _FUTURE for c in tok.children)
    if not future or any(c.dep_ == "neg" for c in tok.children):
        return et, cameo, rule
    if et in _COOP_INTENT or (et == "RETREAT" and cameo.startswith("08") and cameo != "0874"):
        code = _COOP_INTENT.get(et, "0356" if cameo.startswith("087") else "035")
        return "AGREE", code, "intent_future"
    if et in THREAT_CODES:
        conditional = any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("unless", "if") for m in c.children)
            for c in tok.children
        )
        reported = tok.dep_ in ("ccomp", "parataxis") and tok.head.lemma_ in _SPEECH_LEMMAS
        unless = any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children)
            for c in tok.children
        )
        if (conditional and reported) or unless or reported:
            return "THREATEN", THREAT_CODES[et], "threat_future"
    if et == "RETREAT" and any(
        c.dep_ == "advcl" and any(m.lower_ == "unless" for m in c.children) for c in tok.children
    ):
        return "THREATEN", "1311", "threat_future"
    return et, cameo, rule


def _inside(tok: Token, others: list[Token]) -> bool:
    """True when a trigger of another event is in `tok`'s subtree or above it (reported content)."""
    heads = docview.heads(tok.doc)  # walked as plain indices: `tok.subtree` builds every token under it

    def chain(i: int) -> Iterator[int]:  # the heads above token i, up to the root
        while heads[i] != i:
            i = heads[i]
            yield i

    if any(tok.i in chain(o.i) for o in others if o.i != tok.i):  # under tok: in its subtree
        return True
    ids = {o.i for o in others}
    return any(i in ids for i in chain(tok.i))


_OBLIGE = frozenset({"must", "should", "ought"})
_CLAIM_NOUNS = frozenset(
    ["charge", "allegation", "accusation", "report", "claim", "involvement", "responsibility"]
)


def _speech_act(h: _Hit) -> _Hit:
    """A speech verb whose content is an obligation is a demand; "deny" with a plain object is a refusal."""
    from dataclasses import replace

    tok = h.tok
    for c in tok.children:
        if c.dep_ == "ccomp" and any(a.dep_ == "aux" and a.lower_ in _OBLIGE for a in c.children):
            return _Hit(tok, replace(h.row, event_type="REQUEST", cameo="100", mode=None), h.consumed)
    if tok.lemma_ == "deny":
        objs = [c for c in tok.children if c.dep_ == "dobj"]
        if objs and objs[0].pos_ == "NOUN" and objs[0].lemma_ not in _CLAIM_NOUNS:
            return _Hit(tok, replace(h.row, event_type="REJECT", cameo="120", roles=frozenset()), h.consumed)
    return h


def _resultative(tok: Token) -> bool:
    """'leave' with a predicate on its object ("left one baby dead", "leaving the garage destroyed")."""
    if tok.lemma_ != "leave":
        return False
    for c in tok.children:
        if c.dep_ == "oprd":
            return True
        if c.dep_ == "dobj" and any(
            g.dep_ in ("acl", "amod") and g.i > c.i and g.tag_ in ("VBN", "JJ") for g in c.children
        ):
            return True
    return False


def _mishap(hit: _Hit) -> bool:
    """An attack word for what no attacker did: its doer (subject, or the agent of a passive) is a
    natural hazard, an illness or a measure ("the earthquake hit the coast", "hard hit by the outbreak",
    "unemployment hit..."); or, for hit and strike, a vehicle ("she was struck by a car", a hit-and-run),
    or an object that is a score or a level ("hit a 16-month high", "hit the tying 3-pointer")."""
    if hit.row.event_type != "ASSAULT":
        return False
    tok = hit.tok
    doers = [c for c in tok.children if c.dep_ == "nsubj"] + _agent(tok)
    if any(d.lemma_.lower() in cue("mishap_doer") for d in doers):
        return True
    if hit.row.words != ("hit",) and hit.row.words != ("strike",):
        return False
    if any(d.lemma_.lower() in cue("vehicle_noun") for d in doers):
        return True
    if any(c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in cue("score_noun") for c in tok.children):
        return True
    after = [t.lower_ for t in tok.doc[tok.i + 1 : tok.i + 5] if t.lower_ != "-"]
    return after[:2] == ["and", "run"]


def _patient(tok: Token) -> Token | None:
    """What a verb acts on: its object, the subject of its passive, or the noun it describes
    ("a statement released by the team")."""
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass"):
            return c
    return tok.head if tok.dep_ == "acl" and tok.head is not tok else None


_GUEST_ENTS = frozenset({"PERSON", "NORP", "GPE", "ORG"})
_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
_GROUP_ENTS = frozenset({"NORP", "GPE", "ORG"})


def _force_like(n: Token) -> bool:
    return any(n.lemma_.lower() in cue(k) for k in ("personnel_noun", "force_noun")) or any(
        c.dep_ == "amod" and c.lower_ in ("military", "naval", "armed") for c in n.children
    )


def _force_moves(v: Token) -> bool:
    """Whether arrive, enter or leave moves a force: its subject is troops, a unit, a warship or the
    like ("troops arrived in Kherson"), or a named country or group going to or from a named place
    ("Russia entered Ukraine"); not a star arriving in Athens, a firm entering a market or carers
    who left. A pronoun is given the benefit of the doubt ("they entered the town")."""
    subjects = [c for c in v.children if c.dep_ == "nsubj"]  # a dateline can parse as a second one
    if not subjects or any(s.pos_ == "PRON" for s in subjects):
        return True
    # "troops", "military planes", "a first batch of F-16 fighters", "a team of military instructors"
    named = [*subjects, *(c for s in subjects for c in s.children if c.dep_ == "appos")]
    heads = [*named, *(p for n in named for p in _prep_objects(n, {"of"}))]
    if any(_force_like(h) for h in heads):
        return True
    if not any(s.ent_type_ in _GROUP_ENTS for s in subjects):
        return False
    places = [c for c in v.children if c.dep_ == "dobj"]
    places += [p for c in v.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"]
    return any(p.ent_type_ in _PLACE_ENTS for p in places)


def _other_sense(hit: _Hit) -> bool:
    """A release of news ("police released footage", "a press release") rather than of people; an
    arrival, entry or departure of no force (`_force_moves`); or a host or receiver with no guest
    ("received a tip", "hosts a weekly programme") rather than a visit. Only the plain rows: "release
    prisoner", "withdraw troop" and the like say what they are."""
    row, tok = hit.row, hit.tok
    if row.kind != "plain":
        return False
    if row.event_type == "RETREAT" and row.words == ("release",):
        if tok.pos_ == "NOUN":
            return any(c.dep_ == "compound" and c.lower_ in cue("release_kind") for c in tok.children) or any(
                p.lemma_.lower() in cue("published_noun") for p in _prep_objects(tok, {"of"})
            )
        what = _patient(tok)
        return what is not None and what.lemma_.lower() in cue("published_noun")
    if row.words in (("arrive",), ("enter",), ("leave",)) and row.event_type in ("MOBILIZE", "RETREAT"):
        return not _force_moves(tok)
    if row.event_type == "CONSULT" and row.words in (("host",), ("receive",)):
        who = _patient(tok)
        return who is None or not (
            who.ent_type_ in _GUEST_ENTS
            or who.pos_ == "PRON"
            or any(who.lemma_.lower() in cue(k) for k in ("guest_noun", "personnel_noun", "group_noun"))
        )
    return False


def extract(doc: Doc) -> list[Candidate]:
    """Event candidates of a parsed doc, ordered by trigger offset."""
    hits: list[_Hit] = []
    for i, may in enumerate(_may_head(doc)):
        if not may:
            continue  # _match would find no row
        tok = doc[i]
        if tok.is_punct or tok.is_space or tok.like_num:
            continue
        if (
            tok.dep_ == "compound"
            and tok.pos_ in ("NOUN", "PROPN")
            and tok.head.lemma_ not in cue("event_head")
        ):
            continue  # "aid workers", "protest movement": a modifier, not an event ("mediation effort" is)
        if tok.dep_ == "amod" and tok.tag_ in ("VBN", "VBG"):
            continue  # "the long-threatened invasion", "seized weapons"
        if (
            tok.dep_ == "pobj"
            and tok.tag_ == "NN"
            and tok.head.lower_ in ("in", "on")
            and not any(c.dep_ in ("det", "amod", "poss", "nummod", "compound") for c in tok.children)
        ):
            continue  # idioms: "in charge", "in protest", "on alert"
        hit = _match(tok)
        if hit is None or _resultative(tok) or _mishap(hit) or _other_sense(hit):
            continue  # no row, or the word in another sense ("the blast left five dead", "hit a high")
        hits.append(hit)
    consumed = {i for h in hits for i in h.consumed}
    hits = [h for h in hits if h.tok.i not in consumed]
    events = [h.tok for h in hits if h.row.event_type != "STATEMENT"]
    sent_of = {}  # Token.sent scans the doc each time: find each trigger's sentence once
    if hits:
        want = sorted({h.tok.i for h in hits})
        k = 0
        for sent in doc.sents:
            while k < len(want) and want[k] < sent.end:
                sent_of[want[k]] = sent
                k += 1
    trig = frozenset(h.tok.i for h in hits)
    out: list[Candidate] = []
    for h in hits:
        if h.row.event_type == "STATEMENT":
            h = _speech_act(h)
        # a speech verb is an event only when what it reports is not one (else it is the attribution)
        if h.row.event_type == "STATEMENT" and (
            _inside(h.tok, events) or ("speech" in h.row.roles and h.tok.dep_ not in ("ROOT", "conj"))
        ):
            continue
        out.extend(_candidate(h, trig, sent_of[h.tok.i]))
    out.sort(key=lambda c: (c.trigger.start, -c.confidence))
    return out
