"""Where an event happened: the place attached to the trigger in its clause ("in", "at", "near",
"north of"), else the sentence's place, else the article's dateline or focus — with the precision
this implies — and none when the text gives none. Places themselves come from `resolve.places`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from sitroom.records import Candidate, PlaceRef, Precision, Span
from sitroom.resolve.places import METHOD, adjectival, is_name_token, where_noun

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from sitroom.resolve.context import ArticleContext

# Prepositions that put an event somewhere (and those that say where it came from or went to).
LOC_PREPS = {
    "in",
    "at",
    "near",
    "inside",
    "outside",
    "across",
    "around",
    "within",
    "throughout",
    "on",
    "into",
    "from",
    "to",
    "towards",
    "toward",
    "through",
    "along",
    "off",
    "over",
    "between",
    "onto",
    "upon",
    "out",
    "beyond",
    "by",
}


def place_phrases(doc: Doc, trigger: Token) -> list[Span]:
    """Char spans of the phrases that may say where the trigger's event happened: its locative
    prepositional phrases and its direct object ("captured the town of X"), also those of the verb
    a conjoined trigger hangs on ("was shot and killed in X")."""
    heads = [trigger]
    if trigger.dep_ == "conj" and trigger.head.pos_ in ("VERB", "AUX"):
        heads.append(trigger.head)
    if trigger.dep_ in ("xcomp", "ccomp", "advcl") and trigger.head.pos_ == "VERB":
        heads.append(trigger.head)
    heads += [
        c for c in trigger.children if c.dep_ == "conj" and c.pos_ == "VERB"
    ]  # "killed and wounded in X"
    nodes = []
    for h in heads:
        for c in h.children:
            if (c.dep_ == "prep" and c.lower_ in LOC_PREPS) or c.dep_ in ("dobj", "npadvmod", "pobj"):
                nodes.append(c)
            elif c.dep_ == "agent":  # "killed by sniper fire in the town of X": the PP, not the agent
                nodes += [
                    p for o in c.children for p in o.children if p.dep_ == "prep" and p.lower_ in LOC_PREPS
                ]
    out: list[Span] = []
    for c in nodes:
        toks = list(c.subtree)
        s, e = toks[0].idx, toks[-1].idx + len(toks[-1])
        out.append(Span(start=s, end=e, text=doc.text[s:e]))
    return sorted(out, key=lambda sp: sp.start)


def _inside(p: PlaceRef, spans: Iterable[Span]) -> bool:
    return any(p.start is not None and sp.start <= p.start and p.end <= sp.end for sp in spans)


_NOT_NAME_LABELS = {
    "PERSON",
    "NORP",
    "DATE",
    "TIME",
    "MONEY",
    "PERCENT",
    "CARDINAL",
    "ORDINAL",
    "QUANTITY",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "EVENT",
    "PRODUCT",
}
# Prepositions after which a name the gazetteer lacks is still read as a place ("in Al-Bayaa").
_NAME_PREPS = {
    "in",
    "at",
    "near",
    "inside",
    "outside",
    "around",
    "into",
    "on",
    "across",
    "throughout",
    "within",
}
# Prepositions after an actor's noun that say where the actor is ("a policeman in Amara").
_ACTOR_PREPS = {"in", "at", "near", "inside", "outside"}


def _name_chunks(doc: Doc, start: int, end: int) -> list[SpacySpan]:
    """Runs of capitalised tokens inside char range [start, end) ("Al - Bayaa", "Manger Square")."""
    sp = doc.char_span(start, end, alignment_mode="expand")
    if sp is None:
        return []
    out, run = [], []
    for t in sp:
        glue = run and t.text == "-" or (run and run[-1].text == "-" and t.whitespace_ is not None)
        if is_name_token(t) or (glue and t.is_alpha) or (run and t.text == "-" and not run[-1].whitespace_):
            run.append(t)
            continue
        if run:
            out.append(run)
        run = []
    if run:
        out.append(run)
    chunks = []
    for r in out:
        while r and r[-1].text == "-":
            r = r[:-1]
        if r:
            chunks.append(doc[r[0].i : r[-1].i + 1])
    return chunks


def _place_slot(chunk: SpacySpan, trigger_i: int) -> bool:
    """Whether a name sits where a place does: after "in"/"at", as "the town of X", before "district",
    or as the object of the event verb when the NER calls it a place."""
    root = chunk.root
    if chunk[0].is_sent_start and chunk[0].is_stop:
        return False
    labels = {t.ent_type_ for t in chunk}
    if labels & {"NORP", "DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}:
        return False
    dep, head = root.dep_, root.head
    while dep in ("conj", "appos") and head.i != root.i:  # "Palmyra and Quaryatayn", "X, a town"
        root, dep, head = head, head.dep_, head.head
    # A word for a site next to the name outweighs the NER label ("Aziziyah district", "town of X").
    if dep == "pobj" and head.lower_ == "of" and where_noun(head.head):
        return True
    if dep in ("compound", "nmod", "amod", "poss") and where_noun(head):
        return True
    if labels & _NOT_NAME_LABELS:
        return False
    if dep == "pobj":
        return head.lower_ in _NAME_PREPS
    if dep in ("dobj", "nsubjpass") and head.i == trigger_i:
        return chunk.root.ent_type_ in ("", "GPE", "LOC", "FAC")
    return False


def _unresolved(doc: Doc, phrase: Span, known: list[PlaceRef], trigger_i: int) -> list[PlaceRef]:
    """Names in a place slot of the phrase that the gazetteer does not know: text and offsets only."""
    out = []
    for ch in _name_chunks(doc, phrase.start, phrase.end):
        s, e = ch.start_char, ch.end_char
        if any(p.start is not None and p.start < e and s < p.end for p in known):
            continue
        if _place_slot(ch, trigger_i):
            out.append(PlaceRef(text=ch.text, start=s, end=e, method=f"{METHOD}:unresolved"))
    return out


def _actor_phrases(doc: Doc, actors: Iterable[Span]) -> list[Span]:
    """ "Iraqis in Tikrit", "a policeman in Amara": where the actor is, which is where it acted."""
    out = []
    for a in actors:
        sp = doc.char_span(a.start, a.end, alignment_mode="expand")
        if sp is None:
            continue
        for c in sp.root.children:
            if c.dep_ == "prep" and c.lower_ in _ACTOR_PREPS:
                toks = list(c.subtree)
                s, e = toks[0].idx, toks[-1].idx + len(toks[-1])
                out.append(Span(start=s, end=e, text=doc.text[s:e]))
    return out


def _container(p: PlaceRef, known: list[PlaceRef]) -> PlaceRef | None:
    """The resolved place named next after an unresolved name in its phrase ("al-Tijara in central
    Damascus"): the event is put at its point, with its precision."""
    after = [k for k in known if k.start is not None and k.start >= p.end and k.lat is not None]
    return min(after, key=lambda k: k.start) if after else None


def event_location(candidate: Candidate, ctx: ArticleContext) -> PlaceRef | None:
    """The place where the candidate's event happened, or None when its clause does not say.

    The first place named in a phrase attached to the event verb (then in one attached to an actor),
    skipping names that only modify an actor ("Niger's junta"). A name the gazetteer lacks still
    counts when it sits in a place slot ("in the Al-Bayaa neighbourhood"): it keeps its text and takes
    the point and precision of the place it is said to be in, else has no coordinates."""
    doc = ctx.doc
    actors = tuple(candidate.source) + tuple(candidate.target)
    sent = candidate.sentence
    in_sent = [p for p in ctx.places if p.start is not None and sent.start <= p.start and p.end <= sent.end]
    trig = doc.char_span(candidate.trigger.start, candidate.trigger.end, alignment_mode="expand")
    trig_i = trig.root.i if trig is not None else -1
    tiers = ((tuple(candidate.places), actors, "attached"), (tuple(_actor_phrases(doc, actors)), (), "actor"))
    for phrases, outside, how in tiers:
        known = [p for p in in_sent if _inside(p, phrases) and not _inside(p, outside)]
        pool = [p for p in known if not adjectival(doc, p)]
        for ph in phrases:
            if not _inside_any(ph, outside):
                pool += _unresolved(doc, ph, in_sent, trig_i)
        pool = list({p.start: p for p in pool}.values())
        if not pool:
            continue
        best = min(pool, key=lambda p: p.start)
        if best.gazetteer_id is None:
            box = _container(best, known)
            if box is not None:
                return replace(
                    box,
                    text=best.text,
                    start=best.start,
                    end=best.end,
                    score=round(box.score * 0.5, 3),
                    method=f"{box.method}|event:{how}:within-{box.gazetteer_id}",
                )
            return replace(best, method=f"{best.method}|event:{how}")
        site = _named_site(candidate, ctx, best)
        if site is not None:
            return site
        return replace(best, method=f"{best.method}|event:{how}")
    return _sentence_place(candidate, ctx, in_sent, actors, trig)


def coordinated_locations(candidate: Candidate, ctx: ArticleContext, first: PlaceRef) -> list[PlaceRef]:
    """Other places the event happened in, named beside the first one in their own attached phrases
    ("withdrawal ... from Mali and Burkina Faso"): same precision, each its own phrase. ACLED codes
    one event per location; presence needs each host."""
    if len(candidate.places) < 2 or first.gazetteer_id is None or first.start is None:
        return []
    own = [ph for ph in candidate.places if ph.start <= first.start and first.end <= ph.end]
    out: dict[str, PlaceRef] = {}
    for ph in candidate.places:
        if ph in own:
            continue
        for p in ctx.places:
            if (
                p.start is not None
                and ph.start <= p.start
                and p.end <= ph.end
                and p.precision == first.precision
                and p.gazetteer_id not in (None, first.gazetteer_id)
                and not adjectival(ctx.doc, p)
            ):
                out.setdefault(p.gazetteer_id, replace(p, method=f"{p.method}|event:coordinated"))
                break
    return list(out.values())


def _sentence_place(
    candidate: Candidate, ctx: ArticleContext, in_sent: list[PlaceRef], actors: tuple[Span, ...], trig
) -> PlaceRef | None:
    """Nothing attached by the parse (which often errs on long sentences): the nearest place of the
    sentence that is the object of a locative preposition in the trigger's own clause."""
    if trig is None:
        return None
    doc = ctx.doc
    near = [
        p
        for p in in_sent
        if not _inside(p, actors)
        and not adjectival(doc, p)
        and _prep_object(doc, p)
        and _same_clause(doc, p, trig.root)
    ]
    if not near:
        return None
    best = min(near, key=lambda p: abs(p.start - candidate.trigger.start))
    return replace(best, score=round(best.score * 0.6, 3), method=f"{best.method}|event:sentence")


def _prep_object(doc: Doc, p: PlaceRef) -> bool:
    sp = doc.char_span(p.start, p.end, alignment_mode="expand")
    if sp is None:
        return False
    r = sp.root
    while r.dep_ in ("conj", "appos", "compound") and r.head.i != r.i:
        r = r.head
    return r.dep_ == "pobj" and r.head.lower_ in _NAME_PREPS


def _same_clause(doc: Doc, p: PlaceRef, trig: Token) -> bool:
    """No other verb on the path from the place up to where it meets the trigger's chain of heads."""
    sp = doc.char_span(p.start, p.end, alignment_mode="expand")
    if sp is None:
        return False
    a = sp.root
    anc = set()
    t = trig
    while True:
        anc.add(t.i)
        if t.head.i == t.i:
            break
        t = t.head
    while a.i not in anc:
        if a.pos_ in ("VERB", "AUX") and a.i != trig.i:
            return False
        if a.head.i == a.i:
            break
        a = a.head
    return True


def _inside_any(sp: Span, spans: Iterable[Span]) -> bool:
    return any(o.start <= sp.start and sp.end <= o.end for o in spans)


# Generic facility nouns and the words a named site of that kind carries ("an air base" ↔ "Airbase 101").
_SITE_NOUNS = {
    "base": ("base", "airbase"),
    "airbase": ("base", "airbase"),
    "airport": ("airport", "airfield"),
    "airfield": ("airport", "airfield", "base", "airbase"),
    "camp": ("camp",),
    "barracks": ("barracks",),
    "port": ("port",),
}


def _named_site(candidate: Candidate, ctx: ArticleContext, best: PlaceRef) -> PlaceRef | None:
    """An unnamed facility ("an air base in Niger") that the article names elsewhere: when exactly one
    facility of that kind lies in the attached place's country, the event happened there."""
    if best.precision not in (Precision.COUNTRY, Precision.ADMIN1, Precision.CITY):
        return None
    phrase = " | ".join(s.text.lower() for s in candidate.places)
    kinds = {w for w in _SITE_NOUNS if re.search(rf"\b{w}\b", phrase)}
    if not kinds:
        return None
    words = {k for w in kinds for k in _SITE_NOUNS[w]}
    sites = {
        p.gazetteer_id: p
        for p in ctx.places
        if p.precision == Precision.FACILITY
        and p.country == best.country
        and any(k in p.text.lower().replace(" ", "") or k in p.text.lower().split() for k in words)
    }
    if len(sites) != 1:
        return None
    (site,) = sites.values()
    return replace(
        site,
        start=best.start,
        end=best.end,
        text=best.text,
        method=f"{site.method}|event:site-of-{best.gazetteer_id}",
    )


__all__ = ["LOC_PREPS", "coordinated_locations", "event_location", "place_phrases"]
