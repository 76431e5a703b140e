"""A faster, exact stand-in for the pipeline's attribute ruler and rule lemmatizer."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from sitroom.nlp import steps

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def index_as_sets(nlp: Language) -> None:
    """The rule lemmatizer's word index as sets. `Lemmatizer.rule_lemmatize` only asks `form in
    index[pos]`, but the shipped tables hold lists (57,528 nouns), so every form it has not seen scans
    them: ~100 us a word, 2.5 CPU-s over the first 626 dev articles. Sets answer the same."""
    if "lemmatizer" not in nlp.component_names:
        return
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, AttributeError):
        return
    for pos in list(table):
        if isinstance(table[pos], list):
            table[pos] = frozenset(table[pos])


def pipe(nlp: Language, docs: Sequence[Doc], fast: FastTail | None, *, batch_size: int) -> Iterator[Doc]:
    """The pipeline over `docs` (parser and NER stepped), with `fast` in place of the attribute ruler
    and lemmatizer when the pipeline has one that fits (same annotations)."""
    if fast is None:
        return iter(steps.pipe(nlp, docs, batch_size=batch_size))
    return map(fast, steps.pipe(nlp, docs, batch_size=batch_size, disable=fast.after()))


class FastTail:
    """The pipeline's `attribute_ruler` and rule `lemmatizer` with the same output, at a fraction of
    the cost (together ~20% of a full parse, mostly per-token Python and Matcher work).

    The ruler's output for a token depends only on (lower form if a pattern names it, tag, dep, is
    space) unless a multi-token or regex pattern matches over it. Those patterns are checked here
    (their predicates only test LOWER, TAG, DEP and IS_SPACE, each known per token); the tokens of a
    match, and keys not seen yet, go through the real ruler on a window around them, whose results
    fill the cache. The lemmatizer is memoised on (orth, pos, morph), the key spaCy's own cache uses.
    `FastTail.of(nlp)` is None for pipelines this does not fit (other keys or operators, or a
    component after the lemmatizer that may read lemmas): the real components then run."""

    _KEYS = frozenset({"TAG", "LOWER", "DEP", "IS_SPACE"})

    def __init__(self, nlp: Language, lowers: frozenset[str], special: list[list[dict]]) -> None:
        self.nlp = nlp
        self.ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        self.lowers = lowers  # lower forms that single-token patterns name
        self.special = special  # multi-token and regex patterns: where they match, the slow path
        self.margin = max((len(p) for p in special), default=1)  # window context on each side
        self.rules: dict[tuple, tuple[int, int, int]] = {}
        self.lemmas: dict[tuple[int, int, int], int] = {}
        strings = nlp.vocab.strings
        self._lower_ids = frozenset(strings.add(w) for w in lowers)
        # (pattern, slot) pairs a token fits, in two small caches: slots whose LOWER test passes, per
        # lower form (their other tests per token key), and slots with no LOWER test, per (tag, dep, space)
        self._by_lower: dict[int, tuple[tuple[int, int], ...]] = {}
        self._by_rest: dict[tuple, tuple[tuple[int, int], ...]] = {}
        self._rest_ok: dict[tuple, bool] = {}

    @staticmethod
    def of(nlp: Language) -> FastTail | None:
        names = nlp.pipe_names
        if "attribute_ruler" not in names or "lemmatizer" not in names:
            return None
        lem = nlp.get_pipe("lemmatizer")
        if getattr(lem, "mode", "") != "rule" or getattr(lem, "overwrite", True):
            return None
        if names.index("attribute_ruler") > names.index("lemmatizer"):
            return None
        if set(names[names.index("attribute_ruler") :]) - {"attribute_ruler", "lemmatizer", "ner"}:
            return None  # the tail runs last: nothing else may read POS or lemmas before it
        lowers: set[str] = set()
        special: list[list[dict]] = []
        for p in nlp.get_pipe("attribute_ruler").patterns:
            for pattern in p["patterns"]:
                if isinstance(pattern, str):
                    return None  # a phrase pattern
                regex = False
                for tok in pattern:
                    if not set(tok) <= FastTail._KEYS:
                        return None  # operators ("OP") or other attributes
                    for want in tok.values():
                        if isinstance(want, dict):
                            if set(want) - {"IN", "NOT_IN", "REGEX"}:
                                return None
                            regex = regex or "REGEX" in want
                if len(pattern) > 1 or regex:
                    special.append([dict(t) for t in pattern])
                    continue
                low = pattern[0].get("LOWER") if pattern else None
                if isinstance(low, dict):
                    if "NOT_IN" in low:
                        return None  # names every other word: no cache key can tell
                    lowers.update(w.lower() for w in low.get("IN", []))
                elif isinstance(low, str):
                    lowers.add(low.lower())
        return FastTail(nlp, frozenset(lowers), special)

    def after(self) -> list[str]:
        """The components this replaces, to disable in `nlp.pipe`."""
        return ["attribute_ruler", "lemmatizer"]

    def __call__(self, doc: Doc) -> Doc:
        import numpy as np
        from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG

        n = len(doc)
        if n == 0:
            return doc
        cols = doc.to_array([LOWER, TAG, DEP, IS_SPACE, ORTH]).tolist()
        lowers = self._lower_ids
        keys = [(c[0] if c[0] in lowers else 0, c[1], c[2], c[3]) for c in cols]
        exact = self._matched(cols) if self.special else [False] * n
        rules = self.rules
        vals: list = [None] * n
        todo = []
        for i, k in enumerate(keys):
            if exact[i] or (v := rules.get(k)) is None:
                todo.append(i)
            else:
                vals[i] = v
        # the real ruler on windows around what the cache cannot tell: a window holds every match
        # over its tokens (patterns span <= margin tokens), so its results are those of the doc
        pending = iter(todo)
        j = next(pending, None)
        for a, b in _segments(todo, n, self.margin):
            sub = self.ruler(self._window(doc, a, b)).to_array([POS, MORPH, LEMMA]).tolist()
            while j is not None and j < b:
                vals[j] = tuple(sub[j - a])
                if not exact[j]:
                    rules[keys[j]] = vals[j]
                j = next(pending, None)
        lemma_of = self.lemmas
        out = []
        for c, (pos, morph, lemma) in zip(cols, vals, strict=True):
            if lemma == 0:
                k = (c[4], pos, morph)
                lemma = lemma_of.get(k, 0)
                if lemma == 0:
                    lemma = -1  # computed below with the real lemmatizer
            out.append((pos, morph, lemma))
        missing = [i for i, v in enumerate(out) if v[2] == -1]
        if missing:
            doc.from_array([POS, MORPH], np.array([v[:2] for v in out], dtype="uint64"))
            for i in missing:
                t = doc[i]
                k = (cols[i][4], out[i][0], out[i][1])
                lemma_of[k] = self.nlp.vocab.strings.add(self.lemmatizer.lemmatize(t)[0])
                out[i] = (out[i][0], out[i][1], lemma_of[k])
        doc.from_array([POS, MORPH, LEMMA], np.array(out, dtype="uint64"))
        return doc

    def _matched(self, cols: list[list[int]]) -> list[bool]:
        """Tokens inside a match of a multi-token or regex pattern (their rule output may differ
        from that of another token with the same key)."""
        n = len(cols)
        by_lower, by_rest = self._by_lower, self._by_rest
        fit: list[tuple[tuple[int, int], ...]] = []
        for c in cols:
            low = by_lower.get(c[0])
            if low is None:
                low = self._lower_slots(c[0])
            free = by_rest.get((c[1], c[2], c[3]))
            if free is None:
                free = self._free_slots(c[1], c[2], c[3])
            if low:
                low = tuple(ps for ps in low if self._rest(ps, c[1], c[2], c[3]))
                fit.append(free + low)
            else:
                fit.append(free)
        exact = [False] * n
        for i, f in enumerate(fit):
            for p, s in f:
                if s != 0:
                    continue
                size = len(self.special[p])
                if i + size <= n and all((p, k) in fit[i + k] for k in range(1, size)):
                    for k in range(i, i + size):
                        exact[k] = True
        return exact

    def _lower_slots(self, lower: int) -> tuple[tuple[int, int], ...]:
        """Slots with a LOWER test that this lower form passes."""
        text = self.nlp.vocab.strings[lower]
        out = tuple(
            (p, s)
            for p, pattern in enumerate(self.special)
            for s, tok in enumerate(pattern)
            if "LOWER" in tok and _test(tok["LOWER"], text)
        )
        if len(self._by_lower) < 1_000_000:
            self._by_lower[lower] = out
        return out

    def _free_slots(self, tag: int, dep: int, space: int) -> tuple[tuple[int, int], ...]:
        """Slots with no LOWER test that a token with this tag, dep and is-space passes."""
        out = tuple(
            (p, s)
            for p, pattern in enumerate(self.special)
            for s, tok in enumerate(pattern)
            if "LOWER" not in tok and self._rest((p, s), tag, dep, space)
        )
        self._by_rest[(tag, dep, space)] = out
        return out

    def _rest(self, slot: tuple[int, int], tag: int, dep: int, space: int) -> bool:
        """Does a token with this tag, dep and is-space pass the slot's tests other than LOWER?"""
        key = (slot, tag, dep, space)
        got = self._rest_ok.get(key)
        if got is None:
            strings = self.nlp.vocab.strings
            have = {"TAG": strings[tag], "DEP": strings[dep], "IS_SPACE": bool(space)}
            tok = self.special[slot[0]][slot[1]]
            got = all(_test(want, have[name]) for name, want in tok.items() if name != "LOWER")
            self._rest_ok[key] = got
        return got

    def _window(self, doc: Doc, a: int, b: int) -> Doc:
        """Tokens [a, b) with their tags and dependency labels (heads are not part of any pattern)."""
        from spacy.attrs import DEP, TAG
        from spacy.tokens import Doc

        span = doc[a:b]
        w = Doc(doc.vocab, words=[t.text for t in span], spaces=[bool(t.whitespace_) for t in span])
        w.from_array([TAG, DEP], span.to_array([TAG, DEP]))
        return w


def _test(want: object, have: object) -> bool:
    """One Matcher token test: a value, or a dict of IN / NOT_IN / REGEX (all must hold)."""
    import re

    if not isinstance(want, dict):
        return have == want
    if "IN" in want and have not in want["IN"]:
        return False
    if "NOT_IN" in want and have in want["NOT_IN"]:
        return False
    return not ("REGEX" in want and not re.search(want["REGEX"], str(have)))


def _segments(idx: list[int], n: int, margin: int = 2) -> list[tuple[int, int]]:
    """Windows [a, b) holding each index with `margin - 1` tokens of context on each side, merged."""
    out: list[tuple[int, int]] = []
    for i in idx:
        a, b = max(0, i - margin + 1), min(n, i + margin)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out
