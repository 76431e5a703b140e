"""The hand-written corpus (tests/corpus/stories): every story, relation, derived_from,
attribution_dropped and independent count, linked from text alone (no spaCy), in one go and in parts;
and the same with link features saved before the link (as a batch run's workers do) for every article,
some or none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitroom.ingest import read
from sitroom.link import link_articles, stored
from sitroom.link.stored import articles, mentions
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


def test_linking_tells_its_progress_after_each_batch():
    seen: list[tuple[int, int]] = []
    with open_store(":memory:") as store:
        store.write([ArticleResult(article=a) for a in _articles()])
        link_articles(store, batch=5, on_batch=lambda placed, todo: seen.append((placed, todo)))
    assert seen == [(0, 12), (5, 12), (10, 12), (12, 12)]


def test_relinking_is_a_no_op():
    with open_store(":memory:") as store:
        store.write([ArticleResult(article=a) for a in _articles()])
        link_articles(store)
        assert link_articles(store).articles == 0


def _tables(store) -> list[list[tuple]]:
    out = []
    for t in ("stories", "story_articles", "story_keys", "link_bands", "link_terms"):
        cols = [r[0] for r in store.con.execute(f"DESCRIBE {t}").fetchall() if not r[0].endswith("_at")]
        out.append(store.con.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY ALL").fetchall())
    return out


def _linked(
    saved: int | None, split: int = 0, batch: int = 5_000, *, later_first: bool = False, bands: bool = True
) -> tuple[list, list]:
    """Link the corpus (in two ingests when `split`, the later articles first when `later_first`;
    `batch` articles per link transaction), with the link features of the first `saved` articles of
    each ingest saved before it links (None: none), with their MinHash band keys when `bands` (as a
    batch run's writer saves them)."""
    arts = sorted(_articles(), key=lambda a: a.published or "")
    parts = [arts[:split], arts[split:]] if split else [arts]
    if later_first:
        parts.reverse()
    with open_store(":memory:") as store:
        for part in parts:
            store.write([ArticleResult(article=a) for a in part])
            ahead = [a.id for a in part[: saved or 0]]
            feats = stored.article_features(articles(store, ahead), mentions(store, ahead))
            table = stored.feature_table(list(feats.values()))
            stored.save(store, stored.with_bands(table) if bands else table)
            link_articles(store, batch=batch)
        return _picture(store), _tables(store)


@pytest.mark.parametrize(("split", "batch"), [(0, 5_000), (5, 5_000), (0, 5)])
@pytest.mark.parametrize(("saved", "bands"), [(100, True), (100, False), (4, True), (0, True)])
def test_saved_features_give_the_same_stories(monkeypatch, saved, bands, split, batch):
    """Linking reads the features (and band keys) saved with an article and computes only the others:
    the same stories and tables as computing every one (also over several batches)."""
    computed: list[int] = []
    real = stored.article_features
    picture, tables = _linked(saved, split, batch, bands=bands)
    monkeypatch.setattr(
        stored, "article_features", lambda arts, m=None: computed.append(len(arts)) or real(arts, m)
    )
    want_picture, want_tables = _linked(None, split, batch)
    if batch == 5_000:
        assert picture == _expected()
    assert picture == want_picture
    assert tables == want_tables
    assert sum(computed) == len(_articles())  # without saved features, the link computed them all


@pytest.mark.parametrize(
    ("split", "batch", "later_first"), [(5, 5, False), (0, 4, False), (7, 3, True), (4, 5_000, True)]
)
def test_saved_features_and_settled_links_give_the_same_stories(monkeypatch, split, batch, later_first):
    """Linking reads the provenance features of articles linked before from the store and keeps the
    links of a story's members before its first new one: the same tables as computing every feature
    and every member's link again each time (also when an ingest brings articles older than the
    members of the stories it extends)."""
    from sitroom.link import core

    _, kept = _linked(None, split, batch, later_first=later_first)
    real = core.provenance
    monkeypatch.setattr(
        stored,
        "provenance_of",
        lambda store, arts: {a.id: stored.provenance_features(a.id, a.text) for a in arts},
    )
    monkeypatch.setattr(core, "provenance", lambda members, settled=None: real(members))
    _, afresh = _linked(None, split, batch, later_first=later_first)
    assert kept == afresh


@pytest.mark.parametrize(("split", "batch"), [(0, 5_000), (5, 5_000), (0, 4)])
def test_stories_written_a_group_at_a_time_are_those_written_at_once(monkeypatch, split, batch):
    """A batch writes the stories it touched a group at a time (members' texts, features, mentions and
    events held for one group only): with one story a group, the same tables as with all in one."""
    from sitroom.link import core

    reads: list[int] = []  # members whose events one read fetched
    real = core._events
    monkeypatch.setattr(core, "_events", lambda store, ids: reads.append(len(ids)) or real(store, ids))
    monkeypatch.setattr(core, "STORY_GROUP", 10**9)
    at_once = _linked(None, split, batch)
    once, reads[:] = list(reads), []
    monkeypatch.setattr(core, "STORY_GROUP", 1)
    assert _linked(None, split, batch) == at_once
    assert len(reads) > len(once) and max(reads) <= max(once)


def test_groups_add_up_to_the_cap_and_a_big_one_stands_alone():
    from sitroom.link.core import _groups

    size = {"a": 2, "b": 2, "c": 5, "d": 1, "e": 3}.__getitem__
    assert list(_groups("abcde", size, 4)) == [["a", "b"], ["c"], ["d", "e"]]
    assert list(_groups("", size, 4)) == []


def test_linked_articles_have_their_link_features_saved():
    arts = _articles()
    with open_store(":memory:") as store:
        store.write([ArticleResult(article=a) for a in arts])
        link_articles(store, batch=5)
        ids = [a.id for a in arts]
        rows = articles(store, ids)
        assert stored._read_whole(store, rows)[0] == stored.article_features(rows, mentions(store, ids))
        assert stored._read_provenance(store, rows) == {
            a.id: stored.provenance_features(a.id, a.text) for a in rows
        }
        assert store.con.execute("SELECT count(*) FROM link_features").fetchall()[0][0] == len(arts)


def test_a_store_linked_before_the_table_gets_its_rows_when_met_again():
    """Articles linked before migration 0005 have no saved features: a later link computes those it
    meets, saves them (their provenance part: they are linked), and places the new articles as it
    would have."""
    arts = sorted(_articles(), key=lambda a: a.published or "")
    with open_store(":memory:") as store:
        store.write([ArticleResult(article=a) for a in arts[:6]])
        link_articles(store)
        store.con.execute("DELETE FROM link_features")
        store.write([ArticleResult(article=a) for a in arts[6:]])
        link_articles(store)
        assert _picture(store) == _expected()
        saved = [r[0] for r in store.con.execute("SELECT article_id FROM link_features").fetchall()]
        met = set(saved)
        assert len(met) == len(saved)  # one row an article
        assert {a.id for a in arts[6:]} <= met and len(met) > len(arts) - 6  # some earlier ones, met again
        rows = articles(store, list(met))
        assert stored._read_provenance(store, rows) == {
            a.id: stored.provenance_features(a.id, a.text) for a in rows
        }
        old = {a.id for a in arts[:6]} & met
        assert old and not stored._read_whole(store, [a for a in rows if a.id in old])[0]


def test_band_keys_saved_with_the_features_are_those_the_link_makes():
    from sitroom.link import families

    arts = _articles()
    feats = stored.article_features(arts)
    got = stored.with_bands(stored.feature_table(list(feats.values()))).column("bands").to_pylist()
    sigs = families.signatures(f.shingles for f in feats.values())
    assert got == [families.band_keys(s) for s in sigs]
    assert stored.with_bands(stored.LINK_FEATURES.empty_table()).num_rows == 0


def test_a_shard_gives_the_mentions_the_store_gives():
    """A worker takes an article's mentions from its shard's tables, the link from the store's: the
    same rows, the same mentions (and so the same link features)."""
    from sitroom.store import rows
    from sitroom.store.synthetic import results

    got = list(results(12, n_events=4))
    tables = rows.tables(got)
    with open_store(":memory:") as store:
        store.write(got)
        ids = [r.article.id for r in got]
        want = mentions(store, ids)
        assert stored.mentions_of(tables) == want and any(m["sigs"] for m in want.values())
        feats = stored.article_features(articles(store, ids), want)
        made = stored.feature_table(list(feats.values()))
        by_id = {r["article_id"]: r for r in made.to_pylist()}
        assert {r["article_id"]: r for r in stored.table_features(tables).to_pylist()} == by_id


def test_texts_are_read_one_batch_at_a_time(monkeypatch):
    """A run's unlinked articles may be many batches: only one batch's texts are in memory at once."""

    asked: list[int] = []
    real = stored.articles
    monkeypatch.setattr(stored, "articles", lambda store, ids: asked.append(len(ids)) or real(store, ids))
    arts = _articles()
    with open_store(":memory:") as store:
        store.write([ArticleResult(article=a) for a in arts])
        assert link_articles(store, batch=4).articles == len(arts)
    assert len(asked) >= 3 and max(asked) <= 4  # batches, and the members of stories they extend


def _near_texts() -> tuple[str, list[str]]:
    """A text, and three earlier ones sharing 19 of its 30 sentences (MinHash candidates, no copies)."""
    import random

    vocabulary = (
        "troops base convoy border talks minister village river bridge market school rebels police army "
        "city port airport fuel grain water aid camp general envoy court"
    )
    words = vocabulary.split()
    rng = random.Random(5)

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(9)).capitalize() + "."

    shared = [sentence() for _ in range(30)]
    return " ".join(shared), [" ".join(shared[:19] + [sentence() for _ in range(11)]) for _ in range(3)]


@pytest.mark.parametrize(("ahead", "rounds"), [(1, 4), (8, 1)])
def test_stored_copy_candidates_are_read_a_few_at_a_time(monkeypatch, ahead, rounds):
    """An article's stored copy candidates are read in order, `AHEAD` at a time, until one is a copy:
    not every stored article that shares a band with the batch."""
    from sitroom.ingest import from_text
    from sitroom.link import core, families

    text, near = _near_texts()
    olds = [from_text(t, ref=f"near{i}", published=f"2024-05-0{i + 1}") for i, t in enumerate(near)]
    copy = from_text(text + " One more line.", ref="copy", published="2024-05-04")
    new = from_text(text, ref="new", published="2024-05-09")
    f_new = stored.provenance_features(new.id, new.text)
    sigs = families.signatures(
        [f_new.shingles, *(stored.provenance_features(a.id, a.text).shingles for a in olds)]
    )
    mine = set(families.band_keys(sigs[0]))
    assert all(mine & set(families.band_keys(s)) for s in sigs[1:])  # all candidates ...
    assert not any(
        families.is_copy(f_new.shingles, stored.provenance_features(a.id, a.text).shingles) for a in olds
    )
    with open_store(":memory:") as store:
        store.write([ArticleResult(article=a) for a in [*olds, copy]])
        link_articles(store)
        store.write([ArticleResult(article=new)])
        arts = articles(store, [new.id])
        monkeypatch.setattr(core, "AHEAD", ahead)
        reads: list[list[str]] = []
        real = stored.articles
        monkeypatch.setattr(stored, "articles", lambda s, ids: reads.append(sorted(ids)) or real(s, ids))
        got = core._copy_sources(store, arts, stored.article_features(arts), {})
    assert got == {new.id: copy.id}
    order = [a.id for a in [*olds, copy]]
    assert len(reads) == rounds and [i for r in reads for i in sorted(r, key=order.index)] == order


def test_saved_terms_are_read_as_one_string_object_per_word():
    """The terms of a batch's saved rows share their strings (a str per occurrence was ~80 MB a batch),
    and read back as they were saved, over several chunks and with empty lists."""
    import pyarrow as pa

    from sitroom.link.stored import _shared_strings

    rows = [["talks", "ceasefire", "talks"], [], ["ceasefire", "envoy"]]
    column = pa.chunked_array(
        [pa.array(rows[:2], pa.list_(pa.string())), pa.array(rows[2:], pa.list_(pa.string()))]
    )
    got = _shared_strings(column)
    assert got == rows
    assert got[0][1] is got[2][0] and got[0][0] is got[0][2]
    assert _shared_strings(pa.chunked_array([], pa.list_(pa.string()))) == []
