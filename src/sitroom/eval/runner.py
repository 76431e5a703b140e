"""`sitroom eval`: run the pipeline over a dev gold set and score it; the gate compares to floors."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sitroom.config import Settings, load
from sitroom.errors import UsageError
from sitroom.records import ArticleResult, to_dict

# set name → file under the dev folder
SETS = {
    "seed": "seed/gold.json",
    "cameo": "events/cameo_examples.jsonl",
    "plover": "events/plover_gsr.jsonl",
    "acled": "events/acled_snippets.jsonl",
    "actors": "events",  # the actors of the plover and cameo rows
    "geowebnews": "places/geowebnews.jsonl",
    "geovirus": "places/geovirus.jsonl",
    "event-location": "places/event_location.jsonl",
    "stories": "stories",  # ECB+ docs and clusters
}
GROUPS = {
    "events": ("seed", "cameo", "plover", "acled", "actors"),
    "places": ("geowebnews", "geovirus", "event-location"),
}
GROUPS["all"] = GROUPS["events"] + GROUPS["places"] + ("stories",)


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _process_texts(
    texts: Iterable[str], settings: Settings, published: str | None = None
) -> list[ArticleResult]:
    from sitroom.ingest import from_text
    from sitroom.pipeline import process_articles

    arts = [from_text(t, ref=f"gold:{i}", published=published) for i, t in enumerate(texts)]
    return list(process_articles(arts, settings))


def run_set(
    name: str, gold: Path, settings: Settings | None = None, *, limit: int | None = None
) -> dict[str, Any]:
    """Score one gold set; returns its metrics (flat keys for the gate, plus details)."""
    settings = settings or load()
    if not gold.exists():
        raise UsageError(f"gold file {gold} does not exist")
    if name == "seed":
        from sitroom.eval.seed import score_seed

        g = json.loads(gold.read_text(encoding="utf-8"))
        text = (gold.parent / g["input"]["file"]).read_text(encoding="utf-8")
        (res,) = _process_texts([text], settings, published=g["input"].get("published"))
        return score_seed(g, [to_dict(e) for e in res.events])
    if name in ("cameo", "plover", "acled"):
        from sitroom.eval.events import score_events

        rows = read_jsonl(gold)[:limit]
        results = _process_texts([r["text"] for r in rows], settings)
        return score_events(name, rows, [[to_dict(e) for e in r.events] for r in results])
    if name == "actors":
        from sitroom.eval.events import actor_cases, match_actor, score_actors

        rows = [r for f in (SETS["plover"], SETS["cameo"]) for r in read_jsonl(gold / Path(f).name)][:limit]
        cases = actor_cases(rows)
        texts = list(dict.fromkeys(r["text"] for r in rows))
        refs, places = {}, {}
        for t, res in zip(texts, _process_texts(texts, settings), strict=True):
            acts = [*res.actors, *(a for e in res.events for a in (*e.source, *e.target))]
            refs[t], places[t] = [to_dict(a) for a in acts], [to_dict(p) for p in res.places]
        by_id = {r.get("id"): r["text"] for r in rows}
        return score_actors(
            cases, [match_actor(c, refs[by_id[c["id"]]], places[by_id[c["id"]]]) for c in cases]
        )
    if name in ("geowebnews", "geovirus"):
        from sitroom.eval.places import score_toponyms

        return score_toponyms(gold, limit=limit)
    if name == "stories":
        from sitroom.eval.stories import score_stories

        return score_stories(gold, settings, limit=limit)
    if name == "event-location":
        from sitroom.eval.places import score_event_location

        return score_event_location(gold, limit=limit)
    raise UsageError(f"unknown eval set {name!r}; choose one of: {', '.join([*SETS, *GROUPS, 'gate'])}")


def run_many(
    names: Iterable[str], dev: Path, settings: Settings | None = None, *, limit: int | None = None
) -> dict[str, dict]:
    out = {}
    for n in names:
        out[n] = run_set(n, dev / SETS[n], settings, limit=limit)
    return out


def expand(name: str) -> tuple[str, ...]:
    if name in SETS:
        return (name,)
    if name in GROUPS:
        return GROUPS[name]
    if name == "gate":
        return GROUPS["all"]
    raise UsageError(f"unknown eval set {name!r}; choose one of: {', '.join([*SETS, *GROUPS, 'gate'])}")


# ---------------------------------------------------------------- the gate
def metric(scores: dict[str, dict], key: str) -> float | None:
    """'plover.type_accuracy' → scores['plover']['type_accuracy'] (nested keys with dots)."""
    cur: Any = scores
    for part in key.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return float(cur) if isinstance(cur, int | float) else None


def check_floors(scores: dict[str, dict], floors: dict[str, Any]) -> list[str]:
    """Every pinned floor, minus the noise allowance, must still be met, and every ceiling (for
    counts that must stay low, such as must-not violations) not exceeded. Returns the failures."""
    allowance = float(floors.get("allowance", 0.01))
    failed = []
    for key, floor in floors.get("floors", {}).items():
        got = metric(scores, key)
        if got is None:
            failed.append(f"{key}: missing from the scores (floor {floor})")
        elif got < float(floor) - allowance:
            failed.append(f"{key}: {got:.3f} < floor {floor} (allowance {allowance})")
    for key, ceiling in floors.get("ceilings", {}).items():
        got = metric(scores, key)
        if got is None:
            failed.append(f"{key}: missing from the scores (ceiling {ceiling})")
        elif got > float(ceiling):
            failed.append(f"{key}: {got:.3f} > ceiling {ceiling}")
    return failed
