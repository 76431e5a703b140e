"""Place mentions: find toponyms in a parsed article and resolve them against the gazetteer (the
place where an event happened is `resolve.location`'s).

Recognition trusts the gazetteer over the NER label (the small model calls "Niger" an ORG and
"Chad" a PERSON): a span is a place when the gazetteer knows it and the text treats it as a name.
Resolution scores each candidate entry: a prior (feature class, population, main vs alternate
name), then context ("X, Y" pairs, the countries the article is about).
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import itertools
import math
import re
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sitroom.nlp import docview
from sitroom.nlp.words import is_english_word
from sitroom.records import Article, PlaceRef, Precision
from sitroom.resolve.gazetteer import Entry, Gazetteer, fold

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


METHOD = "sitroom.places.v1"

PRECISION = {
    "facility": Precision.FACILITY,
    "city": Precision.CITY,
    "admin1": Precision.ADMIN1,
    "admin2": Precision.ADMIN1,  # records have no finer area level: a county is reported as admin1
    "country": Precision.COUNTRY,
    "region": Precision.REGION,
}
# Most precise first: event_location prefers the facility to the town around it.
_PRECISE = {"facility": 0, "city": 1, "admin2": 2, "admin1": 2, "country": 3, "region": 4}

_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_NAME_LABELS = {"ORG", "PERSON", "NORP", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"}
_NOT_PLACE_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LANGUAGE"}
# Lower-case words that may sit inside a place name ("Bosnia and Herzegovina", "Rio de Janeiro").
_CONNECTORS = {
    "of",
    "de",
    "del",
    "la",
    "le",
    "al",
    "el",
    "da",
    "do",
    "du",
    "des",
    "and",
    "-",
    "upon",
    "on",
    "es",
}
# Words the gazetteer knows as a place (Cameroon's "West" region, "Gulf" province of Papua New Guinea)
# that in running text are a direction or a common noun. Alone, a compass word is never taken for a
# place; a generic noun is not when it is part of a longer name ("Soviet Union", "Airport Courthouse").
_COMPASS = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "northeast", "northwest", "southeast", "southwest", "upper", "lower", "greater", "downtown",
}  # fmt: skip
_GENERIC = _COMPASS | {
    "airport", "bay", "beach", "bend", "bridge", "capital", "center", "centre", "city", "coast", "county",
    "delta", "district", "falls", "gulf", "harbor", "harbour", "heights", "hill", "hills", "island",
    "islands", "lake", "lakes", "mission", "mount", "park", "point", "port", "quarter", "river", "springs",
    "square", "states", "station", "street", "union", "valley", "village",
}  # fmt: skip
# Capitalised nouns that make the name before them another thing: a river, a stadium, a university
# ("Mississippi River", "Rogers Centre", "Colorado State University" are not the state or the town).
_THING_NOUNS = {
    "academy", "avenue", "basilica", "bay", "canal", "center", "centre", "chapel", "college", "creek",
    "falls", "harbor", "harbour", "island", "islands", "lake", "mountains", "ocean", "peninsula", "river",
    "road", "school", "sea", "springs", "square", "street", "township", "university",
}  # fmt: skip
# Generic words after a name that say which kind of place it is ("Homs province").
_ADMIN_WORDS = {
    "province",
    "state",
    "region",
    "governorate",
    "district",
    "county",
    "department",
    "oblast",
    "prefecture",
}
_CITY_WORDS = {"city", "town", "village", "municipality"}
_MAX_NGRAM = 6
# A bare name that is neither tagged as a place nor a known country/area must be a town this big.
MIN_POP_UNTAGGED = 20_000
MIN_POP_NAME_ENTITY = 100_000  # ...and this big when the NER tagged it as a person or organisation
_WORD = re.compile(r"[A-Za-z]")


@dataclass(slots=True)
class _Mention:
    start: int  # token indices [start, end)
    end: int
    char_start: int
    char_end: int
    text: str
    entries: list[Entry]
    rule: str  # how it was found: ner | gaz | name
    hint: str | None = None  # "admin1" / "city" when a generic word follows the name
    within: str | None = None  # gid of the place named right after ", "
    # only the tail of a longer capitalised name the gazetteer does not know: after a compass word
    # ("compass": "West Midlands", "North Dallas") or after another word ("name": "Goz Beida")
    tail: str | None = None
    scores: list[float] = field(default_factory=list)


def find_places(
    doc: Doc, article: Article | None = None, gaz: Gazetteer | None = None, *, adjectives: bool = False
) -> list[PlaceRef]:
    """Every place mention in `doc`, resolved, in text order. `adjectives=True` also returns
    demonyms ("Nigerien" -> Niger) as mentions of their country (actors by default: left out)."""
    if gaz is None:
        from sitroom.resolve.gazetteer import open_gazetteer

        gaz = open_gazetteer()
    mentions = _recognise(doc, gaz, adjectives=adjectives)
    return _resolve(doc, mentions)


def resolve_spans(
    doc: Doc, spans: Sequence[tuple[int, int]], gaz: Gazetteer | None = None
) -> list[PlaceRef | None]:
    """Resolve given char spans (e.g. gold toponyms) in the context of the doc's own mentions."""
    if gaz is None:
        from sitroom.resolve.gazetteer import open_gazetteer

        gaz = open_gazetteer()
    found = _recognise(doc, gaz, adjectives=False)
    given: list[_Mention | None] = []
    for s, e in spans:
        sp = doc.char_span(s, e, alignment_mode="expand")
        if sp is None:
            given.append(None)
            continue
        m = _lookup_span(doc, gaz, sp.start, sp.end, rule="given", adjectives=True, loose=True)
        if m is not None:
            m.char_start, m.char_end, m.text = s, e, docview.text(doc)[s:e]
        given.append(m)
    ms = [m for m in given if m is not None]
    context = [m for m in found if not any(_overlap(m, g) for g in ms)]
    resolved = _resolve(doc, ms + context, keep=set(map(id, ms)))
    by_id = {r[0]: r[1] for r in resolved}  # type: ignore[index]
    return [by_id.get(id(m)) if m is not None else None for m in given]


def article_focus(places: Iterable[PlaceRef], doc: Doc | None = None) -> tuple[str, ...]:
    """ISO3 countries the article is about, most salient first: a country mention counts 1, a
    place inside a country counts 0.5 for it. Given the doc, a name used as an actor's modifier
    ("U.S. troops", "Niger's junta") counts a quarter: it says who acts, not where."""
    weight: Counter[str] = Counter()
    first: dict[str, int] = {}
    for i, p in enumerate(places):
        if not p.country:
            continue
        w = 1.0 if p.precision == Precision.COUNTRY else 0.5
        if doc is not None and p.start is not None and adjectival(doc, p):
            w *= 0.25
        weight[p.country] += w
        first.setdefault(p.country, i)
    return tuple(sorted(weight, key=lambda c: (-weight[c], first[c])))


# --- recognition ---------------------------------------------------------------------------------


def _overlap(a: _Mention, b: _Mention) -> bool:
    return a.char_start < b.char_end and b.char_start < a.char_end


def is_name_token(t: Token) -> bool:
    return _name_text(t.text)


@functools.lru_cache(maxsize=65536)
def _name_text(text: str) -> bool:
    # asked of every token of every article: one answer per word form
    return bool(_WORD.match(text)) and (text[0].isupper() or (len(text) > 1 and text[:2] in ("al", "el")))


# fold() is asked of every capitalised n-gram of every article: one answer per string
_fold = functools.lru_cache(maxsize=65536)(fold)


def _lookup_span(
    doc: Doc, gaz: Gazetteer, start: int, end: int, *, rule: str, adjectives: bool, loose: bool = False
) -> _Mention | None:
    """A mention for tokens [start, end) if the gazetteer knows the name (dropping "the", "'s",
    and a generic word such as "province" when the whole does not match)."""
    tok = docview.toks(doc)
    while start < end and tok.lower[start] in ("the", "a", "an"):
        start += 1
    while end > start and tok.text[end - 1] in ("'s", "’s", "'", "’", ".", ",", '"'):
        end -= 1
    if start >= end:
        return None
    hint = None
    tries = [(start, end, None)]
    last = tok.lower[end - 1]
    if end - start > 1 and (last in _ADMIN_WORDS or last in _CITY_WORDS):
        tries.append((start, end - 1, "admin1" if last in _ADMIN_WORDS else "city"))
    if loose and end - start > 1 and tok.lower[start] in _CITY_WORDS | _ADMIN_WORDS | {"city"}:
        tries.append((start + 1, end, None))
    for s, e, hint in tries:
        a, b = tok.chars(s, e)
        text = docview.text(doc)[a:b]
        entries = _entries(gaz, _fold(text), adjectives, len(text.replace(".", "")) <= 3)
        if entries:
            # "Washington state", "Kano state": the area word outside the entity still names the area
            # (not after a country's name: "Iran state media" is Iran's)
            after = tok.lower[e] if e < len(tok.lower) else ""
            if hint is None and after in _ADMIN_WORDS and not any(x.cls == "country" for x in entries):
                hint = "admin1"
            return _Mention(s, e, a, b, text, entries, rule, hint)
    return None


def _recognise(doc: Doc, gaz: Gazetteer, *, adjectives: bool) -> list[_Mention]:
    n = len(doc)
    tok = docview.toks(doc)  # token texts, lower forms and offsets, without building Token objects
    label = [""] * n
    ent_of: list[docview.Ent | None] = [None] * n
    ents = docview.ents(doc)
    for ent in ents:
        for i in range(ent.start, ent.end):
            label[i] = ent.label_
            ent_of[i] = ent
    taken = [False] * n
    out: list[_Mention] = []
    look = _DocLook(doc, tok)

    def add(m: _Mention) -> None:
        out.append(m)
        for i in range(m.start, m.end):
            taken[i] = True

    # 1. Entities that are places by label, or whose whole text is a well-known place.
    name = list(map(_name_text, tok.text))
    starting = {ent.start: ent for ent in ents}
    joined: set[int] = set()  # starts of entities read as the tail of the one before
    for ent in ents:
        if (ent.label_ == "NORP" and not adjectives) or ent.start in joined or taken[ent.start]:
            continue
        end = ent.end  # the small model cuts hyphenated names: "Guinea" of "Guinea-Bissau"
        while end + 1 < n and tok.text[end] == "-" and not tok.space[end - 1]:
            if tok.space[end] or not _name_text(tok.text[end + 1]):
                break
            end += 2
        m = None
        # ... and names at a word it takes for a new entity ("the Democratic Republic of the" +
        # "Congo"): a place entity that touches this one joins it when the gazetteer knows the whole
        nxt = starting.get(ent.end)
        if end == ent.end and nxt is not None and nxt.label_ in _PLACE_LABELS:
            m = _lookup_span(doc, gaz, ent.start, nxt.end, rule="ner", adjectives=adjectives)
            if m is not None and m.end == nxt.end:
                joined.add(nxt.start)
            else:
                m = None
        if end > ent.end:
            m = _lookup_span(doc, gaz, ent.start, end, rule="ner", adjectives=adjectives)
        if m is None and end == ent.end:
            m = _linked_name(doc, gaz, ent.start, ent.end, name, label, adjectives)
        m = m or _lookup_span(doc, gaz, ent.start, ent.end, rule="ner", adjectives=adjectives)
        if m is None or (m.end - m.start == 1 and tok.lower[m.start] in _COMPASS):
            continue
        if ent.label_ in _NOT_PLACE_LABELS:  # the small model has tagged "Niger" as a DATE
            if not any(e.cls == "country" and e.name_kind == "main" for e in m.entries):
                continue
        elif (
            ent.label_ not in _PLACE_LABELS
            and not _strong(m.entries, ent.label_)
            and not _named_as_place(tok, m.start)
        ):
            continue
        add(m)

    # 2. Capitalised n-grams the gazetteer knows, longest first, outside entities taken above.
    text = docview.text(doc)
    grams: dict[int, list[tuple[int, str]]] = {}  # start -> (end, name key) of its n-grams, shortest first
    for i in itertools.compress(range(n), name):  # an n-gram starts at a name: skip the other tokens
        if taken[i] or label[i] in _NOT_PLACE_LABELS:
            continue
        a = tok.idx[i]
        for j in range(i + 1, min(n, i + _MAX_NGRAM) + 1):
            t = tok.text[j - 1]
            if taken[j - 1] or label[j - 1] in _NOT_PLACE_LABELS or tok.is_space[j - 1]:
                break
            if j - 1 > i and not (name[j - 1] or tok.lower[j - 1] in _CONNECTORS or t == "."):
                break
            if name[j - 1]:
                b = tok.idx[j - 1] + len(t)  # tok.chars(i, j), without a call per n-gram
                grams.setdefault(i, []).append((j, _fold(text[a:b])))
    known = _known(gaz, (k for ends in grams.values() for _, k in ends))
    free = 0  # left to right (starts were added in order), not inside a name taken here
    for i, ends in grams.items():
        if i < free:
            continue
        for j, k in reversed(ends):  # longest first
            if k not in known:
                continue
            m = _lookup_span(doc, gaz, i, j, rule="gaz", adjectives=adjectives)
            if m is not None and _accept_ngram(doc, m, label, ent_of, look):
                add(m)
                free = m.end
                break
    out.sort(key=lambda m: m.start)
    for m in out:
        m.tail = _in_longer_name(doc, m, name, label, ent_of, taken)
    _link_pairs(doc, out)
    return out


# Connectors of foreign place names that tie the words around them into one name ("Ceamurlia de
# Jos", "Rio Grande do Sul"); English "of"/"and" do not ("the Governor of Texas").
_NAME_GLUE = _CONNECTORS - {"of", "and", "-", "upon", "on"}


def _linked_name(
    doc: Doc, gaz: Gazetteer, start: int, end: int, name: list[bool], label: list[str], adjectives: bool
) -> _Mention | None:
    """The entity [start, end) with the words around it that belong to its name, when the gazetteer
    knows the whole: the small model stops at "of", "and", "do", "," ("Democratic Republic" + "of
    the" + "Congo", "Rio Grande" + "do Sul", "Trinidad" + "and" + "Tobago", "Washington" + ", D.C.")
    and drops a first word ("Goz" of "Goz Beida")."""
    tok = docview.toks(doc)
    n = len(tok.text)
    ends = [end]
    j = end
    while j < n and j - start < _MAX_NGRAM and label[j] not in _NOT_PLACE_LABELS:
        low = tok.lower[j]
        if name[j]:
            if j == end:
                break  # a name right after is another entity's (joined above) or a word of its own
            ends.append(j + 1)
        elif (low not in _CONNECTORS and low != "the" or low == "-") and (low != "," or j > end):
            break  # a comma right after too: the gazetteer knows "Washington, D.C." as one name
        j += 1
    starts = [start]
    sent_start = docview.sents(doc).of(start)[0]
    if start - 1 > sent_start and name[start - 1] and not label[start - 1]:
        starts.append(start - 1)
    if len(starts) == 1 and len(ends) == 1:
        return None
    text = docview.text(doc)
    spans = sorted(
        ((a, e) for a in starts for e in ends if (a, e) != (start, end)), key=lambda x: x[0] - x[1]
    )
    keys = {(a, e): _fold(text[slice(*tok.chars(a, e))]) for a, e in spans}
    known = _known(gaz, keys.values())
    for a, e in spans:
        if keys[(a, e)] in known:
            m = _lookup_span(doc, gaz, a, e, rule="ner", adjectives=adjectives)
            if m is not None and m.end == e and m.start == a:
                return m
    return None


def _in_longer_name(
    doc: Doc, m: _Mention, name: list[bool], label: list[str], ent_of: list, taken: list[bool]
) -> str | None:
    """Whether the mention is only the tail of a longer capitalised name the gazetteer does not know:
    a capitalised word before it, in its entity or in none ("Midlands" of "the West Midlands",
    "Beida" of "Goz Beida"), or tied to it by a foreign connector ("Jos" of "Ceamurlia de Jos").
    Not after a word of another place ("Maiduguri Borno State"), a stop word ("After Paris") or a
    generic noun ("Village Malakal"); a place that leads a longer name is itself ("Toronto Police")."""
    tok = docview.toks(doc)
    first = docview.sents(doc).of(m.start)[0]
    i = m.start - 1
    glue = i > first and tok.lower[i] in _NAME_GLUE
    if glue:
        i -= 1
    if i < first or (i == first and not glue) or not name[i] or taken[i]:
        return None
    if label[i] and ent_of[i] is not ent_of[m.start]:
        return None
    low = tok.lower[i]
    if low in _COMPASS and not glue:
        return "compass"
    return "name" if low not in _GENERIC and not doc.vocab[low].is_stop else None


@dataclass(slots=True)
class _Memo:
    """Answers of one open gazetteer (an index never changes once open): the same names recur in
    every article ("The", "President", "Iraq")."""

    known: dict[str, bool] = field(default_factory=dict)  # name key -> in the index
    entries: dict[tuple[str, bool, bool], list[Entry]] = field(default_factory=dict)


_MEMO: weakref.WeakKeyDictionary[Gazetteer, _Memo] = weakref.WeakKeyDictionary()


def _memo(gaz: Gazetteer) -> _Memo:
    memo = _MEMO.get(gaz)
    if memo is None or len(memo.known) + len(memo.entries) > 400_000:
        memo = _MEMO[gaz] = _Memo()
    return memo


def _known(gaz: Gazetteer, keys: Iterable[str]) -> set[str]:
    """`gaz.known(keys)`, asking the index only for keys not seen before."""
    memo = _memo(gaz).known
    keys = set(keys)
    new = [k for k in keys if k not in memo]
    if new:
        found = gaz.known(new)
        memo.update((k, k in found) for k in new)
    return {k for k in keys if memo[k]}


def _entries(gaz: Gazetteer, key: str, adjectives: bool, short: bool) -> list[Entry]:
    """The entries named by a key: demonyms only with `adjectives`; for a name of three letters or
    fewer (`short`), no town by an alternate name. Callers never change the list."""
    memo = _memo(gaz).entries
    got = memo.get((key, adjectives, short))
    if got is None:
        got = gaz.lookup_key(key)
        if not adjectives:
            got = [x for x in got if x.name_kind != "demonym"]
        if short:
            got = [x for x in got if x.name_kind != "alt" or x.cls != "city"]
        if any(x.cls == "country" and x.name_kind == "main" for x in got):
            # a country's own name never means a town or county known by it as an alternate name
            # ("Iraq" is no name of Arak in running text; "Mexico" is the country, not its capital)
            got = [x for x in got if x.name_kind != "alt" or x.cls not in ("city", "admin2")]
        memo[(key, adjectives, short)] = got
    return got


# "the town of X", "the province of X": the name after is a place whatever the NER or its size.
_PLACE_OF = _ADMIN_WORDS | _CITY_WORDS | {"capital", "suburb", "villages", "towns", "provinces", "districts"}


def _named_as_place(tok: docview.Toks, start: int) -> bool:
    return start >= 2 and tok.lower[start - 1] == "of" and tok.lower[start - 2] in _PLACE_OF


def _strong(entries: list[Entry], ner_label: str) -> bool:
    """A name the NER tagged as something else is a place only if the place is a notable one."""
    for e in entries:
        if e.name_kind == "alt" and e.cls == "city":
            continue
        if e.cls in ("country", "region", "facility") or (e.cls == "admin1" and e.lat is not None):
            return (
                ner_label != "PERSON" or e.cls in ("country", "region") or e.population >= MIN_POP_NAME_ENTITY
            )
        if e.cls == "city" and e.population >= MIN_POP_NAME_ENTITY:
            return True
    return False


class _DocLook:
    """Per-doc facts the n-gram checks ask for again and again, computed once (Doc.text, .sent and a
    scan of all tokens cost a pass over the doc each time; a Token object costs one per access)."""

    def __init__(self, doc: Doc, tok: docview.Toks) -> None:
        self.doc = doc
        self.tok = tok
        self.text = tok.text
        self.words = set(tok.text)
        self.sents = docview.sents(doc)
        self.headline: dict[int, bool] = {}
        # per-token attributes, read in one array when first needed (most docs ask for a few tokens)
        self.alpha: list[int] = []
        self.pos: list[int] = []
        self.stop: list[int] = []
        self.upper: list[int] = []
        self.num: list[int] = []
        self.sent_start: list[int] = []  # `Token.is_sent_start` is true where this is 1
        self.propn = 0

    def attrs(self) -> _DocLook:
        if not self.alpha:
            from spacy.attrs import IS_ALPHA, IS_STOP, IS_UPPER, LIKE_NUM, POS, SENT_START
            from spacy.symbols import PROPN

            cols = self.doc.to_array([IS_ALPHA, POS, IS_STOP, IS_UPPER, LIKE_NUM, SENT_START]).T.tolist()
            self.alpha, self.pos, self.stop, self.upper, self.num, self.sent_start = cols
            self.propn = PROPN
        return self

    def is_headline(self, i: int) -> bool:
        """Whether token i's sentence is a title-case headline: of its words longer than three letters
        that are not proper nouns (nor its first word), at least two and 60% are capitalised."""
        k = self.sents.of_token[i]
        if k not in self.headline:
            self.attrs()
            a, b = self.sents.bounds[k]  # the first word of a sentence is its only sentence start
            text, alpha, pos, propn = self.text, self.alpha, self.pos, self.propn
            words = [w for w in range(a + 1, b) if alpha[w] and len(text[w]) > 3 and pos[w] != propn]
            upper = sum(text[w][0].isupper() for w in words)
            self.headline[k] = len(words) >= 2 and upper >= 0.6 * len(words)
        return self.headline[k]

    def foreign_word(self, i: int) -> bool:
        """A capitalised word that is no English word, stop word or acronym: part of a foreign name."""
        self.attrs()
        return (
            _name_text(self.text[i])
            and not self.upper[i]
            and not self.stop[i]
            and not self.num[i]
            and not is_english_word(self.doc.vocab, self.tok.lower[i])
        )


def _part_of_longer_name(m: _Mention, look: _DocLook) -> bool:
    """A name followed by a noun that makes it something else ("Mississippi River"), a compass word
    alone, a generic word inside a longer name ("West Surrey Racing"), or one word of a place name the
    gazetteer does not know, next to a word that is no English word ("Beni" of "Beni Suef"): not a
    mention of its own. "Manila Cathedral", "North Dallas", "Nazi Germany" keep their place."""
    text, lower, n = look.text, look.tok.lower, len(look.text)
    after = m.end if m.end < n and _name_text(text[m.end]) else None  # token indices
    if after is not None and lower[after] in _THING_NOUNS:
        return True
    if (  # "St. Peter's Square", "St George's Chapel": a site named after a saint or a person
        m.end + 1 < n
        and text[m.end] in ("'s", "’s")
        and lower[m.end + 1] in _THING_NOUNS | {"basilica", "cathedral", "church", "chapel", "hospital"}
        and not any(e.cls == "country" for e in m.entries)
    ):
        return True
    if after is not None and all(lower[k] in _COMPASS for k in range(m.start, m.end)):
        return True  # "South West" of "South West England": a direction of the name after it
    if m.end - m.start > 1:
        return False
    word = lower[m.start]
    before = m.start - 1 if m.start > 0 else None
    if before is not None and (look.attrs().sent_start[before] == 1 or not _name_text(text[before])):
        before = None
    if not any(e.cls in ("country", "region") and e.name_kind == "main" for e in m.entries) and any(
        k is not None and look.foreign_word(k) for k in (after, before)
    ):
        return True  # one word of a longer name the gazetteer does not know ("Beni Suef", "Goz Beida")
    if word in _COMPASS:
        return True
    return word in _GENERIC and any(
        k is not None and look.attrs().sent_start[k] != 1 for k in (after, before)
    )


def _accept_ngram(doc: Doc, m: _Mention, label: list[str], ent_of: list, look: _DocLook) -> bool:
    labels = {label[i] for i in range(m.start, m.end)}
    if "NORP" in labels:
        return False
    ent = ent_of[m.start]
    if _part_of_longer_name(m, look):
        return False
    if "PERSON" in labels and ent is not None and (ent.start != m.start or ent.end != m.end):
        return False  # part of a person's name ("Victoria Beckham")
    if m.end - m.start == 1:
        i = m.start
        look.attrs()
        if look.sent_start[i] == 1 and look.stop[i]:
            return False
        if look.pos[i] != look.propn and not (look.upper[i] and len(look.text[i]) > 2):
            return False
    if any(e.cls in ("country", "region") and e.name_kind == "main" for e in m.entries):
        return True
    if any(e.cls == "facility" for e in m.entries) and m.end - m.start > 1:
        return True
    if m.end - m.start == 1 and (look.is_headline(m.start) or look.tok.lower[m.start] in look.words):
        return False  # "Police" in a title-case headline; "Reading" where "reading" is a word here
    if any(e.cls == "admin1" and e.lat is not None and e.name_kind == "main" for e in m.entries):
        return True
    if _named_as_place(look.tok, m.start):
        return any(e.lat is not None for e in m.entries)
    floor = MIN_POP_NAME_ENTITY if labels & _NAME_LABELS else MIN_POP_UNTAGGED
    return any(e.population >= floor and e.name_kind == "main" for e in m.entries if e.cls == "city")


def _link_pairs(doc: Doc, ms: list[_Mention]) -> None:
    """ "Agadez, Niger" / "Paris, Texas": the second name says where the first one is."""
    text = docview.text(doc)
    for i, (a, b) in enumerate(zip(ms, ms[1:], strict=False)):
        between = text[a.char_end : b.char_start]
        if between.strip() == "," and any(e.cls in ("country", "admin1") for e in b.entries):
            if i > 0 and _area_item(ms[i - 1], a, text):
                continue  # "Georgia, Oklahoma, Pennsylvania": a list of areas, not a town and its area
            a.within = "pair"


def _area_item(prev: _Mention, a: _Mention, text: str) -> bool:
    """Whether `a` follows an area's name in a comma list and can be an area itself."""
    return (
        text[prev.char_end : a.char_start].strip() == ","
        and any(e.cls in ("country", "admin1") and e.name_kind == "main" for e in prev.entries)
        and any(e.cls in ("country", "admin1") and e.name_kind == "main" for e in a.entries)
    )


# --- resolution ----------------------------------------------------------------------------------


def _prior(e: Entry, m: _Mention) -> float:
    s = math.log10(max(e.population, 1))
    if e.cls == "country":
        s += 2.5
    elif e.cls == "region":
        s += 0.5
    elif e.cls == "admin1":
        s += 0.5 if m.hint != "admin1" else 4.0
        if e.lat is None:
            s -= 3.0
    elif e.cls == "admin2":  # a county or district: only when the text says so, or nothing else fits
        s += -1.0 if m.hint != "admin1" else 4.0
        if e.lat is None:
            s -= 3.0
    elif e.cls == "facility":
        s = 7.0 if m.end - m.start > 1 else 2.0
    elif e.cls == "city":
        # A capital's old or foreign name ("Salisbury" for Harare) earns no capital's bonus.
        s += (1.0 if m.hint == "city" else 0.0) + (2.0 if e.capital and e.name_kind == "main" else 0.0)
    if e.name_kind == "alt":
        s -= 1.5
    elif e.name_kind == "demonym":
        s -= 0.5
    return s


# A co-occurrence vote may not overturn a reading whose context-free score is this far ahead (an
# order of magnitude of population, or a main name against an alternate one: "Portland" next to
# "Houston" and "Dallas" is still Oregon's city, not a Texas town) ...
AREA_VOTE_MAX_GAP = 1.0
# ... unless the area is named as an area in the town's sentence or the few before it ("in southern
# Indiana. Austin, in Scott County, ..."): a state named far away, or only implied by its towns
# ("Houston ... Portland"), does not move a big city.
AREA_NAMED_BEFORE = 3
HEIR_MARGIN = 0.5  # against a namesake abroad, a town named like its area scores its area's prior less this


def _score_all(
    ms: list[_Mention],
    focus: list[dict[str, float]],
    pairs: dict[int, Entry],
    areas_of: list[Counter[str]] | None = None,
    boost: dict[int, dict[str, float]] | None = None,
    named_near: Callable[[int, str], bool] | None = None,
) -> None:
    boost = boost or {}
    for idx, m in enumerate(ms):
        areas = areas_of[idx] if areas_of else Counter()
        towns = [j for j, e in enumerate(m.entries) if e.cls == "city"]
        base = [_prior(e, m) for e in m.entries]  # the context-free score of each entry
        for k, e in enumerate(m.entries):
            if m.hint == "admin1":
                continue
            if e.cls == "admin1" and (heirs := [j for j in towns if _namesake_town(m.entries[j], e)]):
                # "Agadez", "New York", "Mecca", "Gaza": the town, unless the text says "region"/"state".
                # Against a namesake abroad the town keeps the area's weight (the area bears its name):
                # Mozambique's Gaza province must not win for want of the Palestinian areas.
                foreign = max(
                    (base[x] for x, o in enumerate(m.entries) if o.country != e.country), default=-math.inf
                )
                for j in heirs:
                    if foreign > base[j]:
                        base[j] = max(base[j], base[k] - HEIR_MARGIN)
                base[k] -= 3.0
            elif e.cls == "admin2" and any(
                m.entries[j].country == e.country and m.entries[j].name_kind == "main" for j in towns
            ):
                base[k] -= 3.0
        # Other names' areas vote for the readings in them ("Seattle ... Washington" -> the state).
        voted = [
            (e.admin1 if e.admin1 in areas else e.name)
            if areas and e.cls != "country" and (e.admin1 in areas or (e.cls == "admin1" and e.name in areas))
            else None
            for e in m.entries
        ]
        if named_near is not None and any(voted):
            top = max((x for x, a in zip(base, voted, strict=True) if a is None), default=-math.inf)
            voted = [
                a if a is None or top - x < AREA_VOTE_MAX_GAP or named_near(idx, a) else None
                for x, a in zip(base, voted, strict=True)
            ]
        scores = []
        for e, s, a in zip(m.entries, base, voted, strict=True):
            s += 3.0 * focus[idx].get(e.country or "", 0.0) + boost.get(idx, {}).get(e.gid, 0.0)
            if a is not None:
                s += 1.5 * min(2, areas[a])
            y = pairs.get(idx)
            if y is not None and e.gid != y.gid:
                if y.cls == "country" and e.country == y.country:
                    s += 6.0
                elif (
                    y.cls == "admin1"
                    and e.country == y.country
                    and e.admin1
                    and fold(e.admin1) == fold(y.name)
                ):
                    s += 8.0
                elif y.cls == "admin1" and e.country == y.country:
                    s += 3.0
            scores.append(s)
        m.scores = scores


_LIST_GLUE = {",", "and", ", and", "or", ", or", "&"}


def _list_boost(doc: Doc, ms: list[_Mention], boost: dict[int, dict[str, float]]) -> None:
    """In a list of areas ("Ohio, New York and Texas") a name that is an area and a town is the
    area: its area entries in the country of a listed neighbour's area gain."""
    text = docview.text(doc)
    best = [m.entries[_best(m)] for m in ms]
    for i, m in enumerate(ms):
        near = []
        if i > 0 and text[ms[i - 1].char_end : m.char_start].strip() in _LIST_GLUE:
            near.append(best[i - 1])
        if i + 1 < len(ms) and text[m.char_end : ms[i + 1].char_start].strip() in _LIST_GLUE:
            near.append(best[i + 1])
        areas = {x.country for x in near if x.cls == "admin1"}
        if areas and len(m.entries) > 1:
            got = boost.setdefault(i, {})
            for e in m.entries:
                if e.cls == "admin1" and e.country in areas:
                    got[e.gid] = got.get(e.gid, 0.0) + 2.0


def _namesake_town(t: Entry, area: Entry) -> bool:
    """Whether a town named like an area is the town the area is named after: in the area (its area
    name spelt alike, or one the start of the other: "Makkah" of "Makkah al Mukarramah"), and the
    name is its main one, or a by-name of both that a tenth of the area's people live in ("Mecca"),
    or the area's own name but a quarter of its people live in the town ("New York" City; not
    Oklahoma City)."""
    if t.country != area.country or not t.admin1:
        return False
    a, b = _fold(t.admin1), _fold(area.name)
    if not (a == b or a.startswith(b + " ") or b.startswith(a + " ")):
        return False
    share = 0.1 if area.name_kind == "alt" else 0.25
    return t.name_kind == "main" or t.population >= share * area.population


def _focus(votes: Counter[str]) -> dict[str, float]:
    total = sum(votes.values()) or 1.0
    return {c: min(1.0, v / total * 2) for c, v in votes.items() if v >= 1.0}


def _focus_of(ms: list[_Mention], keys: list[str]) -> tuple[dict[str, float], list[dict[str, float]]]:
    """The article's focus by the mentions' best entries, and each mention's focus without the
    votes of its own name."""
    by_key: dict[str, Counter[str]] = {}
    for m, k in zip(ms, keys, strict=True):
        b = m.entries[_best(m)]
        if b.country:
            by_key.setdefault(k, Counter())[b.country] += 1.0 if b.cls == "country" else 0.6
    votes: Counter[str] = sum(by_key.values(), Counter())
    focus = _focus(votes)
    without = {k: _focus(votes - v) for k, v in by_key.items()}
    return focus, [without.get(k, focus) for k in keys]


def _fits(e: Entry, focus: dict[str, float], tail: str) -> bool:
    """A country or region, a place in a country that has a quarter of the article's votes, or a
    city after a compass word (a part of the city: "North Dallas", "Greater Manchester")."""
    if e.cls in ("country", "region") or focus.get(e.country or "", 0.0) >= 0.5:
        return True
    return tail == "compass" and e.cls == "city" and e.population >= MIN_POP_NAME_ENTITY


def _margin(m: _Mention) -> float:
    """How far the best entry's score is ahead of the next one's (5.0 when there is one entry)."""
    ordered = sorted(m.scores, reverse=True)
    return ordered[0] - ordered[1] if len(ordered) > 1 else 5.0


def _best(m: _Mention) -> int:
    return max(range(len(m.entries)), key=lambda i: m.scores[i])


def _resolve(doc: Doc, ms: list[_Mention], keep: set[int] | None = None) -> list:
    ms.sort(key=lambda m: m.char_start)
    pairs: dict[int, Entry] = {}
    # "Atlanta, Georgia": the second name is read as the area that holds a place named like the first.
    boost: dict[int, dict[str, float]] = {}
    for i, m in enumerate(ms[:-1]):
        if m.within == "pair":
            y = ms[i + 1]
            boost[i + 1] = {
                e.gid: 6.0
                for e in y.entries
                if any(
                    x.country == e.country
                    and (e.cls == "country" or (e.cls == "admin1" and x.admin1 == e.name))
                    for x in m.entries
                )  # the area, not a town that shares its name ("Seattle, Washington" is no D.C.)
            }
    _score_all(ms, [{}] * len(ms), pairs, boost=boost)
    for i, m in enumerate(ms[:-1]):
        if m.within == "pair":
            pairs[i] = ms[i + 1].entries[_best(ms[i + 1])]
    _list_boost(doc, ms, boost)
    # Focus from a first pass: confident mentions vote for their country. The votes of a mention's
    # own name do not count for it ("Georgia ... Atlanta": Atlanta's vote, not Georgia's, says which
    # Georgia; "Congo" said three times is one reading, not three).
    keys = [_fold(m.text) for m in ms]
    focus, focus_of = _focus_of(ms, keys)
    # Admin1 areas the mentions of other names sit in ("Seattle ... Washington" -> the state; a
    # name's own readings do not count: "Cornwall" twice is not twice Ontario).
    area_by_key: dict[str, Counter[str]] = {}
    sents = docview.sents(doc)
    sent = [sents.of_token[m.start] for m in ms]
    named_at: dict[str, list[tuple[int, str]]] = {}  # area -> (sentence, name key) where named as an area
    for i, (m, k) in enumerate(zip(ms, keys, strict=True)):
        b = m.entries[_best(m)]
        if b.cls in ("city", "facility") and b.admin1 and _margin(m) >= 1.0:
            # a town read with little doubt: a pick among namesakes says nothing of the area
            area_by_key.setdefault(k, Counter())[b.admin1] += 1
        elif b.cls == "admin1":
            area_by_key.setdefault(k, Counter())[b.name] += 1
            named_at.setdefault(b.name, []).append((sent[i], k))
    areas: Counter[str] = sum(area_by_key.values(), Counter())
    areas_without = {k: areas - v for k, v in area_by_key.items()}
    areas_of = [areas_without.get(k, areas) for k in keys]
    for i, m in enumerate(ms[:-1]):
        # "Washington, Pennsylvania": the pair already reads the area named after it; its vote would
        # count that area twice
        if m.within != "pair":
            continue
        y = ms[i + 1].entries[_best(ms[i + 1])]
        a = y.name if y.cls == "admin1" else y.admin1 if y.cls in ("city", "facility") else None
        if a and areas_of[i][a]:
            areas_of[i] = areas_of[i] - Counter({a: 1})
    sents_of: dict[str, list[int]] = {}
    for k, t in zip(keys, sent, strict=True):
        sents_of.setdefault(k, []).append(t)

    def named_near(i: int, area: str) -> bool:
        """Whether another name reads as `area` itself in or just before a sentence of this name."""
        return any(
            0 <= t - s <= AREA_NAMED_BEFORE
            for s, k in named_at.get(area, ())
            if k != keys[i]
            for t in sents_of[keys[i]]
        )

    _score_all(ms, focus_of, pairs, areas_of, boost, named_near)
    named: set[str] = set()
    if any(m.tail for m in ms):
        _, focus_of = _focus_of(ms, keys)  # what the article is about, as finally read
        named = {m.entries[_best(m)].gid for m in ms if not m.tail}
    out = []
    for i, m in enumerate(ms):
        b = _best(m)
        if m.tail:
            # A piece of a longer name ("West Midlands", "Goz Beida") names that place only if it fits
            # the article: a wrong far-away namesake is worse than no answer.
            x = m.entries[b]
            if x.gid not in named and not _fits(x, focus_of[i], m.tail):
                continue
        e = m.entries[b]
        conf = round(1 / (1 + math.exp(-_margin(m))), 3)
        rule = m.rule + ("+pair" if i in pairs else "") + ("+focus" if focus.get(e.country or "", 0) else "")
        ref = PlaceRef(
            text=m.text,
            name=e.name,
            country=e.country,
            admin1=e.admin1,
            lat=e.lat,
            lon=e.lon,
            precision=PRECISION[e.cls],
            gazetteer_id=e.gid,
            geonames_id=e.geonames_id,
            icao=e.icao,
            start=m.char_start,
            end=m.char_end,
            score=conf,
            method=f"{METHOD}:{rule}",
        )
        if keep is None:
            out.append(ref)
        elif id(m) in keep:
            out.append((id(m), ref))
    return out


@functools.cache
def place_words() -> dict[str, str]:
    """word -> kind (site | event | part) from data/place_words.tsv: nouns that make the name next to
    them a place ("the village of X", "X district", "the Manbij campaign", "the outskirts of X")."""
    text = importlib.resources.files("sitroom.resolve.gazetteer").joinpath("data/place_words.tsv")
    lines = [ln for ln in text.read_text("utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return {r["word"]: r["kind"] for r in csv.DictReader(lines, delimiter="\t")}


def where_noun(t: Token) -> bool:
    return t.lemma_.lower() in place_words() or t.lower_ in place_words()


def adjectival(doc: Doc, p: PlaceRef) -> bool:
    """ "the Niger government", "Niger's junta": the place names an actor, not where things happen.
    A name that modifies a word for a site ("the Aziziyah district", "Syria's Aleppo province") is
    still the place."""
    if p.start is None or p.end is None:
        return _adjectival(doc, p)
    # asked again for each event of the place's sentence: answered once per mention of a doc
    memo = doc.user_data.get("sitroom.adjectival")
    if not isinstance(memo, dict):
        memo = doc.user_data["sitroom.adjectival"] = {}
    key = f"{p.start}:{p.end}"  # a text key: a serialised doc keeps its user data
    got = memo.get(key)
    if got is None:
        got = memo[key] = _adjectival(doc, p)
    return got


def _adjectival(doc: Doc, p: PlaceRef) -> bool:
    sp = doc.char_span(p.start, p.end, alignment_mode="expand")
    if sp is None:
        return False
    root = sp.root
    nxt = doc[sp.end] if sp.end < len(doc) else None
    head = None
    if root.dep_ in ("compound", "amod", "nmod", "poss") and root.head.i >= sp.end:
        head = root.head
    elif nxt is not None and (nxt.text in ("'s", "’s") or (nxt.text == "s" and nxt.idx > sp.end_char)):
        head = nxt.head  # "Syria   s": text whose apostrophes were lost
    if head is None:
        return False
    if not where_noun(head):
        return True
    # "Kabul's district of Karte Se", "the Mali capital Bamako": the named part is the place.
    return any(
        (c.dep_ == "prep" and c.lower_ == "of" and any(is_name_token(o) for o in c.children))
        or (c.dep_ in ("appos", "compound") and c.i > head.i and is_name_token(c))
        or (c.dep_ in ("compound", "amod") and sp.end <= c.i < head.i and is_name_token(c))
        for c in head.children
    )


__all__ = ["METHOD", "PRECISION", "article_focus", "find_places", "resolve_spans"]
