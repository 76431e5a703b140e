"""Trigger lexicon and closed word classes, read once from the package's data tables."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from sitroom.ontology import PLOVER_TYPES

# Second words of a verb pattern that make it phrasal ("pull out"); anything else is an object ("send troop").
PARTICLES = frozenset(["out", "back", "down", "in", "into", "up", "off", "over", "on", "away"])
EVENT_TYPES = PLOVER_TYPES  # the 16 types the lexicon must cover


@dataclass(frozen=True, slots=True, kw_only=True)
class Trigger:
    pattern: str
    pos: str  # VERB | NOUN | ADJ
    particle: str  # preposition or particle that must hang on the verb, "" if none
    event_type: str
    cameo: str
    mode: str | None
    context: tuple[str, ...]
    roles: frozenset[str]
    weight: float

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.pattern.split())

    @property
    def kind(self) -> str:
        """plain | phrasal | object (verb + object head) | compound (noun modifiers + head) | of."""
        w = self.words
        if len(w) == 1:
            return "plain"
        if self.pos == "VERB":
            return "phrasal" if len(w) == 2 and w[1] in PARTICLES else "object"
        return "of" if "of" in w[1:-1] else "compound"


def _rows(name: str) -> list[list[str]]:
    text = resources.files("sitroom.extract").joinpath("data", name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return [ln.split("\t") for ln in lines[1:]]


@functools.cache
def triggers() -> tuple[Trigger, ...]:
    out = []
    for r in _rows("triggers.tsv"):
        r = r + [""] * (10 - len(r))
        out.append(
            Trigger(
                pattern=r[0],
                pos=r[1],
                particle=r[2],
                event_type=r[3],
                cameo=r[4],
                mode=r[5] or None,
                context=tuple(c for c in r[6].split(",") if c),
                roles=frozenset(x for x in r[7].split(",") if x),
                weight=float(r[8] or 0.5),
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Index:
    by_head: dict[tuple[str, str], tuple[Trigger, ...]]  # (head lemma, pos) -> rows
    heads: frozenset[str] = frozenset()  # every head word, whatever its part of speech

    def get(self, key: str, pos: str) -> tuple[Trigger, ...]:
        return self.by_head.get((key, pos), ())


@functools.cache
def index() -> Index:
    """Rows keyed by the word the matcher sees first: the verb for verb patterns, the head noun for nouns."""
    d: dict[tuple[str, str], list[Trigger]] = {}
    for t in triggers():
        w = t.words
        head = w[0] if t.pos == "VERB" or t.kind == "of" else w[-1]
        d.setdefault((head, t.pos), []).append(t)
    return Index({k: tuple(v) for k, v in d.items()}, frozenset(k for k, _ in d))


@functools.cache
def cues() -> dict[str, frozenset[str]]:
    d: dict[str, set[str]] = {}
    for r in _rows("cues.tsv"):
        d.setdefault(r[0], set()).add(r[1])
    return {k: frozenset(v) for k, v in d.items()}


@functools.cache  # asked many times per event: one dict lookup instead of two calls
def cue(kind: str) -> frozenset[str]:
    return cues().get(kind, frozenset())


@functools.cache
def number_words() -> dict[str, float]:
    return {r[1]: float(r[2]) for r in _rows("cues.tsv") if r[0] == "number_word"}


@functools.cache
def agencies() -> dict[str, str]:
    """Alias (as written) -> canonical agency name."""
    out: dict[str, str] = {}
    for r in _rows("agencies.tsv"):
        for a in r[1].split("|"):
            out[a] = r[0]
    return out
