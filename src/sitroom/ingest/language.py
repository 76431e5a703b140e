"""Which language an article is in. The pipeline codes English only: anything else is skipped with a
Failure (E_LANGUAGE) instead of being run through an English model and mis-coded.

py3langid (langid.py's naive Bayes model, shipped in the wheel, offline): ~1 s to load once per process,
~2 ms per article on its first `SAMPLE` characters. Short or mixed texts stay English unless the
model is sure: a skipped article is lost to the user, a mis-detected one only costs a parse.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

E_LANGUAGE = "E_LANGUAGE"
SAMPLE = 3000  # characters looked at: enough for a sure answer, bounded time
MIN_LETTERS = 40  # fewer letters than this: too little to tell, taken as English
MIN_CONFIDENCE = 0.9
ENGLISH = "en"
# English's commonest function words, none of them a common word of another language written in Latin
# letters: where they make up PLAIN_SHARE of a sample's words the text is English whatever else it
# holds, and the model (2 ms an article, 5% of a cascade worker's time) need not look at it. On the
# dev sets' English texts of 40+ words 93% pass; our Dutch, Polish, Italian, French, German and
# Spanish samples score 0.
_FUNCTION_WORDS = frozenset(
    "the of and that for with from said has have were which this their been".split()  # noqa: SIM905
)
_WORD = re.compile(r"[A-Za-z]+")
PLAIN_SAMPLE = 1500  # characters
PLAIN_MIN_WORDS = 40
PLAIN_SHARE = 0.12


@dataclass(frozen=True, slots=True)
class Detected:
    language: str  # ISO 639-1 code, e.g. "fr"
    confidence: float  # the model's probability, 0..1
    sure: bool  # enough text and confidence to act on


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> Detected:
    """The language of `text` (its first SAMPLE characters)."""
    sample = text[:SAMPLE]
    letters = sum(1 for c in sample if c.isalpha())
    lang, conf = _identifier().classify(sample)
    sure = letters >= MIN_LETTERS and conf >= MIN_CONFIDENCE
    return Detected(language=str(lang), confidence=float(conf), sure=sure)


def plainly_english(text: str) -> bool:
    """Is the start of `text` English beyond doubt (function words alone tell, no model needed)?"""
    words = _WORD.findall(text, 0, PLAIN_SAMPLE)
    if len(words) < PLAIN_MIN_WORDS:
        return False
    return sum(w.lower() in _FUNCTION_WORDS for w in words) >= PLAIN_SHARE * len(words)


def foreign(text: str) -> Detected | None:
    """The detected language when the text is surely not English, else None."""
    if plainly_english(text):
        return None
    got = detect(text)
    return got if got.sure and got.language != ENGLISH else None
