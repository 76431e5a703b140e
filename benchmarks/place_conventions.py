"""Why GeoVirus and GeoWebNews cannot both reach their 161 km targets with one point per country (issue #4).

The two dev golds place countries by different conventions: GeoWebNews at GeoNames' points (which
Sitroom uses, with the GeoNames id), GeoVirus at other points (Canada 60,-95 where GeoNames has
60.1,-113.6). This scores our end-to-end predictions on both sets twice: as they are, and with every
country-level prediction moved to the point GeoVirus's own gold gives that country most often (read
from the gold at run time, for this comparison only; nothing here feeds the product). Usage:

    python benchmarks/place_conventions.py --dev ../shared/data/dev
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path


def predictions(path: Path, nlp, gaz) -> list[tuple[object, tuple[float, float]]]:
    """(our place, gold point) for every gold toponym we found, as `sitroom eval --set places` pairs them."""
    from sitroom.eval.places import _hits, _scorable
    from sitroom.resolve.places import find_places

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for row, doc in zip(rows, nlp.pipe(r["text"] for r in rows), strict=True):
        found = find_places(doc, None, gaz)
        for t in row["toponyms"]:
            p = next((p for p in found if _hits(p, t)), None) if _scorable(t) else None
            if p is not None and p.lat is not None:
                out.append((p, (float(t["lat"]), float(t["lon"]))))
    return out


def main() -> None:
    from sitroom.eval.seed import km
    from sitroom.nlp import load
    from sitroom.records import Precision
    from sitroom.resolve.gazetteer import open_gazetteer

    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=Path("../shared/data/dev"))
    a = ap.parse_args()
    nlp, gaz = load(), open_gazetteer(None)
    sets = {n: predictions(a.dev / "places" / f"{n}.jsonl", nlp, gaz) for n in ("geovirus", "geowebnews")}
    votes: dict[str, Counter] = defaultdict(Counter)
    for p, gold in sets["geovirus"]:
        if p.precision == Precision.COUNTRY:
            votes[p.country][gold] += 1
    theirs = {c: v.most_common(1)[0][0] for c, v in votes.items()}

    def within(rows, moved: bool) -> float:
        def point(p):
            own = (p.lat, p.lon)
            return theirs.get(p.country, own) if moved and p.precision == Precision.COUNTRY else own

        return sum(km(gold, point(p)) <= 161 for p, gold in rows) / len(rows)

    print(f"{len(theirs)} countries moved to GeoVirus's points")
    for name, rows in sets.items():
        print(
            f"{name:10s} within 161 km: GeoNames points {within(rows, False):.3f}, "
            f"GeoVirus's country points {within(rows, True):.3f}  ({len(rows)} toponyms)"
        )


if __name__ == "__main__":
    main()
