"""Line-level boilerplate removal: photo credits, promos for other stories, share and newsletter
prompts, ad markers. The rules are rows of `data/boilerplate.tsv`; a line goes only when the WHOLE
line matches a rule, so a news sentence that merely mentions a photo or a newsletter stays."""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

MAX_LINE = 400  # boilerplate lines are short; longer lines are never tested (speed, safety)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    pattern: str
    kind: str  # photo_credit | promo | share | newsletter | ad
    note: str
    example: str  # a line the rule must remove (tested)
    keep: str  # a near-miss news line it must keep (tested)


@functools.lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """The rows of data/boilerplate.tsv, in file order."""
    text = resources.files("sitroom.ingest").joinpath("data/boilerplate.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple(Rule(**row) for row in rows)


@functools.lru_cache(maxsize=1)
def _matcher() -> re.Pattern[str]:
    # One alternation, one named group per rule: one regex call per line, and `lastgroup` says which.
    alts = "|".join(f"(?P<r{i}>{r.pattern})" for i, r in enumerate(rules()))
    return re.compile(alts, re.IGNORECASE)


def match(line: str) -> Rule | None:
    """The rule that makes this line boilerplate, or None."""
    s = line.strip()
    if not s or len(s) > MAX_LINE:
        return None
    m = _matcher().fullmatch(s)
    if m is None:
        return None
    return rules()[int(m.lastgroup[1:])]  # type: ignore[index]


def strip(text: str) -> tuple[str, tuple[str, ...]]:
    """(text without boilerplate lines, the removed lines stripped of surrounding space, in order).
    Blank lines left behind are not collapsed here: `normalise` does that."""
    m = _matcher().fullmatch
    kept: list[str] = []
    removed: list[str] = []
    for line in text.split("\n"):
        s = line.strip()
        if s and len(s) <= MAX_LINE and m(s):
            removed.append(s)
        else:
            kept.append(line)
    if not removed:
        return text, ()
    return "\n".join(kept), tuple(removed)
