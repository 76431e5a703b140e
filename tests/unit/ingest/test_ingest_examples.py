"""The demo data a new user sees first: every example must ingest cleanly."""

from pathlib import Path

import pytest

from sitroom.ingest import read
from sitroom.records import Article, PublishedBasis

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in {".txt", ".html", ".jsonl"})


def test_the_folder_reads_as_eleven_articles():
    items = list(read([str(EXAMPLES)]))
    assert all(isinstance(i, Article) for i in items), [i for i in items if not isinstance(i, Article)]
    assert len(items) == 11
    assert len({a.id for a in items}) == 11
    assert [p.suffix for p in FILES].count(".txt") == 5
    assert [p.suffix for p in FILES].count(".html") == 3


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_has_title_date_and_length(path):
    for a in read([str(path)]):
        assert isinstance(a, Article), a
        assert a.title and len(a.title) > 20
        assert a.published and a.published[:2] == "20"
        assert 150 <= len(a.text.split()) <= 400
        want = {
            ".txt": PublishedBasis.DATELINE,
            ".html": PublishedBasis.HTML,
            ".jsonl": PublishedBasis.METADATA,
        }[path.suffix]
        assert a.published_basis is want
        if path.suffix != ".txt":
            assert a.outlet and a.url
        if path.suffix == ".html":
            assert any(r.startswith("Related:") for r in a.removed)
            assert "All rights reserved" not in a.text


def test_examples_hold_a_photo_credit_and_a_read_more():
    removed = [r for a in read([str(EXAMPLES)]) for r in a.removed]
    assert any(r.startswith("[Photo Credit:") for r in removed)
    assert any(r.startswith("READ MORE") for r in removed)
