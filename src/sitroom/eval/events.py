"""Scoring event coding against the dev gold sets (formats in ../shared/data/dev/README.md).

Pure functions: gold rows and predicted event records (dicts in the event-record JSON shape) in,
metrics out. For each gold row one predicted event answers: the highest-confidence event that is
not a STATEMENT, else a STATEMENT, else none (a miss, scored as a wrong answer).

Fields scored where the gold row has them: PLOVER type (0.5b1 labels mapped to current ones),
CAMEO root and full code, ACLED event type and sub-event type (rows outside ACLED expect no ACLED
type), source/target country and sector.
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


def pick_event(events: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The event that answers a gold row: best non-STATEMENT, else best STATEMENT, else None."""
    if not events:
        return None
    real = [e for e in events if e.get("event_type") != STATEMENT]
    pool = real or list(events)
    return max(pool, key=lambda e: float(e.get("confidence") or 0.0))


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
        countries = {a["code"] for a in acts if a.get("code")}
        sectors = {a["sector"] for a in acts if a.get("sector")}
        if countries:
            out[f"{role}_country"] = countries
        if sectors:
            out[f"{role}_sector"] = sectors
    return out


def predicted_fields(event: dict[str, Any] | None) -> dict[str, Any]:
    if event is None:
        return {}
    out: dict[str, Any] = {
        "event_type": normalize_type(event["event_type"]) if event.get("event_type") else None,
        "cameo": event.get("cameo"),
        "cameo_root": event.get("cameo_root") or (str(event["cameo"])[:2] if event.get("cameo") else None),
        "acled_event_type": event.get("acled_event_type"),
        "acled_sub_event_type": event.get("acled_sub_event_type"),
    }
    for role in ("source", "target"):
        acts = _actors(event, role)
        out[f"{role}_country"] = next((a.get("country") for a in acts if a.get("country")), None)
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
        g, p = gold_fields(row), predicted_fields(ev)
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
