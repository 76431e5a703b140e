"""Dev scores of the extractor (a script, not a test): PLOVER type on plover_gsr.jsonl and CAMEO root on
cameo_examples.jsonl, taking the most confident non-STATEMENT candidate of each text.

    .venv/bin/python tests/unit/extract/devscore.py [--dev ../shared/data/dev] [--errors]
"""

from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path

OLD_PLOVER = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "FIGHT": "ASSAULT", "INVESTIGATE": "ACCUSE"}


def best(cands):
    real = [c for c in cands if c.event_type != "STATEMENT"]
    pool = real or list(cands)
    return max(pool, key=lambda c: c.confidence) if pool else None


def score(dev: Path, show_errors: bool = False) -> dict[str, float]:
    from sitroom.extract import extract
    from sitroom.nlp import load

    nlp = load()
    out = {}
    for name, field, norm in (
        ("plover_gsr.jsonl", "event", lambda r: OLD_PLOVER.get(r["event"], r["event"])),
        ("cameo_examples.jsonl", "cameo_root", lambda r: r["cameo_root"]),
    ):
        rows = [json.loads(x) for x in (dev / "events" / name).read_text().splitlines() if x.strip()]
        rows = [r for r in rows if not r["text"].startswith("NEED EXAMPLE")]
        hits, confusion = 0, collections.Counter()
        for r, doc in zip(rows, nlp.pipe(r["text"] for r in rows), strict=True):
            c = best(extract(doc))
            if c is None:
                got = "NONE"
            elif field == "event":
                got = c.event_type
            else:
                got = c.cameo[:2]
            want = norm(r)
            hits += got == want
            if got != want:
                confusion[(want, got)] += 1
                if show_errors:
                    trig = c.trigger.text if c else ""
                    print(f"{name[:5]} want {want:9} got {got:9} [{trig}] {r['text'][:100]}")
        out[name] = hits / len(rows)
        print(
            f"{name}: {hits}/{len(rows)} = {hits / len(rows):.3f}   top confusions {confusion.most_common(6)}"
        )
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default=str(Path(__file__).resolve().parents[4] / "shared" / "data" / "dev"))
    ap.add_argument("--errors", action="store_true")
    a = ap.parse_args()
    score(Path(a.dev), a.errors)
