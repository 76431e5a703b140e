"""What geocoding adds to a run: place recognition and resolution (`find_places`) against the spaCy
parse of the same real articles, timed in one process, in turns (parse, geocode, parse, geocode...).

Issue #4 budget: geocoding adds no more than 10% to the time of plain spaCy. Usage:

    python benchmarks/bench_geocode.py --dev ../shared/data/dev [--n 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def corpus(dev: Path, n: int) -> list[str]:
    """Real news texts: GeoWebNews, GeoVirus, then ECB+ documents."""
    texts: list[str] = []
    for rel in ("places/geowebnews.jsonl", "places/geovirus.jsonl", "stories/ecbplus_docs.jsonl"):
        with open(dev / rel, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    return [t for t in texts if t.strip()][:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=Path("../shared/data/dev"))
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from sitroom.nlp import load
    from sitroom.resolve.gazetteer import open_gazetteer
    from sitroom.resolve.places import find_places

    texts = corpus(args.dev, args.n)
    nlp = load()
    gaz = open_gazetteer()
    docs = list(nlp.pipe(texts[:8]))
    for d in docs:  # warm-up: the gazetteer's page cache and lookup memo
        find_places(d, None, gaz)
    parse_s: list[float] = []
    geo_s: list[float] = []
    mentions = 0
    for _ in range(args.repeat):
        t0 = time.process_time()
        docs = list(nlp.pipe(texts, batch_size=32))
        parse_s.append(time.process_time() - t0)
        t0 = time.process_time()
        mentions = sum(len(find_places(d, None, gaz)) for d in docs)
        geo_s.append(time.process_time() - t0)
    words = sum(len(t.split()) for t in texts)
    best_parse, best_geo = min(parse_s), min(geo_s)
    print(
        json.dumps(
            {
                "articles": len(texts),
                "words": words,
                "place_mentions": mentions,
                "spacy_cpu_s": [round(x, 2) for x in parse_s],
                "geocode_cpu_s": [round(x, 2) for x in geo_s],
                "geocode_share_of_spacy": round(best_geo / best_parse, 4),
                "load_average": [round(x, 2) for x in os.getloadavg()],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
