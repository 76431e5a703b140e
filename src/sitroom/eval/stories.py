"""Story clustering scored on ECB+ (`stories/ecbplus_docs.jsonl` + `ecbplus_clusters.jsonl`): B³ F1,
and how many pairs of sub-topics of one topic ended up in a shared story (each topic pairs two
similar events that must stay apart).

The documents go through the real path: pipeline → store → `link_articles`. They carry no dates.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sitroom.config import Settings, load

DOCS = "ecbplus_docs.jsonl"
CLUSTERS = "ecbplus_clusters.jsonl"


def _read(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


_DOUBLED = re.compile(r"(\S+) \1(\S*?)\2(?=\s|$)")


def undouble(text: str) -> str:
    """Some ECB+ texts repeat every token ('The The navy navy has has', 'pirates pirates..'), an
    artefact of how the corpus was exported; collapse a line when nearly all of it is doubled, keep
    other lines as they are (real text repeats a word only now and then)."""
    out = []
    for line in text.split("\n"):
        fixed = _DOUBLED.sub(r"\1\2", line)
        out.append(fixed if len(fixed) <= 0.7 * len(line) else line)
    return "\n".join(out)


def _paths(dev: Path | str | Sequence[Path | str]) -> tuple[Path, Path]:
    if isinstance(dev, str | Path):
        d = Path(dev)
        if d.is_file():
            return d, d.with_name(CLUSTERS)
        for base in (d, d / "stories"):
            if (base / DOCS).exists():
                return base / DOCS, base / CLUSTERS
        raise FileNotFoundError(f"no {DOCS} in {d} or {d / 'stories'}")
    docs, clusters = (Path(p) for p in dev)
    return docs, clusters


def b_cubed(pred: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B³ precision, recall and F1 over the items of `gold` (item → cluster label in each)."""
    pc: dict[str, set[str]] = defaultdict(set)
    gc: dict[str, set[str]] = defaultdict(set)
    items = [i for i in gold if i in pred]
    for i in items:
        pc[pred[i]].add(i)
        gc[gold[i]].add(i)
    if not items:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    p = r = 0.0
    for i in items:
        both = len(pc[pred[i]] & gc[gold[i]])
        p += both / len(pc[pred[i]])
        r += both / len(gc[gold[i]])
    p, r = p / len(items), r / len(items)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def merged_subtopics(pred: dict[str, str], subtopic: dict[str, str], topic: dict[str, str]) -> list[str]:
    """Pairs 'A+B' of sub-topics of one topic that share a predicted story (even through one article)."""
    by_story: dict[str, set[str]] = defaultdict(set)
    for doc, story in pred.items():
        if doc in subtopic:
            by_story[story].add(subtopic[doc])
    pairs = set()
    for subs in by_story.values():
        for a in subs:
            for b in subs:
                if a < b and topic.get(a) == topic.get(b):
                    pairs.add(f"{a}+{b}")
    return sorted(pairs)


def cluster_docs(
    docs: list[dict[str, Any]], settings: Settings | None = None, *, store_path: str = ":memory:"
) -> dict[str, str]:
    """Run the docs through pipeline → store → link; returns doc_id → story id."""
    from sitroom.ingest import from_text
    from sitroom.link import link_articles
    from sitroom.pipeline import process_articles
    from sitroom.store import open_store

    settings = settings or load()
    arts = [from_text(undouble(d["text"]), ref=d["doc_id"]) for d in docs]
    with open_store(store_path) as store:
        store.write(process_articles(arts, settings))
        link_articles(store)
        rows = store.con.execute(
            "SELECT a.ref, s.story_id FROM story_articles s JOIN articles a ON a.id = s.article_id"
        ).fetchall()
    return dict(rows)


def score_stories(
    dev: Path | str | Sequence[Path | str],
    settings: Settings | None = None,
    *,
    limit: int | None = None,
    store_path: str = ":memory:",
) -> dict[str, Any]:
    """Score story clustering on ECB+. `dev` is the dev folder, its `stories/` folder, the docs file,
    or a (docs, clusters) pair. Returns b3_f1 (the gate's metric), precision, recall and the merged
    sub-topic pairs (`subtopics_merged` counts them; the target is 0)."""
    docs_path, clusters_path = _paths(dev)
    docs = _read(docs_path)[:limit]
    gold: dict[str, str] = {}
    for c in _read(clusters_path):
        for d in c["doc_ids"]:
            gold[d] = c["cluster_id"]
    subtopic = {d["doc_id"]: d["subtopic"] for d in docs}
    topic = {d["subtopic"]: d["topic"] for d in docs}
    pred = cluster_docs(docs, settings, store_path=store_path)
    wanted = {d["doc_id"] for d in docs}
    b3 = b_cubed(pred, {k: v for k, v in gold.items() if k in wanted})
    merged = merged_subtopics(pred, subtopic, topic)
    return {
        "b3_f1": round(b3["f1"], 4),
        "b3_precision": round(b3["precision"], 4),
        "b3_recall": round(b3["recall"], 4),
        "subtopics_merged": len(merged),
        "merged_pairs": merged,
        "docs": len(docs),
        "stories": len(set(pred.values())),
        "gold_clusters": len({gold[d] for d in wanted if d in gold}),
    }
