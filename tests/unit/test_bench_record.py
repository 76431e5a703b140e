"""`make bench` adds one row per run to its results table in BENCHMARKS.md."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_pipeline import TABLE_HEAD, record  # noqa: E402

SPACY = {"words_per_s": 4000, "articles": 300, "words": 127427}


def _sitroom(wps: int) -> dict:
    return {"words_per_s": wps, "events": 4087}


def test_a_file_without_the_table_gets_a_section_then_rows(tmp_path):
    f = tmp_path / "B.md"
    f.write_text("# Benchmarks\n\nOther results.\n", encoding="utf-8")
    record(f, SPACY, _sitroom(8000), 2.0, "first")
    record(f, SPACY, _sitroom(7600), 1.9, "second")
    text = f.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nOther results.\n")
    assert text.count(TABLE_HEAD) == 1
    rows = "| first | 4,000 | 8,000 | 4,087 | 2.00× |\n| second | 4,000 | 7,600 | 4,087 | 1.90× |\n"
    assert text.endswith(rows)


def test_a_row_joins_its_table_wherever_it_stands_and_the_text_after_stays(tmp_path):
    """Two benchmarks write tables into one file: each finds its own, not just the last one."""
    f = tmp_path / "B.md"
    table = f"{TABLE_HEAD}\n|---|---|---|---|---|\n| a | 1 | 2 | 3 | 2.00× |\n"
    f.write_text(f"## Old\n\n{table}\n## Later\n\n| other | table |\n|---|---|\n", encoding="utf-8")
    record(f, SPACY, _sitroom(8000), 2.0, "new")
    text = f.read_text(encoding="utf-8")
    assert text.count(TABLE_HEAD) == 1
    assert "| a | 1 | 2 | 3 | 2.00× |\n| new | 4,000 | 8,000 | 4,087 | 2.00× |\n\n## Later\n" in text
    assert text.endswith("| other | table |\n|---|---|\n")


def test_a_missing_file_is_created(tmp_path):
    f = tmp_path / "new.md"
    record(f, SPACY, _sitroom(8000), 2.0, "only")
    assert TABLE_HEAD in f.read_text(encoding="utf-8")
