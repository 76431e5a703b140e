"""Event coding: reconcile a candidate's PLOVER type and CAMEO code with the ontology, refine mode and
context from the actors, and fill Goldstein weight, quad class and the ACLED types.

The extractor's trigger table gives both a type and a CAMEO code. When they disagree the CAMEO code
wins (it is the more specific fact, and the CAMEO→PLOVER table is curated); the change is noted.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from sitroom import ontology
from sitroom.errors import UsageError
from sitroom.records import ActorRef, Candidate
from sitroom.resolve.acled import NONSTATE_ARMED, acled_type

METHOD = "sitroom.coding.v1"

# Sector of the acting side → MOBILIZE mode.
_MOBILIZE_MODE = {"MIL": "troops", "COP": "police", "SPY": "police"}
# Sectors that make an event a military matter whichever side they are on.
_MILITARY = frozenset({"MIL"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Coding:
    event_type: str  # PLOVER type or STATEMENT
    cameo: str
    cameo_root: str
    quad_class: int | None
    goldstein: float | None
    mode: str | None = None
    context: tuple[str, ...] = ()
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    notes: tuple[str, ...] = ()  # what reconciliation changed, and why


def _sectors(actors: Sequence[ActorRef]) -> set[str]:
    return {a.sector.upper() for a in actors if a.sector}


def code_event(candidate: Candidate, *, source: Sequence[ActorRef], target: Sequence[ActorRef]) -> Coding:
    notes: list[str] = []
    claimed = ontology.normalize_type(candidate.event_type or "")
    known_types = _known_types()

    # 1. A CAMEO code the ontology knows; else the default code of the claimed type.
    code = (candidate.cameo or "").strip()
    try:
        ontology.cameo(code)
    except UsageError:
        if claimed not in known_types:
            raise UsageError(
                f"candidate has neither a known CAMEO code ({candidate.cameo!r}) nor a known event type "
                f"({candidate.event_type!r})"
            ) from None
        code = ontology.default_cameo(claimed, candidate.mode)
        notes.append(f"unknown CAMEO {candidate.cameo!r}: used {code}, the default for {claimed}")

    # 2. The CAMEO→PLOVER map decides the type.
    mapping = ontology.plover_of(code)
    event_type = mapping.event_type
    if claimed != event_type:
        notes.append(f"type {candidate.event_type} → {event_type} from CAMEO {code}")

    # 3. Mode: the candidate's if valid for the type, else the map's; contexts: map + candidate.
    ptype = ontology.plover_type(event_type)
    valid_modes = {m.name for m in ptype.modes}
    all_contexts = _all_contexts()
    mode = mapping.mode
    context = list(mapping.context)
    if candidate.mode and candidate.mode in valid_modes and event_type == claimed:
        mode = candidate.mode
    elif candidate.mode and candidate.mode != mode:
        if candidate.mode in all_contexts:
            context.append(candidate.mode)  # a context tag given as a mode
        notes.append(f"mode {candidate.mode!r} is not a {event_type} mode")
    context += [c for c in candidate.context if c in all_contexts]

    # 4. Actors refine mode and context.
    src, tgt = _sectors(source), _sectors(target)
    if (src | tgt) & _MILITARY:
        context.append("military")
    if event_type == "MOBILIZE" and mode is None:
        mode = next((_MOBILIZE_MODE[s] for s in sorted(src) if s in _MOBILIZE_MODE), None)
        if mode is None and src & NONSTATE_ARMED:
            mode = "militia"
    if mode and mode != mapping.mode and code == _generic(code):
        better = ontology.default_cameo(event_type, mode)
        if ontology.plover_of(better).event_type == event_type and better != code:
            notes.append(f"CAMEO {code} → {better} for mode {mode}")
            code = better

    rec = ontology.cameo(code)
    acled = acled_type(event_type, candidate.sentence.text, mode=mode, source=source, target=target)
    return Coding(
        event_type=event_type,
        cameo=code,
        cameo_root=rec.root,
        quad_class=rec.quad_class,
        goldstein=rec.goldstein,
        mode=mode,
        context=tuple(dict.fromkeys(context)),
        acled_event_type=acled[0],
        acled_sub_event_type=acled[1],
        notes=tuple(notes),
    )


@functools.cache  # the ontology's tables load once: build their sets once, not per event
def _known_types() -> frozenset[str]:
    return frozenset(t.name for t in ontology.plover_types())


@functools.cache
def _all_contexts() -> frozenset[str]:
    return frozenset(ontology.contexts())


def _generic(code: str) -> str:
    """The 'otherwise unspecified' code of a family: a root "15" or its "150"."""
    if len(code) == 2 or (len(code) == 3 and code.endswith("0")):
        return code
    return ""
