"""The hand-written corpus (tests/corpus/stories): every story, relation, derived_from,
attribution_dropped and independent count, linked from text alone (no spaCy), in one go and in parts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitroom.ingest import read
from sitroom.link import link_articles
from sitroom.records import ArticleResult
from sitroom.store import open_store

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "stories"


def _articles():
    return list(read([str(CORPUS / "articles.jsonl")]))


def _picture(store) -> list[dict]:
    """Stories as {ref: (relation, derived_from ref, dropped)} plus counts, in a comparable form."""
    refs = dict(store.con.execute("SELECT id, ref FROM articles").fetchall())
    rows = store.con.execute(
        "SELECT story_id, article_id, relation, derived_from, attribution_dropped FROM story_articles"
    ).fetchall()
    stories: dict[str, dict] = {}
    for sid, aid, rel, der, dropped in rows:
        stories.setdefault(sid, {})[refs[aid]] = {
            "relation": rel,
            "derived_from": refs.get(der) if der else None,
            "attribution_dropped": bool(dropped),
        }
    meta = dict(
        (sid, (n, sorted(ag or [])))
        for sid, n, ag in store.con.execute(
            "SELECT id, independent_sources, agencies FROM stories"
        ).fetchall()
    )
    return sorted(
        (
            {"articles": arts, "independent_sources": meta[sid][0], "agencies": meta[sid][1]}
            for sid, arts in stories.items()
        ),
        key=lambda s: sorted(s["articles"]),
    )


def _expected() -> list[dict]:
    exp = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["stories"]
    return sorted(exp, key=lambda s: sorted(s["articles"]))


def test_corpus_shape():
    arts = _articles()
    assert len(arts) >= 12
    assert len({a.id for a in arts}) == len(arts), "copies must differ somewhere, or the store keeps one"
    assert {r for s in _expected() for r in s["articles"]} == {a.ref for a in arts}


def test_corpus_in_one_go():
    with open_store(":memory:") as store:
        store.write([ArticleResult(article=a) for a in _articles()])
        counts = link_articles(store)
        assert counts.articles == 12 and counts.stories_new == 3
        assert _picture(store) == _expected()


@pytest.mark.parametrize("split", [3, 6, 9])
def test_corpus_incrementally(split):
    """Two ingests: the second extends the stories of the first instead of reclustering."""
    arts = sorted(_articles(), key=lambda a: a.published or "")
    with open_store(":memory:") as store:
        store.write([ArticleResult(article=a) for a in arts[:split]])
        link_articles(store)
        before = dict(store.con.execute("SELECT article_id, story_id FROM story_articles").fetchall())
        store.write([ArticleResult(article=a) for a in arts[split:]])
        second = link_articles(store)
        assert second.articles == len(arts) - split
        after = dict(store.con.execute("SELECT article_id, story_id FROM story_articles").fetchall())
        assert all(after[a] == s for a, s in before.items()), "an existing story was reclustered"
        assert _picture(store) == _expected()


def test_relinking_is_a_no_op():
    with open_store(":memory:") as store:
        store.write([ArticleResult(article=a) for a in _articles()])
        link_articles(store)
        assert link_articles(store).articles == 0
