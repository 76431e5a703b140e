"""A faster, exact stand-in for the pipeline's attribute ruler and rule lemmatizer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


class FastTail:
    """The pipeline's `attribute_ruler` and rule `lemmatizer` with the same output, at a fraction of
    the cost (together ~20% of a full parse, mostly per-token Python and Matcher work).

    The ruler's output for a token depends only on (lower form if a pattern names it, tag, dep, is
    space) unless a multi-token or regex pattern can reach it. Tokens in reach of one, and keys not
    seen yet, go through the real ruler on a window of a few tokens (the patterns span two), whose
    results fill the cache. The lemmatizer is memoised on (orth, pos, morph), the key spaCy's own
    cache uses. `FastTail.of(nlp)` is None for pipelines this does not fit (other patterns, or a
    component after the lemmatizer that may read lemmas): the real components then run."""

    _KEYS = frozenset({"TAG", "LOWER", "DEP", "IS_SPACE"})

    def __init__(self, nlp: Language, lowers: frozenset[str], special: frozenset[str], regex: str) -> None:
        import re

        self.nlp = nlp
        self.regex = re.compile(regex).search if regex else None  # any regex pattern: slow path
        self.ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        self.lowers = lowers  # lower forms that single-token patterns name
        self.special = special  # lower forms in multi-token or regex patterns: slow path
        self.rules: dict[tuple, tuple[int, int, int]] = {}
        self.lemmas: dict[tuple[int, int, int], int] = {}
        strings = nlp.vocab.strings
        self._lower_ids = frozenset(strings.add(w) for w in lowers)
        self._special_ids: dict[int, bool] = {}

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
        special: set[str] = set()
        regexes: list[str] = []
        for p in nlp.get_pipe("attribute_ruler").patterns:
            for pattern in p["patterns"]:
                for tok in pattern:
                    if not set(tok) <= FastTail._KEYS:
                        return None
                    low = tok.get("LOWER")
                    words = [low] if isinstance(low, str) else list(low.get("IN", [])) if low else []
                    if isinstance(low, dict):
                        if set(low) - {"IN", "REGEX"}:
                            return None
                        if "REGEX" in low:
                            regexes.append(low["REGEX"])
                    (special if len(pattern) > 1 else lowers).update(w.lower() for w in words)
        return FastTail(nlp, frozenset(lowers), frozenset(special), "|".join(f"(?:{r})" for r in regexes))

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
        flag = self._flag
        near = [i for i, c in enumerate(cols) if flag(c[0])]
        lowers = self._lower_ids
        keys = [(c[0] if c[0] in lowers else 0, c[1], c[2], c[3]) for c in cols]
        rules = self.rules
        vals: list = [None] * n
        exact = [False] * n  # in reach of a multi-token pattern: never from (or into) the cache
        for i in near:
            for j in range(max(0, i - 1), min(n, i + 2)):
                exact[j] = True
        todo = []
        for i, k in enumerate(keys):
            if exact[i] or (v := rules.get(k)) is None:
                todo.append(i)
            else:
                vals[i] = v
        # the real ruler on windows around what the cache cannot tell: patterns span <= 2 tokens, so
        # a token with one neighbour on each side (or the doc's edge) inside the window is exact
        pending = iter(todo)
        j = next(pending, None)
        for a, b in _segments(todo, n):
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

    def _window(self, doc: Doc, a: int, b: int) -> Doc:
        """Tokens [a, b) with their tags and dependency labels (heads are not part of any pattern)."""
        from spacy.attrs import DEP, TAG
        from spacy.tokens import Doc

        span = doc[a:b]
        w = Doc(doc.vocab, words=[t.text for t in span], spaces=[bool(t.whitespace_) for t in span])
        w.from_array([TAG, DEP], span.to_array([TAG, DEP]))
        return w

    def _flag(self, lower: int) -> bool:
        """Is this lower form named by a multi-token or regex pattern (cached per form)?"""
        got = self._special_ids.get(lower)
        if got is None:
            text = self.nlp.vocab.strings[lower]
            got = text in self.special or (self.regex is not None and bool(self.regex(text)))
            self._special_ids[lower] = got
        return got


def _segments(idx: list[int], n: int) -> list[tuple[int, int]]:
    """Windows [a, b) holding each index with one token of context on each side, merged."""
    out: list[tuple[int, int]] = []
    for i in idx:
        a, b = max(0, i - 1), min(n, i + 2)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out
