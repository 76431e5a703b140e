"""Cheap features of one stored article, computed from its text alone (no spaCy): content terms,
names, numbers, quotes, agency credits, sentence term sets and word shingles.

They serve two jobs: story similarity (what the article reports) and provenance (how its text
relates to an earlier one). Everything is deterministic across processes (no `hash()` of str).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

import numpy as np

from sitroom.link.families import shingle_hashes

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# A number not glued to a word or a dot: "1,000", "2.5", "17". The look-behind sits after the first
# digit so that the pattern starts with a digit, which lets the regex engine skip to digits quickly.
_NUMBER = re.compile(r"\d(?<![\w.]\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)")
_SENT = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+|\n+")
_QUOTE = re.compile(r"[\"“]([^\"“”]{12,400})[\"”]")
NAME_BOOST = 4.0  # names tell events apart better than common words
SHINGLE = 4  # words per shingle: short enough that a light edit keeps most shingles
LEAD_SENTENCES = 4  # the title and lead: who a report is about is named here
LEAD_WEIGHT = 3.0  # a mention in the lead counts this many times one further down
MIN_PROMINENCE = 5.0  # a principal person is named in the lead and again, or often further down
DOMINANCE = 2.0  # ... and outweighs the next person this many times
_CAP = re.compile(r"[A-Z][a-z]+(?:['’-][A-Za-z][a-z]+)*")


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Features:
    article_id: str
    day: date | None  # publication day, when known
    terms: dict[str, float]  # term → raw weight (log tf, names boosted); IDF is applied later
    keys: tuple[str, ...]  # candidate blocking keys (names, places), most telling first
    numbers: frozenset[str]
    quotes: tuple[frozenset[str], ...]  # word sets of quoted passages
    credits: frozenset[str]  # agencies credited in the text ("told Reuters" → "Reuters")
    text: str  # the article's text: `sentence_sets` of it when provenance needs them (as sets they
    # were half the features' memory, and only articles in stories of several reports use them)
    shingles: np.ndarray  # hashes of the word SHINGLE-grams of the whole text, lower case (`shingle_hashes`)
    persons: dict[str, float] = field(default_factory=dict)  # surname → share of prominence (sums to 1)

    def __eq__(self, other: object) -> bool:  # field by field, the shingle array by value
        if not isinstance(other, Features):
            return NotImplemented
        pairs = ((getattr(self, k), getattr(other, k)) for k in self.__slots__)
        return all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b for a, b in pairs)


@functools.cache
def stopwords() -> frozenset[str]:
    text = resources.files("sitroom.link").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if (w := line.strip()) and not w.startswith("#"))


@functools.cache
def agency_aliases() -> dict[str, str]:
    """Alias as written → canonical agency name; the table is shared with `extract`'s attribution."""
    path = resources.files("sitroom").joinpath("extract/data/agencies.tsv")
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("name\t"):
            continue
        name, aliases = line.split("\t")[:2]
        for a in aliases.split("|"):
            out[a.strip()] = name.strip()
    return out


@functools.cache
def _credit_re() -> re.Pattern[str]:
    alias = "|".join(sorted((re.escape(a) for a in agency_aliases()), key=len, reverse=True))
    a = rf"(?:the\s+)?(?P<a>{alias})\b"
    b = rf"(?P<b>{alias})\b"
    told = (
        r"(?:told|tells|telling|said\s+to|according\s+to|reported\s+by|cited\s+by|quoted\s+by|"
        r"speaking\s+to|spoke\s+to|in\s+an\s+interview\s+with|interviewed\s+by|confirmed\s+to|"
        r"seen\s+by|obtained\s+by|reviewed\s+by|reporting\s+by|via)"
    )
    verb = (
        r"(?:\s+news\s+agency)?(?:\s+has|\s+had|\s+was)?\s+(?:reported|reports|reporting|said|says|"
        r"learned|learnt|understands|revealed|first\s+reported|quoted|cited|wrote|published)"
    )
    # "told Reuters", "Reuters reported", "(AP)", "— AFP" at a line end, "a Reuters report"
    return re.compile(
        rf"\b{told}\s+{a}|\b{b}{verb}|\(\s*(?P<c>{alias})\s*\)|[-–—]\s*(?P<e>{alias})\s*$|\ban?\s+(?P<d>{alias})\s+"
        r"(?:report|exclusive|investigation|story|tally|count|reporter|correspondent)",
        re.MULTILINE,
    )


@functools.cache
def _any_alias_re() -> re.Pattern[str]:
    return re.compile("|".join(sorted((re.escape(a) for a in agency_aliases()), key=len, reverse=True)))


def credits_in(text: str) -> frozenset[str]:
    """Agencies the text credits as a source of its report."""
    # Every credit names an alias: one quick scan for any alias spares the full pattern most texts.
    if _any_alias_re().search(text) is None:
        return frozenset()
    aliases = agency_aliases()
    out = set()
    for m in _credit_re().finditer(text):
        alias = next(g for g in m.groups() if g)
        out.add(aliases[alias])
    return frozenset(out)


def _norm_number(s: str) -> str:
    s = s.replace(",", "")
    return s[:-2] if s.endswith(".0") else s


_TOKEN_CACHE_MAX = 100_000  # distinct tokens kept (~20 MB at most); a day of news has fewer


class _Tokens(dict[str, tuple[str, str, str, str]]):
    """Token as written → (its lower-cased form; that form when it is a content word, else ""; ... when
    it also reads as a name inside a sentence (capitalised or an acronym), else ""; ... when it reads
    as a name at a sentence start (an acronym), else ""). Words recur across articles: each token is
    looked at once."""

    def __missing__(self, tok: str) -> tuple[str, str, str, str]:
        if len(self) >= _TOKEN_CACHE_MAX:  # a long-lived process meets ever new words: bound the memory
            self.clear()
        low = tok.lower().replace("’", "'")
        content = "" if low in stopwords() or len(low) < 2 or low.isdigit() else low
        acronym = len(tok) > 1 and tok.isupper()
        info = (low, content, content if tok[0].isupper() or acronym else "", content if acronym else "")
        self[tok] = info
        return info


@functools.cache
def _tokens() -> _Tokens:
    return _Tokens()


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.split(text) if s and s.strip()]


def sentence_sets(text: str) -> tuple[frozenset[str], ...]:
    """The content words of each sentence, in order (the words `features` weighs as terms)."""
    info = _tokens().__getitem__
    return tuple(frozenset(c for t in _WORD.findall(sent) if (c := info(t)[1])) for sent in sentences(text))


def persons_in(text: str, known: tuple[str, ...] = (), others: tuple[str, ...] = ()) -> dict[str, float]:
    """Who the report is about: surname → share of prominence. A person is a name that is written out
    in full once ("Vincent Jackson") and then by its last word alone ("Jackson"), the way news
    refers to people; `known` adds person names the extractor found, `others` are names of places,
    states and groups it found (their words are no surnames: "Indian Navy", "Navy"). Lead mentions
    weigh more, so a report's subject outweighs people it recalls in the background. Empty when
    nobody clearly leads the report."""
    return _persons(text, sentences(text), _WORD.findall(text), known, others)


def _persons(
    text: str, sents: list[str], tokens: list[str], known: tuple[str, ...], others: tuple[str, ...]
) -> dict[str, float]:
    """`persons_in` on the text's sentences and its `_WORD` tokens (`features` has both already)."""
    stop = stopwords()
    runs: list[tuple[int, list[str]]] = []  # (sentence index, capitalised words written in a row)
    for si, sent in enumerate(sents):
        run: list[str] = []
        end = -1
        for m in _CAP.finditer(sent):
            w = m.group()
            if w.lower() in stop:
                if run:
                    runs.append((si, run))
                run, end = [], -1
                continue
            start = m.start()
            if run and start == end + 1 and sent[end].isspace():  # one white space since the last word
                run.append(w)
            else:
                if run:
                    runs.append((si, run))
                run = [w]
            end = m.end()
        if run:
            runs.append((si, run))
    full = {r[-1].lower() for _, r in runs if 2 <= len(r) <= 3}
    alone = {r[0].lower() for _, r in runs if len(r) == 1}
    # A head word also written in lower case ("Navy", "Union", a title-case headline) is no name.
    # Lines that hold a web address (its slug is lower case) do not count.
    if "http" not in text and "www" not in text:
        lower = {w for w in tokens if w.islower()}  # no line dropped: the tokens of the whole text
    else:
        prose = "\n".join(ln for ln in text.splitlines() if "http" not in ln and "www" not in ln)
        lower = {w for w in _WORD.findall(prose) if w.islower()}
    not_people = lower | {w.lower() for o in others for w in _WORD.findall(o)}
    people = ((full & alone) - not_people) | {k.split()[-1].lower() for k in known if len(k.split()) >= 2}
    weight: dict[str, float] = {}
    for si, r in runs:
        last = r[-1].lower()
        if last in people and len(r) <= 3:
            weight[last] = weight.get(last, 0.0) + (LEAD_WEIGHT if si < LEAD_SENTENCES else 1.0)
    ranked = sorted(weight.values(), reverse=True) + [0.0]
    if ranked[0] < MIN_PROMINENCE or ranked[0] < DOMINANCE * ranked[1]:
        return {}  # nobody clearly leads the report: no opinion on who it is about
    total = sum(weight.values())
    return {k: v / total for k, v in weight.items()}


def features(
    article_id: str,
    text: str,
    *,
    day: date | None = None,
    places: tuple[str, ...] = (),
    actors: tuple[str, ...] = (),
    event_types: tuple[str, ...] = (),
    people: tuple[str, ...] = (),
    non_people: tuple[str, ...] = (),
) -> Features:
    """Features of one article. `places` are gazetteer ids, `actors` actor names or ids, `event_types`
    PLOVER types of its events: the stored mentions join the text terms with a prefix. `people` are
    person names the extractor found, `non_people` its place and group names (they help tell who the
    report is about)."""
    sents = sentences(text)
    # The sentences' tokens in a row are the text's tokens (no token spans a sentence break), so the
    # text is tokenised once for terms, shingles and persons.
    tokens: list[str] = []
    low_words: list[str] = []  # = words(text)
    content_words: list[str] = []
    name_words: list[str] = []
    info = _tokens().__getitem__
    for sent in sents:
        toks = _WORD.findall(sent)
        tokens += toks
        infos = list(map(info, toks))
        low_words += [x[0] for x in infos]
        content = [x[1] for x in infos if x[1]]
        content_words += content
        # A capitalised word inside a sentence (or an acronym anywhere) is probably a name.
        if infos and infos[0][3]:
            name_words.append(infos[0][3])
        name_words += [x[2] for x in infos[1:] if x[2]]
    tf = Counter(content_words)  # in order of first use, like the terms built from it
    names = Counter(name_words)
    numbers = _numbers(text)
    terms: dict[str, float] = {}
    for t, n in tf.items():
        w = 1.0 + math.log(n)
        if t in names and names[t] * 2 >= n:  # mostly written as a name
            w *= NAME_BOOST
        terms[t] = w
    # Sorted, not set order: the terms' order sets the order of the float sums over them (norms,
    # centroids), and a set's order changes with PYTHONHASHSEED from one run to the next.
    for n in sorted(numbers):
        terms["#" + n] = 1.0
    for p in sorted(set(places)):
        terms["p:" + p] = 2.0
    for a in sorted(set(actors)):
        terms["a:" + a.lower()] = 1.5
    for e in sorted(set(event_types)):
        terms["e:" + e] = 0.5
    ranked_names = sorted(names, key=lambda t: (-names[t], t))
    keys = tuple(["p:" + p for p in sorted(set(places))] + ranked_names)
    return Features(
        article_id=article_id,
        day=day,
        terms=terms,
        keys=keys,
        numbers=numbers,
        quotes=_quotes(text),
        credits=credits_in(text),
        text=text,
        shingles=_shingles(low_words),
        persons=_persons(text, sents, tokens, people, non_people),
    )


def provenance_features(article_id: str, text: str) -> Features:
    """What copy detection and provenance read of an article (shingles, numbers, quotes, credits and
    its text), the same as `features` gives, without what only story similarity reads (terms, keys,
    persons: empty here), at a third of its cost. Saved with each linked article (`stored.provenance_of`);
    computed again only for articles linked before the store kept them."""
    return Features(
        article_id=article_id,
        day=None,
        terms={},
        keys=(),
        numbers=_numbers(text),
        quotes=_quotes(text),
        credits=credits_in(text),
        text=text,
        shingles=_shingles(words(text)),  # the sentences' tokens in a row are the text's tokens
    )


def _numbers(text: str) -> frozenset[str]:
    return frozenset(
        n for n in (_norm_number(m) for m in _NUMBER.findall(text)) if not (len(n) == 1 and n in "0123456789")
    )


def _quotes(text: str) -> tuple[frozenset[str], ...]:
    stop = stopwords()
    return tuple(
        frozenset(w for w in words(q) if w not in stop) for q in _QUOTE.findall(text) if len(q.split()) >= 3
    )


def _shingles(low_words: list[str]) -> np.ndarray:
    if len(low_words) >= SHINGLE:
        return shingle_hashes(map(" ".join, zip(*(low_words[k:] for k in range(SHINGLE)), strict=False)))
    return shingle_hashes([" ".join(low_words)])  # a text shorter than one shingle is one shingle


def parse_day(published: str | None) -> date | None:
    """The day of an ISO date or datetime ('2024-05-03T10:00Z' → 2024-05-03); None when absent or bad."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None
