"""Scoring event coding against the dev gold sets (formats in ../shared/data/dev/README.md).

Pure functions: gold rows and predicted event records (dicts in the event-record JSON shape) in,
metrics out. For each gold row one predicted event answers the type fields: the highest-confidence
event that is not a STATEMENT, else a STATEMENT, else none (a miss, scored as a wrong answer). This
pick never looks at the gold. Actor fields are scored on the event the gold row is about: the event
whose trigger is among the gold's event words (PLOVER `event_text`), else one of the gold's type,
else the blind pick; so an actor error means a wrong argument, not a different event. ACLED fields
come from the most confident event that has an ACLED type (`acled_event`).

Fields scored where the gold row has them: PLOVER type (0.5b1 labels mapped to current ones),
CAMEO root and full code, ACLED event type and sub-event type (rows outside ACLED expect no ACLED
type), source/target country and sector. Actors without a country are scored by their transnational
code as CAMEO writes them (IGO, NGO, IMG); a few legacy gold country codes are mapped to ISO3.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sitroom.ontology import STATEMENT, normalize_type

FIELDS = (
    "event_type", "cameo_root", "cameo", "acled_event_type", "acled_sub_event_type",
    "source_country", "source_sector", "target_country", "target_sector",
)  # fmt: skip
MISS = "(none)"  # the predicted label when no event answers a gold row
TYPE_FIELDS = FIELDS[:5]
ACTOR_FIELDS = FIELDS[5:]
# Country codes in older gold files that are not ISO 3166-1 alpha-3 (CAMEO 1.x and typos seen in codings).
LEGACY_CODES = {"JAP": "JPN", "ITL": "ITA", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "BUR": "MMR"}
# Sectors of armed non-state groups: one without a country is an international militarized group (IMG).
_ARMED = frozenset({"REB", "INS", "IMG", "UAF", "SEP"})
# Gold sector codes we write under another name.
SECTOR_ALIASES = {"JRN": "MED"}


def pick_event(events: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The event that answers a gold row: best non-STATEMENT, else best STATEMENT, else None."""
    if not events:
        return None
    real = [e for e in events if e.get("event_type") != STATEMENT]
    pool = real or list(events)
    return max(pool, key=lambda e: float(e.get("confidence") or 0.0))


def _words(text: str) -> set[str]:
    return {w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split() if len(w) > 2}


def acled_event(events: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The event that answers the ACLED fields: the most confident one with an ACLED type (a report is
    typed by its strongest ACLED event), else the blind pick (whose ACLED type is then none)."""
    typed = [e for e in events if e.get("acled_event_type")]
    if not typed:
        return pick_event(events)
    best = max(typed, key=lambda e: float(e.get("confidence") or 0.0))
    riots = [e for e in typed if e.get("acled_event_type") == "Riots"]
    if best.get("acled_event_type") == "Protests" and riots:
        # ACLED codes a demonstration in which violence broke out as a riot
        return max(riots, key=lambda e: float(e.get("confidence") or 0.0))
    return best


def align_event(row: dict[str, Any], events: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The event a gold row is about: trigger among the gold event words, else the gold type (or CAMEO
    root), else the blind pick. Used for actor fields only: the type fields keep the blind pick."""
    if not events:
        return None
    gold_words = _words(str(row.get("event_text") or ""))
    ev = row.get("event") or row.get("plover_event")
    gold_type = normalize_type(ev) if ev else None
    gold_root = str(row.get("cameo_root") or row.get("cameo_code") or "")[:2] or None

    def score(e: dict[str, Any]) -> tuple[int, int, float]:
        trig = _words(str((e.get("evidence") or {}).get("trigger") or ""))
        word = int(bool(trig & gold_words))
        same = int(
            (gold_type is not None and normalize_type(str(e.get("event_type") or "")) == gold_type)
            or (gold_root is not None and str(e.get("cameo_root") or e.get("cameo") or "")[:2] == gold_root)
        )
        return word, same, float(e.get("confidence") or 0.0)

    best = max(events, key=score)
    return best if score(best)[:2] != (0, 0) else pick_event(events)


def actor_code(actor: dict[str, Any]) -> str | None:
    """ISO3 country, else the transnational code: IGO, NGO, or IMG for an armed group without a country."""
    if actor.get("country"):
        return str(actor["country"])
    aid, kind, sector = str(actor.get("id") or ""), actor.get("kind"), actor.get("sector")
    if kind == "igo" or aid.startswith("IGO:") or sector == "IGO":
        return "IGO"
    if aid.startswith("NGO:") or (sector == "NGO" and kind in ("org", "nonstate")):
        return "NGO"
    if kind == "nonstate" and sector in _ARMED and aid:
        return "IMG"
    return None


def gold_code(code: str) -> str:
    return LEGACY_CODES.get(code, code)


def gold_sector(sector: str | None) -> str | None:
    """'REBalb' → 'REB' (ethnic/religious suffixes dropped), '***' (unknown) → None, JRN → MED."""
    if not sector:
        return None
    head = sector[:3].upper()
    if not head.isalpha():
        return None
    return SECTOR_ALIASES.get(head, head)


def _actors(row: dict[str, Any], role: str) -> list[dict[str, Any]]:
    v = row.get(role) if role in row else row.get(f"{role}_actor")
    if isinstance(v, dict):
        return [v]
    return [a for a in (v or []) if isinstance(a, dict)]


def gold_fields(row: dict[str, Any]) -> dict[str, Any]:
    """What a gold row says, by field (absent = not scored on this row). Sets of accepted values for
    actors (any of the gold actors counts)."""
    out: dict[str, Any] = {}
    ev = row.get("event") or row.get("plover_event")
    if ev:
        out["event_type"] = normalize_type(ev)
    if row.get("cameo_code"):
        out["cameo"] = str(row["cameo_code"])
        out["cameo_root"] = str(row.get("cameo_root") or row["cameo_code"][:2])
    if "label_set" in row:  # ACLED snippets: rows outside ACLED expect no ACLED type
        out["acled_event_type"] = row.get("acled_event_type")
        if row.get("acled_event_type") is None or row.get("acled_sub_event_type"):
            out["acled_sub_event_type"] = row.get("acled_sub_event_type")
    for role in ("source", "target"):
        acts = _actors(row, role)
        countries = {gold_code(a["code"]) for a in acts if a.get("code")}
        sectors = {gs for a in acts if (gs := gold_sector(a.get("sector")))}
        if countries:
            out[f"{role}_country"] = countries
        if sectors:
            out[f"{role}_sector"] = sectors
    return out


def predicted_fields(event: dict[str, Any] | None, actors_of: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fields of the picked event; actor fields from `actors_of` (the aligned event) when given."""
    if event is None:
        return {}
    out: dict[str, Any] = {
        "event_type": normalize_type(event["event_type"]) if event.get("event_type") else None,
        "cameo": event.get("cameo"),
        "cameo_root": event.get("cameo_root") or (str(event["cameo"])[:2] if event.get("cameo") else None),
        "acled_event_type": event.get("acled_event_type"),
        "acled_sub_event_type": event.get("acled_sub_event_type"),
    }
    a_ev = event if actors_of is None else actors_of
    for role in ("source", "target"):
        acts = _actors(a_ev, role)
        out[f"{role}_country"] = next((c for a in acts if (c := actor_code(a))), None)
        out[f"{role}_sector"] = next((a.get("sector") for a in acts if a.get("sector")), None)
    return out


def _correct(gold: Any, pred: Any) -> bool:
    if isinstance(gold, set):
        return pred in gold
    return gold == pred


def _label(v: Any) -> str:
    if isinstance(v, set):
        return "|".join(sorted(v))
    return MISS if v is None else str(v)


def macro_f1(pairs: Sequence[tuple[str, str]]) -> float:
    """Macro-averaged F1 over the gold classes (predicted-only classes count as false positives)."""
    classes = {g for g, _ in pairs}
    if not classes:
        return 0.0
    total = 0.0
    for c in classes:
        tp = sum(1 for g, p in pairs if g == c and p == c)
        fp = sum(1 for g, p in pairs if g != c and p == c)
        fn = sum(1 for g, p in pairs if g == c and p != c)
        total += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return total / len(classes)


def score_events(
    set_name: str,
    gold: Sequence[dict[str, Any]],
    predicted: Sequence[Sequence[dict[str, Any]]],
    *,
    worst: int = 10,
) -> dict[str, Any]:
    """Score predicted events against one gold set. `predicted[i]` are the events found in gold[i]['text'].

    Returns {set, rows, answered, fields: {field: {n, accuracy, macro_f1, confusion}}, worst: [...]}.
    Single-label fields get macro-F1 and a confusion table; actor fields only accuracy."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold rows but {len(predicted)} prediction lists")
    pairs: dict[str, list[tuple[str, str]]] = {f: [] for f in FIELDS}
    right: dict[str, int] = Counter()
    errors: list[dict[str, Any]] = []
    answered = 0
    for row, events in zip(gold, predicted, strict=True):
        ev = pick_event(events)
        answered += ev is not None
        g, p = gold_fields(row), predicted_fields(ev, align_event(row, events))
        if any(f.startswith("acled") for f in g):
            p.update(
                {k: v for k, v in predicted_fields(acled_event(events)).items() if k.startswith("acled")}
            )
        wrong = {}
        for f in FIELDS:
            if f not in g:
                continue
            ok = _correct(g[f], p.get(f))
            right[f] += ok
            pairs[f].append((_label(g[f]), _label(p.get(f))))
            if not ok:
                wrong[f] = {"gold": _label(g[f]), "predicted": _label(p.get(f))}
        if wrong:
            errors.append({"id": row.get("id"), "text": row.get("text", ""), "errors": wrong})
    fields: dict[str, Any] = {}
    for f in FIELDS:
        ps = pairs[f]
        if not ps:
            continue
        entry: dict[str, Any] = {"n": len(ps), "accuracy": right[f] / len(ps)}
        if not f.endswith(("_country", "_sector")):
            entry["macro_f1"] = macro_f1(ps)
            entry["confusion"] = {f"{gl} → {pl}": n for (gl, pl), n in Counter(ps).most_common() if gl != pl}
        fields[f] = entry
    errors.sort(key=lambda e: (-len(e["errors"]), str(e["id"])))
    return {
        "set": set_name,
        "rows": len(gold),
        "answered": answered,
        "fields": fields,
        "worst": errors[:worst],
    }


# ---------------------------------------------------------------- the actors set


def actor_cases(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every gold actor of event rows with its char span in the row text (found by its words), country
    code and sector. Actors whose words are not in the text are skipped (a few gold texts paraphrase)."""
    out = []
    for row in rows:
        text = row.get("text", "")
        low = text.lower()
        for role in ("source", "target"):
            for a in _actors(row, role):
                phrase = str(a.get("text") or "").strip()
                part = max((p.strip(" .") for p in phrase.replace("..", "…").split("…")), key=len, default="")
                start = low.find(part.lower()) if part else -1
                if start < 0:
                    continue
                out.append(
                    {
                        "id": row.get("id"),
                        "role": role,
                        "text": part,
                        "start": start,
                        "end": start + len(part),
                        "country": gold_code(a["code"]) if a.get("code") else None,
                        "sector": gold_sector(a.get("sector")),
                    }
                )
    return out


def match_actor(
    case: dict[str, Any], refs: Sequence[dict[str, Any]], places: Sequence[dict[str, Any]] = ()
) -> dict[str, Any] | None:
    """The predicted actor whose span best fits the gold span (overlap over union; ties: one with a
    code). A place the pipeline found there stands in when no actor does (sector unknown)."""
    for pool in (refs, places):
        best, key = None, (0.0, 0)
        for r in pool:
            if r.get("start") is None or r.get("end") is None:
                continue
            overlap = min(case["end"], r["end"]) - max(case["start"], r["start"])
            if overlap <= 0:
                continue
            union = max(case["end"], r["end"]) - min(case["start"], r["start"])
            k = (overlap / union, int(actor_code(r) is not None))
            if k > key:
                best, key = r, k
        if best is not None:
            return best if pool is refs else {"country": best.get("country"), "sector": None}
    return None


def score_actors(
    cases: Sequence[dict[str, Any]], predicted: Sequence[dict[str, Any] | None], *, worst: int = 10
) -> dict[str, Any]:
    """Country and sector accuracy of the actor coder on gold actor spans. `predicted[i]` is the actor
    the pipeline coded over `cases[i]`'s span (None: no actor found there, a wrong answer)."""
    if len(cases) != len(predicted):
        raise ValueError(f"{len(cases)} gold actors but {len(predicted)} predictions")
    right: dict[str, int] = Counter()
    n: dict[str, int] = Counter()
    errors = []
    for c, p in zip(cases, predicted, strict=True):
        got = {"country": actor_code(p) if p else None, "sector": (p or {}).get("sector")}
        wrong = {}
        for f in ("country", "sector"):
            if c[f] is None:
                continue
            n[f] += 1
            if got[f] == c[f]:
                right[f] += 1
            else:
                wrong[f] = {"gold": c[f], "predicted": _label(got[f])}
        if wrong:
            errors.append({"id": c["id"], "text": c["text"], "role": c["role"], "errors": wrong})
    errors.sort(key=lambda e: (-len(e["errors"]), str(e["id"])))
    fields = {f: {"n": n[f], "accuracy": right[f] / n[f] if n[f] else 0.0} for f in ("country", "sector")}
    return {
        "set": "actors",
        "actors": len(cases),
        "found": sum(p is not None for p in predicted),
        "country_accuracy": fields["country"]["accuracy"],
        "sector_accuracy": fields["sector"]["accuracy"],
        "fields": fields,
        "worst": errors[:worst],
    }
