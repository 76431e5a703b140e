import json
from pathlib import Path

import pytest

from sitroom.ingest import boilerplate, from_text

RULES = boilerplate.rules()
SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "dev"


def test_table_loads_with_known_kinds():
    assert len(RULES) >= 15
    assert {r.kind for r in RULES} == {"photo_credit", "promo", "share", "newsletter", "ad"}
    assert all(r.pattern and r.note and r.example and r.keep for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.kind}:{r.example[:30]}")
def test_row_removes_its_example(rule):
    assert boilerplate.match(rule.example) is not None
    # The row itself matches (not only some other row): each row earns its place.
    import re

    assert re.fullmatch(rule.pattern, rule.example, re.IGNORECASE)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.kind}:{r.keep[:30]}")
def test_row_keeps_its_near_miss(rule):
    assert boilerplate.match(rule.keep) is None


@pytest.mark.parametrize(
    "line",
    [
        "[Photo Credit: By Someone, CC BY 3.0, https://commons.example.org/x]",
        "(AP Photo/Jerome Delay)",
        "Photo: Reuters/File",
        "[READ MORE:Far-Left Politician Says Something]",
        "Read more: Niger's junta names a prime minister",
        "ALSO READ: Chad votes in presidential election",
        "Also read: Chad votes in presidential election",
        "[Related: Chad votes]",
        "Follow us on Twitter",
        "Subscribe to our newsletter",
        "Advertisement - Scroll to continue",
        "  ADVERTISEMENT  ",
    ],
)
def test_removes(line):
    assert boilerplate.match(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "A senior U.S. defense official said Russian forces were using a separate hangar.",
        "The photo, released by the army, showed soldiers in Gao.",
        "Related talks will resume in Doha next week, a mediator said.",
        "Advertisements for the rally ran on state TV.",
        "Protesters shared photos on social media, police said.",
        "Read the statement below.",
        "Share prices fell 3% in Lagos.",
        "AP",
        "",
    ],
)
def test_keeps_news(line):
    assert boilerplate.match(line) is None


def test_strip_keeps_order_and_verbatim_lines():
    text = "Title\n\n  [Photo Credit: X]\nBody.\nREAD MORE: other story\nEnd."
    kept, removed = boilerplate.strip(text)
    assert removed == ("[Photo Credit: X]", "READ MORE: other story")
    assert kept == "Title\n\nBody.\nEnd."


def test_long_lines_are_never_removed():
    line = "Related: " + "word " * 100
    assert boilerplate.match(line) is None


def test_article_removed_field():
    a = from_text("Title\n\n[Photo Credit: X]\n\nTroops left Gao.\n\n[READ MORE:Other]", ref="r")
    assert a.removed == ("[Photo Credit: X]", "[READ MORE:Other]")
    assert "Photo" not in a.text and "READ MORE" not in a.text


def _dev_sentences():
    for name in ("events/plover_gsr.jsonl", "events/cameo_examples.jsonl", "events/acled_snippets.jsonl"):
        path = SHARED / name
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line)["text"]


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "events").is_dir(), reason="dev gold data (../shared/data/dev) absent")
def test_no_gold_news_line_is_removed():
    # Conservative by design: no line of ~800 real news snippets may look like boilerplate.
    hits = [
        line for text in _dev_sentences() for line in text.split("\n") if boilerplate.match(line) is not None
    ]
    assert hits == []
