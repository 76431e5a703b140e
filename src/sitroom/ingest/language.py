"""Which language an article is in. The pipeline codes English only: anything else is skipped with a
Failure (E_LANGUAGE) instead of being run through an English model and mis-coded.

py3langid (langid.py's naive Bayes model, shipped in the wheel, offline): ~2 ms per article on its first
`SAMPLE` characters. The wheel ships the model LZMA-compressed (0.8-1.1 s to unpack in every process that
needs it); the first process unpacks it once into the cache folder as plain arrays, which later processes
map in 0.1 s (the big table shared through the page cache). Short or mixed texts stay English unless the
model is sure: a skipped article is lost to the user, a mis-detected one only costs a parse.
"""

from __future__ import annotations

import functools
import lzma
import os
import re
import shutil
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

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

    from sitroom.config import load

    try:
        return _from_unpacked(unpacked(load().cache_path()))
    except (OSError, ValueError, KeyError, EOFError, lzma.LZMAError, BadZipFile):
        # no writable cache, or a model of another layout: the wheel's own loader
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# The arrays of py3langid's model file (npz: DFA rows shared between states, naive Bayes tables).
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def unpacked(cache: Path) -> Path:
    """The folder of the shipped model's arrays as .npy files, unpacked into `cache` on first use
    (atomically: processes racing to unpack it keep whichever lands first)."""
    import hashlib

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    packed = MODEL_DIR / MODEL_FILE
    # named by the packed file's content (20 ms): another py3langid's model never reads these arrays
    folder = cache / f"langid-{hashlib.blake2b(packed.read_bytes(), digest_size=8).hexdigest()}"
    if all((folder / f"{name}.npy").is_file() for name in _ARRAYS):
        return folder
    shutil.rmtree(folder, ignore_errors=True)  # a file deleted from it since: unpack again
    cache.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".langid-", dir=cache))
    tmp.chmod(0o755)  # as the files beside it, not mkdtemp's owner-only
    try:
        with lzma.open(packed) as src, open(tmp / "model.npz", "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)  # np.load seeks: not in the LZMA stream
        with np.load(tmp / "model.npz", allow_pickle=False) as data:
            for name in _ARRAYS:
                np.save(tmp / f"{name}.npy", data[name], allow_pickle=False)
        (tmp / "model.npz").unlink()
        try:
            os.replace(tmp, folder)
        except OSError:  # another process's folder landed first
            if not folder.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _from_unpacked(folder: Path) -> Any:
    """The identifier `LanguageIdentifier.from_model_file` builds, from the unpacked arrays (the
    naive Bayes table memory-mapped, the DFA as the stdlib arrays its walk indexes fastest)."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    a = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
    return LanguageIdentifier(
        a["ptc"],
        np.array(a["pc"]),
        a["classes"].tolist(),
        _stdlib(a["nextmove"]),
        a["out_feat"].tolist(),
        norm_probs=True,
        tk_row=_stdlib(a["nextmove_row"]),
    )


def _stdlib(arr: Any) -> array:
    code = {2: "H", 4: "I", 8: "Q"}[arr.dtype.itemsize]
    return array(code, arr.tobytes())


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
