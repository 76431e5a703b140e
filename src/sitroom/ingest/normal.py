"""Text normalisation and the content id. Every char offset downstream refers to `normalise(text)`,
so these rules are part of the id contract: change them and every article id changes."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Every line break Python knows (CRLF first so it counts once) becomes "\n".
_NEWLINES = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_TRAILING = re.compile(r"[ \t\u00a0\u3000]+(?=\n|$)")
_BLANKS = re.compile(r"\n{3,}")  # two or more blank lines → one blank line
_INVISIBLE = re.compile(r"[\ufeff\u200b]")  # BOM and zero-width space: never content
_NBSP = re.compile(r"[\u00a0\u202f]")
# A lone surrogate (JSON allows "\\ud800") cannot be encoded as UTF-8: it becomes U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise(text: str) -> str:
    """NFC, "\\n" newlines, no BOM / zero-width spaces, no-break spaces as spaces, no trailing
    spaces, runs of blank lines collapsed to one, no leading/trailing blank space, no lone surrogates."""
    text = _SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    text = _NEWLINES.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _NBSP.sub(" ", text)
    text = _TRAILING.sub("", text)
    text = _BLANKS.sub("\n\n", text)
    return text.strip()


def article_id(text: str) -> str:
    """sha256 hex of the normalised text: the same content read from two files gets one id."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()
