"""Name keys: the one folding used both when the index is built and when text is looked up.

Case and diacritics fold away, punctuation that varies between spellings goes ("Al-Bayaa" =
"Al Bayaa", "St. Louis" = "Saint Louis"), and a leading "the" is dropped ("the Gambia").
"""

from __future__ import annotations

import re
import unicodedata

# Abbreviations that stand for a whole word at the start of or inside a place name.
_WORDS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "point"}
_DROP = re.compile(r"[.'’‘`´ʻʼ\"]")
_SPACE = re.compile(r"[\s\-‐‑–—_/,()]+")
_LETTER = re.compile(r"[a-z]")
_SPECIAL = str.maketrans({"ß": "ss", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i"})


# Anything outside Latin letters, Latin punctuation and spacing: the name is in another script.
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2010-\u201f\u02b0-\u02ff\u0300-\u036f]")


def fold(name: str) -> str:
    """The lookup key of a name: lower case ASCII-ish words separated by one space."""
    if name.isascii():
        s = name.lower()
    else:
        s = unicodedata.normalize("NFKD", name.translate(_SPECIAL))
        s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = _SPACE.sub(" ", _DROP.sub("", s)).strip()
    words = [_WORDS.get(w, w) for w in s.split(" ")]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def latin_script(name: str) -> bool:
    """True when a raw name is written in Latin letters (checked before folding, which is dearer)."""
    return _NON_LATIN.search(name) is None


def is_latin(key: str) -> bool:
    """True when a folded key is written in Latin letters (other scripts never occur in English text)."""
    return key.isascii() and _LETTER.search(key) is not None
