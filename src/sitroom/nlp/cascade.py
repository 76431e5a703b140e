"""A cascade in front of the full parse: only sentences that can hold an event get tagged, parsed and
NER-labelled.

Cheap passes first: the tokenizer and spaCy's rule-based sentence splitter (`Sentencizer`, end
punctuation) with the full pipeline's own rule that a line break ends a sentence; the model's
statistical `senter` costs ~4x more and keeps about as many events (BENCHMARKS.md). A sentence is kept
when one of its words could be the head word of a row of the trigger lexicon (the extract stage's
data table, read here as data: nlp must not import extract) and the sentence also holds the row's
other words (object, particle, modifiers: "show of force" needs "force"). Runs of kept sentences are
parsed as their own docs and their annotations copied back into the tokenizer's doc of the whole text, so
`doc.text` is the article text and every char offset is unchanged. Tokens of skipped sentences keep
their text (the gazetteer's capitalised n-grams still see them) but carry no tags, lemmas or
entities; each skipped sentence is a flat tree under its first token, so `doc.sents` still splits it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import islice
from typing import TYPE_CHECKING

from sitroom.nlp import blas, tail
from sitroom.nlp.tail import FastTail

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Surface endings → lemma endings: the lemmatizer's own rules and the extract matcher's fallbacks.
# Over-generating keys only keeps more sentences; a missing one would lose an event.
_SUFFIXES = (
    ("ies", "y"),
    ("es", "e"),
    ("es", ""),
    ("s", ""),
    ("ses", "s"),
    ("ves", "f"),
    ("men", "man"),
    ("ied", "y"),
    ("ed", "e"),
    ("ed", ""),
    ("d", ""),
    ("ing", "e"),
    ("ing", ""),
    ("er", ""),
    ("ers", ""),
)
_DOUBLED = frozenset("bdgklmnprtz")  # "stopped" → "stop", "shelling" → "shell"
_PARTICLES = frozenset(["out", "back", "down", "in", "into", "up", "off", "over", "on", "away"])


@functools.cache
def trigger_rows() -> dict[str, tuple[frozenset[str], ...]]:
    """Head word → for each trigger row it heads, the other words the row needs in the sentence (the
    rest of a multi-word pattern, and the particle or preposition that must hang on the verb). The
    head is the word the extract matcher looks up first: the verb of verb patterns and of "X of Y"
    patterns, the head (last) noun of noun patterns. Read from `sitroom.extract`'s data table."""
    text = resources.files("sitroom.extract").joinpath("data", "triggers.tsv").read_text(encoding="utf-8")
    out: dict[str, set[frozenset[str]]] = {}
    rows = [ln.split("\t") for ln in text.splitlines() if ln and not ln.startswith("#")]
    for r in rows[1:]:
        words = r[0].lower().split()
        if not words:
            continue
        pos = r[1] if len(r) > 1 else ""
        particle = r[2].strip().lower() if len(r) > 2 else ""
        of_kind = pos != "VERB" and "of" in words[1:-1]
        k = 0 if pos == "VERB" or of_kind else len(words) - 1
        needs = {w for i, w in enumerate(words) if i != k} | ({particle} if particle else set())
        out.setdefault(words[k], set()).add(frozenset(needs))
    return {h: tuple(sorted(v, key=len)) for h, v in out.items()}


@functools.cache
def trigger_heads() -> frozenset[str]:
    """Words the extract matcher looks up first (see `trigger_rows`)."""
    return frozenset(trigger_rows())


@functools.cache
def _irregular(nlp: Language) -> dict[str, frozenset[str]]:
    """Irregular forms → lemmas from the pipeline's own lemmatizer tables ("fought" → "fight")."""
    out: dict[str, set[str]] = {}
    if "lemmatizer" not in nlp.component_names:
        return {}
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_exc")
    except (KeyError, AttributeError):
        return {}
    for key in table:
        for form, lemmas in table[key].items():
            out.setdefault(form, set()).update(lemmas)
    return {k: frozenset(v) for k, v in out.items()}


def keys(low: str, irregular: dict[str, frozenset[str]] | None = None) -> set[str]:
    """Lemmas a lower-cased word form may have (a superset: rules, not a tagger)."""
    out = {low, low.rstrip("s")}
    if irregular and low in irregular:
        out |= irregular[low]
    for suf, rep in _SUFFIXES:
        if low.endswith(suf) and len(low) > len(suf) + 1:
            stem = low[: -len(suf)]
            out.add(stem + rep)
            if suf in ("ed", "ing", "er", "ers") and len(stem) > 2 and stem[-1] == stem[-2] in _DOUBLED:
                out.add(stem[:-1])
    return out


@dataclass(frozen=True, slots=True)
class Selection:
    """Token ranges [start, end) of the sentences to parse, merged into contiguous runs."""

    runs: tuple[tuple[int, int], ...]
    sentences: int  # sentences in the doc
    kept: int  # sentences kept


_QUOTES = ('"', "'", "“", "‘")


class Sentences:
    """Sentence starts for the selection: spaCy's `Sentencizer`, then a line break ends a sentence (the
    full pipeline's rule, `sitroom.nlp.pipeline.line_breaks`), and a quote glued to the next word
    after end punctuation opens the next sentence (`said. "We` splits before the quote). Both rules
    run on token arrays: a Python loop over every token would cost twice the Sentencizer."""

    def __init__(self) -> None:
        from spacy.pipeline import Sentencizer
        from spacy.strings import hash_string

        self._rules = Sentencizer()
        self._quotes = [hash_string(q) for q in _QUOTES]

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 32) -> Iterator[Doc]:
        for doc in self._rules.pipe(docs, batch_size=batch_size):
            if len(doc) > 1:
                self._refine(doc)
            yield doc

    def _refine(self, doc: Doc) -> None:
        import numpy as np
        from spacy.attrs import IS_PUNCT, IS_SPACE, ORTH, SENT_START, SPACY

        arr = doc.to_array([SENT_START, IS_SPACE, IS_PUNCT, SPACY, ORTH])
        start = arr[:, 0].view("int64").copy()
        # spaCy keeps at most one trailing space on a token: a newline is always in a space token
        space = np.flatnonzero(arr[:-1, 1])
        if len(space):
            strings = doc.vocab.strings
            orths = arr[space, 4].tolist()
            breaks = [k for k, o in zip(space.tolist(), orths, strict=True) if "\n" in strings[o]]
            start[np.array(breaks, dtype="int64") + 1] = 1
        # a quote at q with no space after it, end punctuation and a space before it, a start after it
        quotes = np.isin(arr[:, 4], self._quotes)
        glued = quotes[1:-1] & (arr[1:-1, 3] == 0) & (arr[:-2, 2] == 1) & (arr[:-2, 3] == 1)
        q = np.flatnonzero(glued & (start[2:] == 1)) + 1
        start[q], start[q + 1] = 1, -1
        arr[:, 0] = start.view("uint64")
        doc.from_array([SENT_START], arr[:, :1])


class Cascade:
    """Parse only what can hold an event. `context` extra sentences before each kept one (pronouns
    and relative dates look back), the sentences that start in the first `lead` tokens always
    (headline, dateline and lead name the story's place: without their entities the article focus,
    which places events that name no place of their own, drifts), `max_tokens` caps a run so the
    parser never sees a giant doc."""

    def __init__(
        self,
        nlp: Language,
        *,
        context: int = 0,
        lead: int = 100,
        max_tokens: int = 20_000,
        fast_tail: bool = True,
    ) -> None:
        self.nlp = nlp
        self.context = context
        self.lead = lead
        self.max_tokens = max_tokens
        self.rows = trigger_rows()
        self.heads = frozenset(self.rows)
        self.needed = frozenset(w for rows in self.rows.values() for needs in rows for w in needs)
        self.irregular = _irregular(nlp)
        self._words: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self._split = Sentences()
        self.tail = FastTail.of(nlp) if fast_tail else None
        self.stats = {"sentences": 0, "kept": 0, "tokens": 0, "parsed_tokens": 0}

    def _word(self, low: str) -> tuple[frozenset[str], frozenset[str]]:
        """(trigger heads, other pattern words) this word form may be (cached per form)."""
        got = self._words.get(low)
        if got is None:
            ks = keys(low, self.irregular)
            got = (self.heads.intersection(ks), self.needed.intersection(ks))
            if len(self._words) < 500_000:
                self._words[low] = got
        return got

    def can_hold(self, toks) -> bool:
        """Does some trigger row find its head word and all its other words in these tokens? The
        extract matcher needs them all in one sentence (objects and particles hang on the head,
        modifiers stand next to it), so a sentence with the head alone holds no event of that row."""
        heads: set[str] = set()
        present: set[str] = set()
        rows = self.rows
        for t in toks:
            hs, ws = self._word(t.lower_)
            if ws:
                present.update(ws)
            if hs and t.is_alpha:
                for h in hs:
                    if not rows[h][0]:  # a one-word row: nothing more to find
                        return True
                heads.update(hs)
        return any(needs <= present for h in heads for needs in rows[h])

    def select(self, doc: Doc) -> Selection:
        """Sentences that can hold an event (plus `context` sentences before each, and the lead's)."""
        sents = [(s.start, s.end) for s in doc.sents]
        keep = [False] * len(sents)
        for k, (a, b) in enumerate(sents):
            if a < self.lead or self.can_hold(doc[a:b]):
                for j in range(max(0, k - self.context), k + 1):
                    keep[j] = True
        runs: list[tuple[int, int]] = []
        for k, (a, b) in enumerate(sents):
            if not keep[k]:
                continue
            if runs and runs[-1][1] == a and b - runs[-1][0] <= self.max_tokens:
                runs[-1] = (runs[-1][0], b)
            else:
                runs.append((a, b))
        return Selection(runs=tuple(runs), sentences=len(sents), kept=sum(keep))

    def pipe(self, texts: Iterable[str], *, batch_size: int = 32) -> Iterator[Doc]:
        """Docs over the full texts, fully annotated in the kept sentences only."""
        it = iter(texts)
        while group := list(islice(it, batch_size)):
            yield from self._batch(group, batch_size)

    def _batch(self, texts: list[str], batch_size: int) -> list[Doc]:
        from spacy.tokens import Doc

        nlp = self.nlp
        docs = list(self._split.pipe((nlp.tokenizer(t) for t in texts), batch_size=batch_size))
        selections = [self.select(d) for d in docs]
        pieces = [
            Doc(nlp.vocab, words=[t.text for t in d[a:b]], spaces=[bool(t.whitespace_) for t in d[a:b]])
            for d, sel in zip(docs, selections, strict=True)
            for a, b in sel.runs
        ]
        with blas.one_thread():
            parsed = tail.pipe(nlp, pieces, self.tail, batch_size=batch_size)
        out = []
        for d, sel in zip(docs, selections, strict=True):
            runs = [(a, b, next(parsed)) for a, b in sel.runs]
            out.append(_merge(d, runs))
            self.stats["sentences"] += sel.sentences
            self.stats["kept"] += sel.kept
            self.stats["tokens"] += len(d)
            self.stats["parsed_tokens"] += sum(b - a for a, b, _ in runs)
        return out


_ATTRS = ("TAG", "POS", "MORPH", "LEMMA", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE")
_HEAD, _DEP, _IOB = _ATTRS.index("HEAD"), _ATTRS.index("DEP"), _ATTRS.index("ENT_IOB")


def _merge(doc: Doc, runs: list[tuple[int, int, Doc]]) -> Doc:
    """Copy the parsed runs' annotations into `doc` (the tokenizer's doc of the whole text); tokens
    outside runs become flat sentences under their first token (dep "dep", no tags, no entities)."""
    import numpy as np

    n = len(doc)
    if n == 0:
        return doc
    arr = np.zeros((n, len(_ATTRS)), dtype="uint64")
    covered = np.zeros(n, dtype=bool)
    for a, b, piece in runs:
        arr[a:b] = piece.to_array(list(_ATTRS))
        covered[a:b] = True
    strings = doc.vocab.strings
    flat, root = strings.add("dep"), strings.add("ROOT")
    for s in doc.sents:
        a, b = s.start, s.end
        if covered[a]:
            continue
        # heads are stored relative to the token, as uint64 (negative offsets wrap)
        arr[a:b, _HEAD] = (a - np.arange(a, b, dtype="int64")).view("uint64")
        arr[a:b, _DEP] = flat
        arr[a, _DEP] = root
        arr[a:b, _IOB] = 2  # "O": outside any entity
    doc.from_array(list(_ATTRS), arr)  # sentence starts now follow the heads
    return doc


@functools.cache
def _cascades() -> dict[int, Cascade]:
    return {}


def parse(
    nlp: Language, texts: Iterable[str], *, batch_size: int = 32, max_chars: int = 100_000
) -> Iterator[Doc]:
    """Cascade counterpart of `sitroom.nlp.parse`: same docs in the same order, char offsets into the
    original texts, full annotations on the sentences that can hold an event."""
    cache = _cascades()
    cas = cache.get(id(nlp))
    if cas is None or cas.nlp is not nlp:
        cas = cache[id(nlp)] = Cascade(nlp, max_tokens=max(1000, max_chars // 5))
    yield from cas.pipe(texts, batch_size=batch_size)
