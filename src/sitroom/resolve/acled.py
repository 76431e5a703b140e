"""ACLED event type and sub-event type for our events, from word classes in the sentence
(`ontology/data/acled_cues.tsv`), actors' sectors, and PLOVER type + mode.

The words decide first, as an ACLED coder reads the report ("airstrikes" are remote violence whatever
verb the extractor keyed on); the event type abstains for verbal events, and type + mode decide when
the words name no ACLED category; a mode that names the sub-type exactly refines it.

ACLED types only what it covers: political violence, demonstrations and strategic developments.
Verbal events (statements, requests, accusations, threats ...) get (None, None), as do disasters,
accidents and ordinary crime. Without an event (`event_type=None`) the same decision list types a
text from its cue words alone ("text-only" mode), which is how the typer is measured before the
extractor exists.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sitroom.ontology import normalize_type, read_tsv
from sitroom.records import ActorRef

METHOD = "sitroom.acled.cues.v1"

BATTLES = "Battles"
REMOTE = "Explosions/Remote violence"
VAC = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
SD = "Strategic developments"

# Which ACLED event types each PLOVER type may become; types not listed are verbal → abstain.
ALLOWED: dict[str, frozenset[str]] = {
    "ASSAULT": frozenset({BATTLES, REMOTE, VAC, RIOTS, PROTESTS, SD}),
    "PROTEST": frozenset({PROTESTS, RIOTS}),
    "COERCE": frozenset({SD, VAC, PROTESTS, BATTLES}),
    "MOBILIZE": frozenset({SD}),
    "RETREAT": frozenset({SD}),
    "AGREE": frozenset({SD}),
    "SUPPORT": frozenset({SD}),
    "CONCEDE": frozenset({SD}),
}
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "JUD", "LEG"})
NONSTATE_ARMED = frozenset({"REB", "INS", "SEP", "UAF", "IMG", "CRM"})
CIVILIAN_SECTORS = frozenset(
    {"CVL", "BUS", "MED", "EDU", "HLH", "REL", "LAB", "REF", "AGR", "NGO", "OPP", "HRI"}
)

Result = tuple[str | None, str | None]
NONE: Result = (None, None)


@functools.cache
def _patterns(lowered: bool = False) -> dict[str, re.Pattern[str]]:
    """One regex per word class; '*' ends a stem, spaces match any run of spaces or hyphens.

    `lowered`: the same regexes for lower-cased ASCII text, without IGNORECASE (about three times
    faster, and the same matches at the same offsets); empty when a cue is not ASCII."""
    by_class: dict[str, list[str]] = {}
    for row in read_tsv("acled_cues.tsv"):
        cue = row["cue"]
        if lowered and not cue.isascii():
            return {}
        words = []
        for w in (cue.lower() if lowered else cue).split():
            words.append(re.escape(w[:-1]) + r"[\w'-]*" if w.endswith("*") else re.escape(w))
        by_class.setdefault(row["class"], []).append(r"[\s-]+".join(words))
    return {
        c: re.compile(
            r"(?<![\w-])(?:" + "|".join(sorted(ps, key=len, reverse=True)) + r")(?![\w])",
            0 if lowered else re.I,
        )
        for c, ps in by_class.items()
    }


def cue_hits(text: str) -> dict[str, list[int]]:
    """Word class → start offsets of its matches in `text` (classes with no match are left out)."""
    return {c: list(v) for c, v in _cue_hits(text).items()}


@functools.lru_cache(maxsize=512)
def _cue_hits(text: str) -> dict[str, tuple[int, ...]]:
    # events of one sentence share it: the sentence is scanned once
    pats = _indexed()[0]
    low = text.lower()
    if text.isascii() and _patterns(lowered=True):
        return _cue_hits_at_words(low)
    classes: set[str] = set()
    for w in set(_WORD.findall(low)):
        classes |= _word_classes(w)
    out: dict[str, tuple[int, ...]] = {}
    for c in sorted(classes):  # only classes with a cue whose first word is in the text run their regex
        starts = tuple(m.start() for m in pats[c].finditer(text))
        if starts:
            out[c] = starts
    return out


def _cue_hits_at_words(low: str) -> dict[str, tuple[int, ...]]:
    """`_cue_hits` of lower-cased ASCII text, trying each class's regex only where a word that can
    begin one of its cues starts (every cue starts with a word character, so a match starts at a
    word): a few anchored matches instead of a scan of the whole sentence per class."""
    at: dict[str, list[int]] = {}
    for m in _WORD.finditer(low):
        for c in _word_classes(m.group()):
            at.setdefault(c, []).append(m.start())
    pats = _patterns(lowered=True)
    out: dict[str, tuple[int, ...]] = {}
    for c in sorted(at):
        pat, starts, free = pats[c], [], 0
        for p in at[c]:
            # as finditer: the next match is the first one at or after the end of the last
            if p >= free and (hit := pat.match(low, p)) is not None:
                starts.append(p)
                free = hit.end()
        if starts:
            out[c] = tuple(starts)
    return out


_WORD = re.compile(r"\w+")
_EMPTY: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=65536)
def _word_classes(w: str) -> frozenset[str]:
    # the classes a word can begin a cue of; words recur across sentences: each is looked up once
    firsts = _indexed()[1]
    got = {c for stem, c in (*firsts.stems.get(w[:3], ()), *firsts.short_stems) if w.startswith(stem)}
    return firsts.words.get(w, _EMPTY) | got if got else firsts.words.get(w, _EMPTY)


@dataclass(frozen=True, slots=True)
class _Firsts:
    """Which classes a word of the text can begin a cue of. A cue matches at a word start, so the text
    holds the cue's first word (its first run of letters and digits, as `_WORD` reads the text: "al"
    for "al-shabaab"), or, for a stem ("kidnap*"), a word that starts with it."""

    words: dict[str, frozenset[str]]  # first word -> classes
    stems: dict[str, tuple[tuple[str, str], ...]]  # first three letters -> (stem, class)
    short_stems: tuple[tuple[str, str], ...]  # stems under three letters: tried on every word


@functools.cache
def _indexed() -> tuple[dict[str, re.Pattern[str]], _Firsts]:
    """The class regexes, and the classes each word of a text can begin a cue of."""
    words: dict[str, set[str]] = {}
    stems: dict[str, list[tuple[str, str]]] = {}
    for row in read_tsv("acled_cues.tsv"):
        first = row["cue"].split()[0].lower()
        run = re.search(r"\w+", first.rstrip("*"))
        if run is None or run.start() != 0:  # a match starts where a word does (_cue_hits_at_words)
            raise ValueError(f"acled_cues.tsv: the cue {row['cue']!r} does not start with a word")
        if first.endswith("*") and run.end() == len(first) - 1:
            stems.setdefault(run.group()[:3], []).append((run.group(), row["class"]))
        else:
            words.setdefault(run.group(), set()).add(row["class"])
    firsts = _Firsts(
        words={k: frozenset(v) for k, v in words.items()},
        stems={k: tuple(v) for k, v in stems.items() if len(k) == 3},
        short_stems=tuple(x for k, v in stems.items() if len(k) < 3 for x in v),
    )
    return _patterns(), firsts


def _sectors(actors: Sequence[ActorRef]) -> set[str]:
    return {a.sector.upper() for a in actors if a.sector}


def acled_type(
    event_type: str | None,
    sentence: str,
    *,
    mode: str | None = None,
    source: Sequence[ActorRef] = (),
    target: Sequence[ActorRef] = (),
) -> Result:
    """(ACLED event type, sub-event type) for an event, or (None, None) where ACLED does not apply.

    `event_type=None` types the sentence from its cue words alone."""
    src, tgt = _sectors(source), _sectors(target)
    hits = cue_hits(sentence)
    text = _decide(hits, None, src, tgt)  # what the words say, as ACLED would type the report
    if event_type is None:
        return text
    t = normalize_type(event_type)
    allowed = ALLOWED.get(t)
    if allowed is None:
        return NONE  # verbal events are outside ACLED
    if text[0] is None:
        if _outside_words(hits, src):
            return NONE
        return _by_mode(t, mode, hits) or _fallback(t, hits, tgt)
    by_mode = _by_mode(t, mode, hits)
    if by_mode is not None and (by_mode[0] == text[0] or {by_mode[0], text[0]} <= {PROTESTS, RIOTS}):
        return by_mode  # the mode names the sub-type more exactly ("riot" makes a protest violent)
    if text[0] not in allowed:  # "agreed a ceasefire after heavy fighting": the fighting is context
        return by_mode or _fallback(t, hits, tgt)
    return text


def _outside_words(hits: dict[str, list[int]], src: set[str]) -> bool:
    """The sentence's words put it outside ACLED (a disaster, an accident, a claim of responsibility)."""
    h = hits.__contains__
    armed = h("armed") or h("state") or h("nonstate") or bool(src & (STATE_SECTORS | NONSTATE_ARMED))
    violent = any(h(c) for c in VIOLENCE)
    acts = any(h(c) for c in VIOLENCE if c != "attack") or bool(
        set(hits.get("attack", ())) - set(hits.get("casualty", ()))
    )
    return _outside(hits, armed=armed, violent=violent, acts=acts)


def acled_type_text(text: str) -> Result:
    """Text-only mode: type a short event description from its cue words."""
    return acled_type(None, text)


def _by_mode(t: str | None, mode: str | None, hits: dict[str, list[int]]) -> Result | None:
    """Modes that name the ACLED sub-type outright."""
    if t == "ASSAULT":
        if mode == "unconventional" or "chemical" in hits:
            return (REMOTE, "Chemical weapon")
        if mode == "suicide-attack" or "suicide" in hits:
            return (REMOTE, "Suicide bomb")
        if mode == "aerial":
            return (REMOTE, "Air/drone strike")
        if mode == "heavy-weapons" and "shelling" in hits:
            return (REMOTE, "Shelling/artillery/missile attack")
        if mode == "abduct":
            return (VAC, "Abduction/forced disappearance")
        if mode == "sexual":
            return (VAC, "Sexual violence")
        if mode == "destroy":
            return (SD, "Looting/property destruction")
    if t == "PROTEST" and mode == "riot":
        return (RIOTS, "Mob violence") if "mob" in hits else (RIOTS, "Violent demonstration")
    if t == "COERCE" and mode == "arrest" and "protest" not in hits:
        return (SD, "Arrests")
    if t == "RETREAT" and mode == "ceasefire":
        return (SD, "Agreement")
    return None


def _first(hits: dict[str, list[int]], cls: str) -> int:
    return min(hits.get(cls, [10**9]))


VIOLENCE = (
    "attack",
    "fight",
    "shelling",
    "air",
    "explosive",
    "grenade",
    "suicide",
    "chemical",
    "sexual",
    "abduct",
)


def _decide(hits: dict[str, list[int]], t: str | None, src: set[str], tgt: set[str]) -> Result:
    """The decision list: most specific word classes first."""
    h = hits.__contains__
    armed = h("armed") or h("state") or h("nonstate") or bool(src & (STATE_SECTORS | NONSTATE_ARMED))
    violent = any(h(c) for c in VIOLENCE)
    # violence named as an act ("attacked", "shot"), not only as a toll ("killed", "dead")
    acts = any(h(c) for c in VIOLENCE if c != "attack") or bool(
        set(hits.get("attack", ())) - set(hits.get("casualty", ()))
    )
    remote = h("shelling") or h("air") or h("explosive") or h("grenade")
    if t is None and _outside(hits, armed=armed, violent=violent, acts=acts):
        return NONE
    if h("chemical") and not h("accident"):
        return (REMOTE, "Chemical weapon")
    if h("suicide"):
        return (REMOTE, "Suicide bomb")
    if h("disrupted") and h("weapon") and not h("casualty"):
        return (SD, "Disrupted weapons use")
    if h("grenade") and t != "PROTEST":
        return (REMOTE, "Grenade")
    crowd = h("protest") or h("crowdcontrol")
    if crowd and t in (None, "PROTEST", "COERCE", "ASSAULT"):
        if h("mob") and _first(hits, "mob") < _first(hits, "protest") and t != "PROTEST":
            return (RIOTS, "Mob violence")
        if h("riot") and h("protest"):
            return (RIOTS, "Violent demonstration")
        if h("lethal") and (h("crowdcontrol") or h("state") or tgt & CIVILIAN_SECTORS):
            return (PROTESTS, "Excessive force against protesters")
        if h("crowdcontrol") or h("intervene"):
            return (PROTESTS, "Protest with intervention")
        if h("protest"):
            return (PROTESTS, "Peaceful protest")
    if h("mob") and (h("attack") or h("lethal") or h("loot")) and not h("nonstate"):
        return (RIOTS, "Mob violence")
    if h("capture") and h("territory") and not h("establish"):
        if h("withdraw") and (h("handover") or not (h("fight") or h("attack") or remote)):
            return (SD, "Non-violent transfer of territory")
        return _territory(hits, src)
    if h("air"):
        return (REMOTE, "Air/drone strike")
    if h("shelling"):
        return (REMOTE, "Shelling/artillery/missile attack")
    if h("explosive"):
        return (REMOTE, "Remote explosive/landmine/IED")
    if h("sexual"):
        return (VAC, "Sexual violence")
    if h("abduct"):
        return (VAC, "Abduction/forced disappearance")
    if h("withdraw") and h("territory") and (h("handover") or not violent):
        return (SD, "Non-violent transfer of territory")
    if h("agreement") and not (h("casualty") or h("fight") or h("attack")):
        return (SD, "Agreement")
    if h("establish") and h("base"):
        return (SD, "Headquarters or base established")
    if h("change") and not violent:
        return (SD, "Change to group/activity")
    if h("arrest") and not h("casualty"):
        return (SD, "Arrests")
    if h("loot") and not h("fight"):
        return (SD, "Looting/property destruction")
    if h("fight"):
        return (BATTLES, "Armed clash")
    if h("attack") or h("lethal"):
        return _attack(hits, src, tgt)
    if h("arrest"):
        return (SD, "Arrests")
    if h("agreement"):
        return (SD, "Agreement")
    return NONE


def _outside(hits: dict[str, list[int]], *, armed: bool, violent: bool, acts: bool) -> bool:
    """Outside ACLED: disasters, accidents, ordinary crime, claims and denials about violence."""
    h = hits.__contains__
    if h("disaster") and not (acts or h("loot") or h("protest")):
        return True
    if h("accident") and not armed and not h("protest"):
        return True
    if h("crime") and not (violent or h("protest") or h("nonstate") or h("disrupted")):
        return True
    events = [_first(hits, c) for c in (*VIOLENCE, "arrest", "protest", "capture")]
    return h("claim") and _first(hits, "claim") < min(events)


def _territory(hits: dict[str, list[int]], src: set[str]) -> Result:
    """Who took ground: the state (regains) or a non-state group (overtakes)."""
    if src & STATE_SECTORS:
        return (BATTLES, "Government regains territory")
    if src & NONSTATE_ARMED:
        return (BATTLES, "Non-state actor overtakes territory")
    state, nonstate = _first(hits, "state"), _first(hits, "nonstate")
    if state < nonstate:
        return (BATTLES, "Government regains territory")
    if nonstate < state:
        return (BATTLES, "Non-state actor overtakes territory")
    return (BATTLES, "Armed clash")


def _attack(hits: dict[str, list[int]], src: set[str], tgt: set[str]) -> Result:
    """One-sided violence on civilians, or a fight between armed sides."""
    if tgt & CIVILIAN_SECTORS:
        return (VAC, "Attack")
    if tgt & (STATE_SECTORS | NONSTATE_ARMED):
        return (BATTLES, "Armed clash")
    if "civilian" in hits:
        return (VAC, "Attack")
    if ("state" in hits and "nonstate" in hits) or "milobj" in hits:
        return (BATTLES, "Armed clash")
    return (VAC, "Attack")


def _fallback(t: str | None, hits: dict[str, list[int]], tgt: set[str]) -> Result:
    """When the cue words point outside what the event type allows, the type alone decides."""
    if t == "ASSAULT":
        return _attack(hits, set(), tgt)
    if t == "PROTEST":
        return (PROTESTS, "Peaceful protest")
    if t == "COERCE":  # expulsions of diplomats, sanctions: not ACLED events
        return (SD, "Arrests") if "arrest" in hits else NONE
    if t == "MOBILIZE":
        return (SD, "Headquarters or base established") if "establish" in hits else (SD, "Other")
    if t == "RETREAT" and "territory" in hits:
        return (SD, "Non-violent transfer of territory")
    if t in ("AGREE", "SUPPORT", "CONCEDE") and "agreement" in hits:
        return (SD, "Agreement")
    return NONE
