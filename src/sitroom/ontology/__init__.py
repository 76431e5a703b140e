"""The event ontology: CAMEO codes, PLOVER types with modes and contexts, the CAMEO↔PLOVER map, ACLED types.

The tables are TSV files in `data/` that the project writes itself (codes, names and weights are
codebook facts; descriptions are ours). They load lazily on first use and stay cached; nothing is
read at import time.

STATEMENT is Sitroom's one event type outside PLOVER: PLOVER dropped CAMEO 01 (public statements),
but a coder still needs somewhere to put "X said ..." so it can be told apart from real events.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sitroom.errors import UsageError

_REC = {"frozen": True, "slots": True, "kw_only": True}

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
STATEMENT = "STATEMENT"
# PLOVER 0.5b1 labels (as in older gold sets) → the closest current type.
LEGACY_TYPES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "FIGHT": "ASSAULT", "INVESTIGATE": "ACCUSE"}
QUAD_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


@dataclass(**_REC)
class CameoCode:
    code: str  # "154"
    name: str  # short codebook name
    goldstein: float  # -10..10
    quad_class: int  # 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    root: str  # first two digits, "15"
    description: str  # our own one-line gloss


@dataclass(**_REC)
class PloverMapping:
    event_type: str  # PLOVER type or STATEMENT
    mode: str | None = None
    context: tuple[str, ...] = ()


@dataclass(**_REC)
class PloverMode:
    name: str
    description: str


@dataclass(**_REC)
class PloverType:
    name: str
    quad_class: int
    score: float  # PLOVER's conflict-cooperation score for the whole type
    description: str
    modes: tuple[PloverMode, ...] = ()
    contexts: tuple[str, ...] = ()  # PLOVER contexts apply to every type


@dataclass(**_REC)
class AcledSubType:
    name: str
    description: str


@dataclass(**_REC)
class AcledType:
    name: str
    disorder_type: str
    description: str
    sub_event_types: tuple[AcledSubType, ...] = ()


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of `data/<name>` as dicts (header row gives the keys); blank lines and '#' lines skipped."""
    text = resources.files("sitroom.ontology").joinpath("data", name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return [dict(r) for r in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]


# ---------------------------------------------------------------- tables (cached)


@functools.cache
def _cameo_table() -> dict[str, CameoCode]:
    out: dict[str, CameoCode] = {}
    for r in read_tsv("cameo.tsv"):
        out[r["code"]] = CameoCode(
            code=r["code"],
            name=r["name"],
            goldstein=float(r["goldstein"]),
            quad_class=int(r["quad_class"]),
            root=r["code"][:2],
            description=r["description"],
        )
    return out


def _split(v: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in v.split(";") if x.strip())


@functools.cache
def _mapping_table() -> tuple[dict[str, PloverMapping], dict[tuple[str, str | None], str]]:
    fwd: dict[str, PloverMapping] = {}
    rev: dict[tuple[str, str | None], str] = {}
    for r in read_tsv("cameo_plover.tsv"):
        m = PloverMapping(event_type=r["event_type"], mode=r["mode"] or None, context=_split(r["context"]))
        fwd[r["cameo"]] = m
        flags = set(_split(r["default"].replace(",", ";")))
        if "type" in flags:
            rev[(m.event_type, None)] = r["cameo"]
        if "mode" in flags and m.mode:
            rev[(m.event_type, m.mode)] = r["cameo"]
    return fwd, rev


@functools.cache
def _plover_table() -> dict[str, PloverType]:
    rows = read_tsv("plover.tsv")
    contexts = tuple(r["name"] for r in rows if r["kind"] == "context")
    out: dict[str, PloverType] = {}
    for r in rows:
        if r["kind"] != "type":
            continue
        modes = tuple(
            PloverMode(name=m["name"], description=m["description"])
            for m in rows
            if m["kind"] == "mode" and m["event_type"] == r["name"]
        )
        out[r["name"]] = PloverType(
            name=r["name"],
            quad_class=int(r["quad_class"]),
            score=float(r["score"]),
            description=r["description"],
            modes=modes,
            contexts=contexts,
        )
    return out


@functools.cache
def _acled_table() -> dict[str, AcledType]:
    rows = read_tsv("acled.tsv")
    out: dict[str, AcledType] = {}
    for r in rows:
        if r["sub_event_type"]:
            continue
        subs = tuple(
            AcledSubType(name=s["sub_event_type"], description=s["description"])
            for s in rows
            if s["event_type"] == r["event_type"] and s["sub_event_type"]
        )
        out[r["event_type"]] = AcledType(
            name=r["event_type"], disorder_type=r["disorder_type"], description=r["description"],
            sub_event_types=subs,
        )  # fmt: skip
    return out


# ---------------------------------------------------------------- lookups


def _norm_code(code: str | int) -> str:
    c = str(code).strip()
    if not c.isdigit() or not 2 <= len(c) <= 4:
        raise UsageError(f"not a CAMEO code: {code!r} (2 to 4 digits, e.g. '15', '154', '0874')")
    return c


def cameo(code: str | int) -> CameoCode:
    """The CAMEO code's record. A 4-digit code missing from the table takes its 3-digit parent's data."""
    c = _norm_code(code)
    table = _cameo_table()
    if c in table:
        return table[c]
    parent = table.get(c[:3]) if len(c) == 4 else None
    if parent is None:
        raise UsageError(
            f"unknown CAMEO code {c!r}; roots are {', '.join(sorted(k for k in table if len(k) == 2))}"
        )
    return CameoCode(
        code=c, name=parent.name, goldstein=parent.goldstein, quad_class=parent.quad_class,
        root=parent.root, description=parent.description,
    )  # fmt: skip


def cameo_codes() -> list[CameoCode]:
    """Every code in the table, in codebook order."""
    return list(_cameo_table().values())


def plover_of(cameo_code: str | int) -> PloverMapping:
    """The PLOVER type (or STATEMENT), mode and context that a CAMEO code maps to."""
    c = _norm_code(cameo_code)
    fwd, _ = _mapping_table()
    for k in (c, c[:3], c[:2]):
        if k in fwd:
            return fwd[k]
    raise UsageError(f"unknown CAMEO code {c!r}: no PLOVER mapping")


def normalize_type(event_type: str) -> str:
    """Upper-case PLOVER type, with 0.5b1 labels mapped to their current names."""
    t = event_type.strip().upper()
    return LEGACY_TYPES.get(t, t)


def default_cameo(event_type: str, mode: str | None = None) -> str:
    """The CAMEO code to record when only the PLOVER type (and maybe mode) is known."""
    t = normalize_type(event_type)
    _, rev = _mapping_table()
    if (t, None) not in rev:
        raise UsageError(f"unknown event type {event_type!r}; known: {', '.join((*PLOVER_TYPES, STATEMENT))}")
    return rev.get((t, mode), rev[(t, None)]) if mode else rev[(t, None)]


def plover_types() -> list[PloverType]:
    """The 16 PLOVER types and STATEMENT, with their modes and the shared contexts."""
    return list(_plover_table().values())


def plover_type(name: str) -> PloverType:
    t = normalize_type(name)
    table = _plover_table()
    if t not in table:
        raise UsageError(f"unknown event type {name!r}; known: {', '.join(table)}")
    return table[t]


def contexts() -> tuple[str, ...]:
    return next(iter(_plover_table().values())).contexts


def acled_types() -> list[AcledType]:
    """ACLED's 6 event types with their 25 sub-event types."""
    return list(_acled_table().values())


def acled_event_type_of(sub_event_type: str) -> str | None:
    for t in _acled_table().values():
        if any(s.name == sub_event_type for s in t.sub_event_types):
            return t.name
    return None


# ---------------------------------------------------------------- checks


def _quad_of_root(root: str) -> int:
    r = int(root)
    return 1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4


def validate() -> list[str]:
    """Problems in the shipped tables; an empty list means they are consistent."""
    problems: list[str] = []

    def dupes(rows: list[dict[str, str]], keys: tuple[str, ...], where: str) -> None:
        seen: set[tuple[str, ...]] = set()
        for r in rows:
            k = tuple(r[x] for x in keys)
            if k in seen:
                problems.append(f"{where}: duplicate row {k}")
            seen.add(k)

    crows = read_tsv("cameo.tsv")
    dupes(crows, ("code",), "cameo.tsv")
    codes = {r["code"] for r in crows}
    for r in crows:
        c = r["code"]
        if not c.isdigit() or not 2 <= len(c) <= 4 or not 1 <= int(c[:2]) <= 20:
            problems.append(f"cameo.tsv: bad code {c!r}")
            continue
        if len(c) > 2 and c[: len(c) - 1] not in codes and c[:2] not in codes:
            problems.append(f"cameo.tsv: {c} has no parent code")
        try:
            g = float(r["goldstein"])
            if not -10 <= g <= 10:
                problems.append(f"cameo.tsv: {c} Goldstein {g} outside -10..10")
        except ValueError:
            problems.append(f"cameo.tsv: {c} Goldstein {r['goldstein']!r} is not a number")
        if r["quad_class"] != str(_quad_of_root(c[:2])):
            problems.append(f"cameo.tsv: {c} quad class {r['quad_class']} should be {_quad_of_root(c[:2])}")
        if not r["name"].strip() or not r["description"].strip():
            problems.append(f"cameo.tsv: {c} lacks a name or description")

    prows = read_tsv("plover.tsv")
    dupes(prows, ("event_type", "kind", "name"), "plover.tsv")
    types = {r["name"] for r in prows if r["kind"] == "type"}
    want = {*PLOVER_TYPES, STATEMENT}
    if types != want:
        problems.append(f"plover.tsv: types {sorted(types ^ want)} missing or extra")
    modes = {(r["event_type"], r["name"]) for r in prows if r["kind"] == "mode"}
    ctxs = {r["name"] for r in prows if r["kind"] == "context"}
    for r in prows:
        if r["kind"] not in ("type", "mode", "context"):
            problems.append(f"plover.tsv: unknown kind {r['kind']!r}")
        if r["kind"] == "mode" and r["event_type"] not in types:
            problems.append(f"plover.tsv: mode {r['name']} of unknown type {r['event_type']}")
        if r["kind"] == "type" and r["quad_class"] not in ("1", "2", "3", "4"):
            problems.append(f"plover.tsv: {r['name']} quad class {r['quad_class']!r}")
        if not r["description"].strip():
            problems.append(f"plover.tsv: {r['name']} lacks a description")

    mrows = read_tsv("cameo_plover.tsv")
    dupes(mrows, ("cameo",), "cameo_plover.tsv")
    mapped = {r["cameo"] for r in mrows}
    problems += [f"cameo_plover.tsv: CAMEO {c} has no PLOVER mapping" for c in sorted(codes - mapped)]
    problems += [f"cameo_plover.tsv: unknown CAMEO code {c}" for c in sorted(mapped - codes)]
    defaults: dict[tuple[str, str], str] = {}
    for r in mrows:
        c, t, m = r["cameo"], r["event_type"], r["mode"]
        if t not in types:
            problems.append(f"cameo_plover.tsv: {c} maps to unknown type {t!r}")
        if m and (t, m) not in modes:
            problems.append(f"cameo_plover.tsv: {c} mode {m!r} is not a mode of {t}")
        problems += [
            f"cameo_plover.tsv: {c} unknown context {x!r}" for x in _split(r["context"]) if x not in ctxs
        ]
        if r["origin"] not in ("plover2021", "filled", "adjusted"):
            problems.append(f"cameo_plover.tsv: {c} origin {r['origin']!r}")
        for flag in _split(r["default"].replace(",", ";")):
            key = (t, "" if flag == "type" else m)
            if flag not in ("type", "mode") or (flag == "mode" and not m):
                problems.append(f"cameo_plover.tsv: {c} bad default flag {flag!r}")
            elif key in defaults:
                problems.append(f"cameo_plover.tsv: two defaults for {key}: {defaults[key]} and {c}")
            else:
                defaults[key] = c
    problems += [
        f"cameo_plover.tsv: no default CAMEO code for {t}" for t in sorted(types) if (t, "") not in defaults
    ]

    arows = read_tsv("acled.tsv")
    dupes(arows, ("event_type", "sub_event_type"), "acled.tsv")
    atypes = {r["event_type"] for r in arows if not r["sub_event_type"]}
    if len(atypes) != 6:
        problems.append(f"acled.tsv: {len(atypes)} event types, expected 6")
    subs = [r for r in arows if r["sub_event_type"]]
    if len(subs) != 25:
        problems.append(f"acled.tsv: {len(subs)} sub-event types, expected 25")
    problems += [
        f"acled.tsv: {r['sub_event_type']} under unknown type" for r in subs if r["event_type"] not in atypes
    ]
    return problems


# ---------------------------------------------------------------- display


def show(name: str | None = None) -> Any:
    """A rich Tree of the ontology: all PLOVER types (None), one type ("MOBILIZE"), a CAMEO code and
    its children ("15"), or the ACLED types ("acled")."""
    from rich.tree import Tree

    fwd, _ = _mapping_table()
    table = _cameo_table()

    def label(c: CameoCode) -> str:
        return f"[bold]{c.code}[/] {c.name} [dim](Goldstein {c.goldstein:+g}, quad {c.quad_class})[/]"

    def type_tree(t: PloverType, parent: Tree | None = None) -> Tree:
        head = f"[bold cyan]{t.name}[/] [dim]quad {t.quad_class}[/] — {t.description}"
        node = parent.add(head) if parent else Tree(head)
        by_mode: dict[str | None, list[str]] = {}
        for code, m in fwd.items():
            if m.event_type == t.name and len(code) > 2:
                by_mode.setdefault(m.mode, []).append(code)
        for md in (None, *(x.name for x in t.modes)):
            desc = next((x.description for x in t.modes if x.name == md), "")
            if md is None and not by_mode.get(None):
                continue
            sub = node.add(f"[green]{md or '(no mode)'}[/] {desc}".rstrip())
            for code in by_mode.get(md, []):
                sub.add(label(table[code]))
        return node

    if name is None:
        root = Tree("[bold]PLOVER event types[/] → modes → CAMEO codes")
        for t in plover_types():
            type_tree(t, root)
        return root
    key = name.strip()
    if key.lower() == "acled":
        root = Tree("[bold]ACLED event types[/]")
        for a in acled_types():
            node = root.add(f"[bold cyan]{a.name}[/] [dim]{a.disorder_type}[/] — {a.description}")
            for s in a.sub_event_types:
                node.add(f"[green]{s.name}[/] — {s.description}")
        return root
    if key.isdigit():
        c = cameo(key)
        m = plover_of(key)
        head = f"{label(c)} → {m.event_type}" + (f"/{m.mode}" if m.mode else "")
        root = Tree(head)
        for code, cc in table.items():
            if code != c.code and code.startswith(c.code) and len(code) == len(c.code) + 1:
                node = root.add(label(cc))
                for code2, cc2 in table.items():
                    if code2.startswith(code) and len(code2) == len(code) + 1:
                        node.add(label(cc2))
        return root
    if normalize_type(key) in _plover_table():
        return type_tree(plover_type(key))
    raise UsageError(
        f"nothing called {name!r} in the ontology; try an event type ({', '.join(_plover_table())}), "
        "a CAMEO code such as '15' or '0874', or 'acled'"
    )
