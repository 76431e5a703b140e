"""Where an event happened: the place attached to the trigger ("in", "at", "near", its object, a
passive subject that is a town), else one in the trigger's own clause ("when a bomb exploded in X",
"during clashes in X"), else a bearing ("north of X"), else where an actor is ("Iraqis in Tikrit"),
else the sentence's place — and none when the text gives none; the pipeline then falls back to the
article's focus. Places themselves come from `resolve.places`; a name the gazetteer lacks still
counts when it sits in a place slot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from sitroom.nlp import docview
from sitroom.records import Candidate, PlaceRef, Precision, Span
from sitroom.resolve.places import METHOD, adjectival, is_name_token, place_words, where_noun

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
    """Char spans of the phrases the extractor attaches to the trigger as where its event happened:
    its locative prepositional phrases, its direct object ("captured the town of X") and a bearing
    ("north of X"), also those of the verb a conjoined or embedded trigger hangs on ("was shot and
    killed in X"). Verbs conjoined after the trigger are `event_location`'s own clause tier."""
    heads = [trigger]
    if trigger.dep_ == "conj" and trigger.head.pos_ in ("VERB", "AUX") and not _own_clause(trigger):
        heads.append(trigger.head)
    if trigger.dep_ in ("xcomp", "ccomp", "advcl") and trigger.head.pos_ == "VERB":
        heads.append(trigger.head)
    nodes = []
    for h in heads:
        for c in h.children:
            if (c.dep_ == "prep" and c.lower_ in LOC_PREPS) or c.dep_ in ("dobj", "pobj"):
                nodes.append(c)
            elif c.dep_ == "npadvmod" and c.pos_ == "PROPN" and c.ent_type_ not in ("DATE", "TIME"):
                nodes.append(c)  # "captured off Mogadishu" (the particle parse); not "hours before X"
            elif _direction(c):
                nodes.append(c)
            elif c.dep_ == "agent":  # "shot by gunmen in the village of X": the PP, not the agent
                nodes += [
                    p for o in c.children for p in o.children if p.dep_ == "prep" and p.lower_ in LOC_PREPS
                ]
    return sorted((_subtree_span(doc, c) for c in nodes), key=lambda sp: sp.start)


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
# A token ending in a hyphen and maybe a lower-case word: "U.S.-led", "Shiite-".
_GLUED_MODIFIER = re.compile(r"[-\u2013]([a-z]+)?$")
# Lower-case particles inside Arabic and other place names, before a hyphen ("Deir ez-Zor").
_PARTICLES = {"al", "el", "ez", "az", "as", "ash", "ad", "ar", "an", "at", "ur", "ul", "bin", "ibn", "de"}
# Endings of demonyms the small model labels NORP ("Kurdish", "Iraqi", "Syrian"), unlike the towns it
# also labels so ("Aleppo", "Samarra").
_DEMONYM_ENDS = ("ish", "ian", "ese", "i", "ic", "an", "en", "ine", "s", "ite")


def _name_chunks(doc: Doc, start: int, end: int) -> list[SpacySpan]:
    """Runs of capitalised tokens inside char range [start, end) ("Al-Bayaa", "Manger Square", "Deir
    ez-Zor"). A run glued by a hyphen to a lower-case word ("Kurdish-majority", "U.S.-led") modifies
    that word and is left out."""
    sp = doc.char_span(start, end, alignment_mode="expand")
    if sp is None:
        return []
    toks = list(sp)
    runs: list[list[Token]] = []
    run: list[Token] = []
    for k, t in enumerate(toks):
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if _name_tok(t) and not (t.is_stop and t.text.istitle() and not run):
            if _GLUED_MODIFIER.search(t.text):  # one token: "U.S.-led", "Shiite-"
                run = []
                continue
            run.append(t)
            continue
        glued = run and not run[-1].whitespace_ and not t.whitespace_ and nxt is not None
        if glued and t.text in ("-", "\u2013") and (_name_tok(nxt) or nxt.lower_ in _PARTICLES):
            run.append(t)  # "Al-Bayaa", "Brest-Litovsk"
            continue
        if run and t.lower_ in _PARTICLES and nxt is not None and nxt.text == "-" and not t.whitespace_:
            run.append(t)  # "Deir ez-Zor"
            continue
        if run:
            hyphened = run[-1].text == "-" or (t.text in ("-", "\u2013") and not run[-1].whitespace_)
            if not hyphened:
                runs.append(run)
        run = []
    if run:
        runs.append(run)
    chunks = []
    for r in runs:
        while r and (r[-1].text == "-" or r[-1].lower_ in _PARTICLES):
            r = r[:-1]
        if r:
            chunks.append(doc[r[0].i : r[-1].i + 1])
    return chunks


def _name_tok(t: Token) -> bool:
    """A capitalised word, or the article of an Arabic name ("al-Bayaa"); not "along" or "else"."""
    low = t.lower_
    return is_name_token(t) and (t.text[0].isupper() or low in ("al", "el") or low.startswith(("al-", "el-")))


def _place_slot(chunk: SpacySpan, trigger_i: int) -> bool:
    """Whether a name sits where a place does: after "in"/"at", as "the town of X", before "district",
    beside "a small town" or "60 km north of Y", or as the object of the event verb when the NER calls
    it a place. Not an organisation's or a person's name ("the ICRC offices", "Patten's hotel")."""
    root = chunk.root
    if chunk[0].is_sent_start and chunk[0].is_stop:
        return False
    labels = {t.ent_type_ for t in chunk}
    if labels & {"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}:
        return False
    if chunk[-1].pos_ == "ADJ":
        return False  # "a US-Kurdish operation"
    if "NORP" in labels and any(t.pos_ != "PROPN" or t.lower_.endswith(_DEMONYM_ENDS) for t in chunk):
        return False  # "Kurdish", "Iraqis"; the small model also calls "Aleppo" and "Samarra" NORP
    if len(chunk) == 1 and chunk.text.isupper() and len(chunk.text) <= 5:
        return False  # "the ICRC offices", "0450 GMT": an unknown acronym names an organisation
    appos = [c for c in root.children if c.dep_ == "appos"]
    if any(where_noun(c) or _direction(c) for c in appos):
        return True  # "Dunya Pur, a small town ...", "Kakata, 60 kilometers northeast of Monrovia"
    if any(c.pos_ == "NOUN" for c in appos):
        return False  # "Abu Zubaydah, al-Qaida's top coordinator": a person
    dep, head = root.dep_, root.head
    while dep in ("conj", "appos") and head.i != root.i:  # "Palmyra and Quaryatayn", "X, a town"
        root, dep, head = head, head.dep_, head.head
    if (
        labels & {"PERSON", "ORG"}
        and not where_noun(chunk[-1])
        and (
            dep == "poss"
            or any(c.lower_ == "the" for c in root.children)
            or place_words().get(head.lemma_.lower()) == "part"
        )
    ):
        return False  # "Patten's hotel", "the United Nations", "the Commission": whose, not where
    # A word for a site next to the name outweighs the NER label ("Aziziyah district", "town of X").
    if dep == "pobj" and head.lower_ == "of" and where_noun(head.head):
        return True
    if dep in ("compound", "nmod", "amod", "poss") and where_noun(head):
        return True
    # "Manger Square", "the Bardo Museum": a name ending in a word for a site names one, whatever the NER says
    site = len(chunk) > 1 and where_noun(chunk[-1]) and chunk[-1].lower_ not in _ORG_SITE_WORDS
    # The small model calls many towns it does not know persons: after "in", "near" a person is rare.
    personal = labels <= {"PERSON", ""} and dep == "pobj" and head.lower_ in _NAME_PREPS - {"at", "on"}
    if labels & _NOT_NAME_LABELS and not site and not personal:
        return False
    if dep == "pobj":
        return (site or head.lower_ in _NAME_PREPS) and bool(head.whitespace_)  # not "at-Turkmani"
    if dep in ("dobj", "nsubjpass") and head.i == trigger_i:
        return site or chunk.root.ent_type_ in ("", "GPE", "LOC", "FAC")
    return False


# Site words that, capitalised at the end of a name, mostly name an institution ("the State Department").
_ORG_SITE_WORDS = {"department", "state", "office", "headquarters", "house", "home", "building", "capital"}


def _unresolved(doc: Doc, phrase: Span, known: list[PlaceRef], trigger_i: int) -> list[PlaceRef]:
    """Names in a place slot of the phrase that the gazetteer does not know: text and offsets only."""
    out = []
    for ch in _name_chunks(doc, phrase.start, phrase.end):
        s, e = ch.start_char, ch.end_char
        if any(p.start is not None and p.start < e and s < p.end and not _hyphen_part(doc, p) for p in known):
            continue
        if _place_slot(ch, trigger_i):
            out.append(PlaceRef(text=ch.text, start=s, end=e, method=f"{METHOD}:unresolved"))
    return out


def _actor_phrases(doc: Doc, actors: Iterable[Span]) -> list[Span]:
    """ "Iraqis in Tikrit", "a policeman in Amara", "the medical team of the Italian mission in
    Agadez", "workers of the Kalma refinery": where the actor is, which is where it acted."""
    out = []
    for a in actors:
        sp = doc.char_span(a.start, a.end, alignment_mode="expand")
        if sp is None:
            continue
        heads = [sp.root]
        for h in heads:
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    heads += [o for o in c.children if o.dep_ == "pobj"]
                elif c.dep_ == "prep" and c.lower_ in _ACTOR_PREPS:
                    out.append(_subtree_span(doc, c))
            if h is not sp.root and where_noun(h) and place_words().get(h.lemma_.lower()) == "site":
                out.append(_subtree_span(doc, h))
    return out


def _container(p: PlaceRef, known: list[PlaceRef]) -> PlaceRef | None:
    """The resolved place named next after an unresolved name in its phrase ("al-Tijara in central
    Damascus"): the event is put at its point, with its precision."""
    after = [k for k in known if k.start is not None and k.start >= p.end and k.lat is not None]
    return min(after, key=lambda k: k.start) if after else None


def event_location(candidate: Candidate, ctx: ArticleContext) -> PlaceRef | None:
    """The place where the candidate's event happened, or None when its clause does not say.

    Tiers, first hit wins: the phrases attached to the event verb (and a passive subject that is a
    town or site: "Kabul was captured"); the verb's own clause as the parse gives it ("when a bomb
    exploded near X", "during the clashes in X", "and others were wounded in X"); a bearing ("30 km
    west of X"); a phrase attached to an actor ("a policeman in Amara"); the sentence. Within a tier
    the first place named wins, unless it only qualifies a later one ("the Mali capital Bamako") or
    sets the scene before the subject. Places across a relative clause, names that only modify an
    actor ("Niger's junta", "US-led") and organisations' names are skipped. A name the gazetteer lacks
    still counts when it sits in a place slot ("in the Al-Bayaa neighbourhood"): it keeps its text and
    takes the point and precision of the place it is said to be in, else has no coordinates."""
    doc = ctx.doc
    actors = tuple(candidate.source) + tuple(candidate.target)
    sent = candidate.sentence
    in_sent = [p for p in ctx.places if p.start is not None and sent.start <= p.start and p.end <= sent.end]
    trig = doc.char_span(candidate.trigger.start, candidate.trigger.end, alignment_mode="expand")
    trig_i = trig.root.i if trig is not None else -1
    patient = _patient_phrases(doc, trig.root, in_sent) if trig is not None else []
    clause = _clause_phrases(doc, trig.root) if trig is not None else []
    attached = tuple(candidate.places) + tuple(patient)
    clause = [ph for ph in clause if not _inside_any(ph, attached)]
    bearing = tuple(ph for ph in (*attached, *clause) if _bearing(doc, ph))
    tiers = (
        (
            tuple(ph for ph in attached if ph not in bearing),
            tuple(a for a in actors if not _overlaps_any(a, patient)),
            "attached",
        ),
        (tuple(ph for ph in clause if ph not in bearing), actors, "clause"),
        # "X, 70 miles south of Y": Y only when the clause names no place of its own
        (bearing, actors, "bearing"),
        (tuple(_actor_phrases(doc, actors)), (), "actor"),
    )
    for phrases, outside, how in tiers:
        known = [
            p
            for p in in_sent
            if _inside(p, phrases) and not _inside(p, outside) and _reachable(doc, p, phrases)
        ]
        pool = [p for p in known if not adjectival(doc, p) and not _hyphen_part(doc, p)]
        for ph in phrases:
            if not _inside_any(ph, outside):
                pool += [u for u in _unresolved(doc, ph, in_sent, trig_i) if _reachable(doc, u, phrases)]
        pool = list({p.start: p for p in pool}.values())
        if not pool:
            continue
        best = _first(doc, pool, trig.root if trig is not None else None)
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


# Conjunctions that put an adverbial clause at the time and place of the event ("killed when militants
# hit the village", "shot while filming in X"); "because", "before", "since" and the like do not.
_CLAUSE_MARKS = {"when", "while", "as", "whilst", "after"}
# Prepositions of an event noun the location hangs on ("killed during clashes in X").
_EVENT_PREPS = {"during", "amid", "amidst"}
# Prepositions of such a clause's verb that place it ("while fighting in X"); not "adding to X".
_CLAUSE_PREPS = _NAME_PREPS | {"from", "along", "through", "near", "behind", "amid", "amidst", "during"}
# Dependencies that open another clause: a place under one is where something else happened.
_CLAUSE_DEPS = {"relcl", "advcl", "ccomp", "parataxis", "csubj"}


def _own_clause(verb: Token) -> bool:
    """A conjoined verb with its own subject and auxiliary ("... and Varela was killed in X") is a
    separate event; "killed, and 24 others wounded in X" shares the first one's time and place."""
    kids = {c.dep_ for c in verb.children}
    return bool(kids & {"nsubj", "nsubjpass"}) and bool(kids & {"aux", "auxpass"})


def _clause_phrases(doc: Doc, trigger: Token) -> list[Span]:
    """Phrases of the trigger's own clause that say where, beyond those attached to the verb: the
    places of a "when"/"while"/participle clause on it ("killed when militants hit the village of X"),
    of a verb conjoined with it, and of an event noun it happens during ("during clashes in X")."""
    verbs = []
    for c in trigger.children:
        if c.pos_ not in ("VERB", "AUX") and c.dep_ != "xcomp":  # "killed fighting in X" (a noun here)
            continue
        marks = {m.lower_ for m in c.children if m.dep_ in ("mark", "advmod") and m.i < c.i}
        if marks & {"while", "whilst", "after"} and any(
            s.dep_ in ("nsubj", "nsubjpass") and s.pos_ != "PRON" for s in c.children
        ):
            continue  # "..., while a rally took place at X": with a subject of its own, another event
        # "killed fighting in X", "killed when ...", "killed, hiding in ...", "killed and others wounded in X"
        if c.dep_ in ("xcomp", "conj") or (
            c.dep_ == "advcl" and (marks & _CLAUSE_MARKS or (not marks and c.tag_ == "VBG"))
        ):
            verbs.append(c)
    verbs += [  # "... and turned violent in X", "when experts were trying to defuse it on the road in X"
        c
        for v in verbs
        for c in v.children
        if c.pos_ == "VERB" and (c.dep_ == "conj" or (c.dep_ == "xcomp" and v.dep_ != "conj"))
    ]
    nodes = [c for c in trigger.children if c.dep_ == "prep" and c.lower_ in _EVENT_PREPS]
    for v in verbs:
        nodes += [
            c
            for c in v.children
            if (c.dep_ == "prep" and c.lower_ in _CLAUSE_PREPS)
            or (c.dep_ == "dobj" and not _result_clause(v) and not _own_subject_conj(v))
            or _direction(c)
        ]
        nodes += [  # "wounded by a roadside bomb in X"
            p
            for a in v.children
            if a.dep_ == "agent"
            for o in a.children
            for p in o.children
            if p.dep_ == "prep" and p.lower_ in _CLAUSE_PREPS
        ]
    return [_subtree_span(doc, c) for c in nodes]


def _own_subject_conj(v: Token) -> bool:
    """ "..., and the junta revoked an agreement with X": a conjoined clause with a subject of its own
    is another event; only its locative phrases ("others were wounded by a bomb in X") may be shared."""
    return v.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in v.children)


def _result_clause(v: Token) -> bool:
    """ "..., deepening a rift between X and Y", "..., killing 20 people": a participle after the verb
    tells what followed; its object is no place of the event (its phrases may be: "hiding in X")."""
    return (
        v.dep_ == "advcl"
        and v.tag_ == "VBG"
        and v.i > v.head.i
        and not any(m.dep_ in ("mark", "advmod") and m.i < v.i for m in v.children)
    )


def _bearing(doc: Doc, ph: Span) -> bool:
    """Whether a phrase is a bearing ("south of Lexington") or the place one is taken from."""
    sp = doc.char_span(ph.start, ph.end, alignment_mode="expand")
    if sp is None:
        return False
    r = sp.root
    return _direction(r) or (r.dep_ == "pobj" and r.head.lower_ == "of" and _direction(r.head.head))


def _direction(t: Token) -> bool:
    """ "north of X", "30 km southeast of X": a bearing from a place names where it happened."""
    return (
        t.dep_ in ("advmod", "npadvmod", "prep", "appos")
        and t.lower_ in _DIRECTIONS
        and any(c.dep_ == "prep" and c.lower_ == "of" for c in t.children)
    )


_DIRECTIONS = {
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
}


def _subtree_span(doc: Doc, t: Token) -> Span:
    # from the first to the last token `t.subtree` yields, without building the ones in between
    first = last = t
    while (left := next(first.lefts, None)) is not None:
        first = left
    while rights := list(last.rights):
        last = rights[-1]
    s, e = first.idx, last.idx + len(last)
    return Span(start=s, end=e, text=docview.text(doc)[s:e])


def _patient_phrases(doc: Doc, trigger: Token, in_sent: list[PlaceRef]) -> list[Span]:
    """A passive subject that is a town or a site is where the event happened ("Kabul was captured",
    "the city's streets are patrolled", "the Baghdad headquarters were destroyed"). Not a country:
    "Rwanda was committed to the deal" names an actor."""
    out = []
    for c in trigger.children:
        if c.dep_ != "nsubjpass":
            continue
        named = any(
            p.start <= c.idx < p.end
            and c.ent_type_ in ("", "GPE", "LOC", "FAC")
            and p.precision not in (Precision.COUNTRY, Precision.REGION)
            for p in in_sent
            if p.start is not None
        )
        if named or where_noun(c):
            out.append(_subtree_span(doc, c))
    return out


def _overlaps_any(sp: Span, spans: Iterable[Span]) -> bool:
    return any(o.start < sp.end and sp.start < o.end for o in spans)


def _reachable(doc: Doc, p: PlaceRef, phrases: Iterable[Span]) -> bool:
    """Whether the place hangs on its phrase without crossing into another clause ("in the attack,
    which was followed by another blast in X": X is not where the attack happened)."""
    sp = doc.char_span(p.start, p.end, alignment_mode="expand")
    own = [ph for ph in phrases if ph.start <= p.start and p.end <= ph.end]
    if sp is None or not own:
        return True
    ph = min(own, key=lambda o: o.end - o.start)
    t = sp.root
    while t.head.i != t.i and ph.start <= t.head.idx < ph.end:
        if t.i not in range(sp.start, sp.end) and (
            (t.dep_ in _CLAUSE_DEPS and not _who_clause(t))
            or (t.dep_ == "acl" and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children))
        ):
            return False
        t = t.head
    return True


def _who_clause(t: Token) -> bool:
    """ "troops who were operating in X": a relative clause that says where the people were."""
    return t.dep_ == "relcl" and any(c.dep_ == "nsubj" and c.lower_ == "who" for c in t.children)


def _hyphen_part(doc: Doc, p: PlaceRef) -> bool:
    """ "Baghdad-based", "US-led", "US-Kurdish", "Brest-Litovsk": a name glued by a hyphen to the
    word after it modifies that word or is part of a longer name, not the place itself."""
    end = p.end
    text = docview.text(doc)
    return end + 1 < len(text) and text[end] in "-\u2013" and text[end + 1].isalpha()


def _fronted(doc: Doc, p: PlaceRef, trigger: Token) -> bool:
    """Whether the place is in a phrase put before the trigger's subject ("In the province of X,
    terrorists shelled ..."): it sets the scene, a place named after the verb is nearer."""
    sp = doc.char_span(p.start, p.end, alignment_mode="expand")
    if sp is None:
        return False
    t = sp.root
    while t.head.i != t.i and t.head.i != trigger.i:
        t = t.head
    return (
        t.head.i == trigger.i
        and t.dep_ == "prep"
        and any(c.dep_ in ("nsubj", "nsubjpass") and c.i > t.i for c in trigger.children)
    )


def _first(doc: Doc, pool: list[PlaceRef], trigger: Token | None = None) -> PlaceRef:
    """The first place named, unless it only qualifies a later name of the same noun phrase: "the
    Mali capital Bamako", "Syria's Raqqa", "the Kabul district of Shindand" give the later one."""
    ordered = sorted(pool, key=lambda p: p.start)
    if trigger is not None:  # "In Gaza, soldiers shot a man near the Kissufim crossing": the nearer place
        later = [p for p in ordered if not _fronted(doc, p, trigger)]
        if later and len(later) < len(ordered):
            ordered = later
    best = ordered[0]
    sp = doc.char_span(best.start, best.end, alignment_mode="expand")
    if sp is None:
        return best
    r = sp.root
    if r.dep_ not in ("compound", "poss", "nmod") or r.head.i < r.i:
        return best
    head = r
    while head.dep_ in ("compound", "poss", "nmod", "amod") and head.head.i > head.i:
        head = head.head
    for p in ordered[1:]:
        psp = doc.char_span(p.start, p.end, alignment_mode="expand")
        if psp is None or psp.start < sp.end:
            continue
        q = psp.root
        before_head = psp.end - 1 <= head.i and head.left_edge.i <= psp.start
        named_of = (  # "the Kabul district of Shindand"; not "the X neighbourhood of central Damascus"
            q.dep_ == "pobj"
            and q.head.lower_ == "of"
            and q.head.head.i == head.i
            and is_name_token(q)
            and best.gazetteer_id is not None
            and p.gazetteer_id is None
        )
        if before_head or named_of or (r.dep_ == "poss" and q.dep_ == "appos" and q.head.i == head.i):
            return p
        if (
            best.precision in (Precision.COUNTRY, Precision.REGION)
            and head.left_edge.i <= psp.start <= head.right_edge.i
        ):
            return p  # "the French air base in Niamey", "Iraq's oil terminal in Basra"
    return best


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
