"""Score toponym resolution (GeoWebNews / GeoVirus format) and event location (event_location.jsonl).

Toponyms: only gold spans with coordinates count. Two modes: "e2e" (our own mentions, matched to
gold spans by overlap) and "gold" (each gold span resolved in the context of the document).
Metrics as in the geoparsing literature: `exact` GeoNames id, `within_161km` accuracy, `auc` of the
log-scaled error distance (lower is better), plus `country_accuracy` and `recall`. In "e2e" mode the
distance metrics cover the gold toponyms we found (`recall` says how many); in "gold" mode every
gold span counts, an unresolved one at the worst distance.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sitroom.eval.seed import km
from sitroom.records import Article, Candidate, PlaceRef, Span

MAX_KM = 20039.0  # half the Earth's circumference: the worst possible error
NOT_TOPONYMS = {"Literal_Expression", "Non_Lit_Expression", "Non_Toponym"}


def _rows(path: Path, limit: int | None) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if limit is not None and i >= limit:
                return
            if line.strip():
                yield json.loads(line)


def auc(errors: list[float]) -> float:
    """Area under the curve of sorted, log-scaled errors (0 = perfect, 1 = all at the antipode)."""
    if not errors:
        return 0.0
    ys = sorted(math.log(1 + e) / math.log(1 + MAX_KM) for e in errors)
    if len(ys) == 1:
        return ys[0]
    return sum((a + b) / 2 for a, b in zip(ys, ys[1:], strict=False)) / (len(ys) - 1)


def _scorable(t: dict) -> bool:
    return t.get("lat") is not None and t.get("lon") is not None and t.get("type") not in NOT_TOPONYMS


def score_toponyms(
    path: str | Path, *, limit: int | None = None, mode: str = "e2e", cache_dir: Path | None = None
) -> dict[str, Any]:
    """Score our geoparser on a GeoWebNews/GeoVirus-format file. `mode`: "e2e" or "gold"."""
    from sitroom.errors import UsageError

    if mode not in ("e2e", "gold"):
        raise UsageError(f"mode must be 'e2e' or 'gold', got {mode!r}")
    from sitroom.nlp import load
    from sitroom.resolve.gazetteer import open_gazetteer
    from sitroom.resolve.places import find_places, resolve_spans

    nlp = load()
    gaz = open_gazetteer(cache_dir)
    rows = list(_rows(Path(path), limit))
    errors: list[float] = []
    exact = exact_n = country_ok = country_n = gold_n = matched = 0
    predicted = predicted_hit = 0
    for row, doc in zip(rows, nlp.pipe(r["text"] for r in rows), strict=True):
        gold = [t for t in row["toponyms"] if _scorable(t)]
        every = row["toponyms"]
        gold_n += len(gold)
        if mode == "e2e":
            preds = find_places(doc, None, gaz)
            predicted += len(preds)
            predicted_hit += sum(any(_hits(p, t) for t in every) for p in preds)
            got: list[PlaceRef | None] = [next((p for p in preds if _hits(p, t)), None) for t in gold]
        else:
            got = resolve_spans(doc, [(t["start"], t["end"]) for t in gold], gaz)
        for t, p in zip(gold, got, strict=True):
            if p is None or p.lat is None:
                if mode == "gold":
                    errors.append(MAX_KM)
                    exact_n += bool(t.get("geonameid"))
                continue
            matched += 1
            errors.append(km((float(t["lat"]), float(t["lon"])), (p.lat, p.lon)))
            if t.get("geonameid"):
                exact_n += 1
                exact += p.geonames_id == int(t["geonameid"])
                g = gaz.by_geonames_id(int(t["geonameid"]))
                if g is not None and g.country:
                    country_n += 1
                    country_ok += p.country == g.country
    n = len(errors) or 1
    out: dict[str, Any] = {
        "mode": mode,
        "docs": len(rows),
        "gold_toponyms": gold_n,
        "scored": len(errors),
        "recall": round(matched / gold_n, 4) if gold_n else 0.0,
        "exact": round(exact / exact_n, 4) if exact_n else None,
        "within_161km": round(sum(e <= 161 for e in errors) / n, 4),
        "auc": round(auc(errors), 4),
        "country_accuracy": round(country_ok / country_n, 4) if country_n else None,
    }
    out["acc161"], out["country_acc"] = out["within_161km"], out["country_accuracy"]  # names the gate pins
    if mode == "e2e":
        out["precision"] = round(predicted_hit / predicted, 4) if predicted else 0.0
    return out


def _hits(p: PlaceRef, t: dict) -> bool:
    return p.start is not None and p.start < t["end"] and t["start"] < p.end


# --- event location ------------------------------------------------------------------------------


def gold_location_spans(row: dict, doc: Any) -> list[tuple[int, int]]:
    """Gold event-location spans as char offsets. Some rows of the public file give token indices
    (inclusive) instead of char offsets; a span that does not sit on word boundaries is read that way."""
    text = row["text"]
    out = []
    for loc in row.get("event_locations") or ():
        s, e = loc["start"], loc["end"]
        piece = text[s:e]
        on_words = (
            e > s
            and piece.strip() == piece
            and (s == 0 or not text[s - 1].isalnum())
            and (e == len(text) or not text[e].isalnum())
        )
        if on_words:
            out.append((s, e))
        elif 0 <= s <= e < len(doc):
            out.append((doc[s].idx, doc[e].idx + len(doc[e])))
    return out


def predict_event_location(
    doc: Any, verb_start: int, verb_end: int, places: list[PlaceRef]
) -> PlaceRef | None:
    """Our event location for the verb at [verb_start, verb_end): a minimal candidate from the parse."""
    from sitroom.resolve.context import ArticleContext
    from sitroom.resolve.location import event_location, place_phrases
    from sitroom.resolve.places import article_focus

    sp = doc.char_span(verb_start, verb_end, alignment_mode="expand")
    if sp is None:
        return None
    trig = sp.root
    sent = trig.sent
    agents = [c for c in trig.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
    src = tuple(
        Span(start=list(c.subtree)[0].idx, end=list(c.subtree)[-1].idx + len(list(c.subtree)[-1]), text="")
        for c in agents
        if c.dep_ == "nsubj"
    )
    tgt = tuple(
        Span(start=list(c.subtree)[0].idx, end=list(c.subtree)[-1].idx + len(list(c.subtree)[-1]), text="")
        for c in agents
        if c.dep_ == "nsubjpass"
    )
    cand = Candidate(
        event_type="",
        cameo="",
        trigger=Span(start=sp.start_char, end=sp.end_char, text=sp.text),
        sentence=Span(start=sent.start_char, end=sent.end_char, text=sent.text),
        source=src,
        target=tgt,
        places=tuple(place_phrases(doc, trig)),
    )
    art = Article(id="eval", ref="eval", text=doc.text)
    ctx = ArticleContext(
        article=art, doc=doc, published=None, places=tuple(places), focus=article_focus(places)
    )
    return event_location(cand, ctx)


def score_event_location(
    path: str | Path, *, limit: int | None = None, cache_dir: Path | None = None, details: bool = False
) -> dict[str, Any]:
    """Accuracy of event_location on event_location.jsonl: a row is right when we return no place
    and the gold says none, or our place overlaps one of the gold location spans."""
    from sitroom.nlp import load
    from sitroom.resolve.gazetteer import open_gazetteer
    from sitroom.resolve.places import find_places

    nlp = load()
    gaz = open_gazetteer(cache_dir)
    rows = [r for r in _rows(Path(path), limit) if r.get("verb")]  # a few public rows lack the verb
    right = none_rows = none_right = loc_rows = loc_right = 0
    misses = []
    for row, doc in zip(rows, nlp.pipe(r["text"] for r in rows), strict=True):
        places = find_places(doc, None, gaz)
        pred = predict_event_location(doc, row["verb"]["start"], row["verb"]["end"], places)
        gold = gold_location_spans(row, doc)
        if row.get("no_location_in_sentence") or not gold:
            none_rows += 1
            ok = pred is None
            none_right += ok
        else:
            loc_rows += 1
            ok = pred is not None and any(pred.start < e and s < pred.end for s, e in gold)
            loc_right += ok
        right += ok
        if not ok and details:
            misses.append(
                {
                    "id": row["id"],
                    "pred": pred.text if pred else None,
                    "gold": [row["text"][s:e] for s, e in gold],
                }
            )
    n = len(rows) or 1
    out: dict[str, Any] = {
        "rows": len(rows),
        "accuracy": round(right / n, 4),
        "none_rows": none_rows,
        "none_accuracy": round(none_right / none_rows, 4) if none_rows else None,
        "location_rows": loc_rows,
        "location_accuracy": round(loc_right / loc_rows, 4) if loc_rows else None,
    }
    if details:
        out["misses"] = misses
    return out
