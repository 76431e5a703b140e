"""Which coded events a change of the extraction rules would drop, on a store coded before the change.

Takes the distinct (sentence, trigger, type) of a store's events, runs the current extractor on each
sentence alone, and lists those it no longer codes with the same trigger and type, for a person to review:
is each a false event that the new rule rightly drops? A sentence parsed alone can come out other than in
its article, so a few rows may differ with no rule changed: run it with the code that made the store
first to see that baseline. Usage:

    python benchmarks/recode_diff.py --db bench.duckdb [--types ASSAULT,AID] [--show 100]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

import duckdb

from sitroom.extract import extract
from sitroom.nlp import load

QUERY = """
SELECT DISTINCT record->>'$.evidence.sentence' AS sentence, record->>'$.evidence.trigger' AS trigger,
       event_type
FROM events WHERE record->>'$.evidence.sentence' IS NOT NULL {where}
ORDER BY event_type, trigger, sentence
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="a store coded with the earlier rules")
    ap.add_argument("--types", default="", help="event types to look at, comma-separated (default: all)")
    ap.add_argument("--show", type=int, default=100, help="list at most this many dropped sentences")
    ap.add_argument("--json", action="store_true", help="print the dropped rows as JSON lines instead")
    a = ap.parse_args()
    types = [t.strip().upper() for t in a.types.split(",") if t.strip()]
    where = "AND event_type IN (SELECT unnest(?::VARCHAR[]))" if types else ""
    with duckdb.connect(a.db, read_only=True) as con:
        rows = con.execute(QUERY.format(where=where), [types] if types else []).fetchall()
    nlp = load()
    dropped = []
    for (sentence, trigger, etype), doc in zip(rows, nlp.pipe(r[0] for r in rows), strict=True):
        if not any(c.trigger.text == trigger and c.event_type == etype for c in extract(doc)):
            dropped.append({"type": etype, "trigger": trigger, "sentence": sentence})
    if a.json:
        for d in dropped:
            print(json.dumps(d, ensure_ascii=False))
        return
    by_type = dict(Counter(d["type"] for d in dropped).most_common())
    print(f"{len(rows)} distinct coded sentences, {len(dropped)} no longer coded: {by_type}")
    for d in dropped[: a.show]:
        print(f"- {d['type']:<10} {d['trigger']:<12} | {' '.join(d['sentence'].split())[:140]}")


if __name__ == "__main__":
    main()
