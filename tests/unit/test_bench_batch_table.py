"""bench_batch's figures: per-round ratios pair the sides' runs of the same round (the host drifts between
rounds), and each `make bench` run adds one row to the batch table in BENCHMARKS.md."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_batch import TABLE_HEAD, per_round, record, summary_row  # noqa: E402


def _side(runs: list[float], words: int = 540_000, articles: int = 1500, peak: int = 700) -> dict:
    best = min(runs)
    return {"runs_s": runs, "words_per_s": words / best, "articles_per_s": articles / best, "peak_mb": peak}


def _doc() -> dict:
    sides = {
        "spacy": _side([120.0, 130.0], peak=570),
        "batch1-cas": _side([60.0, 68.0]),
        "batch2-cas": _side([33.0, 34.0], peak=520),
    }
    return {"articles": 1500, "words": 540_000, "sides": sides, "per_round": per_round(sides)}


def test_ratios_pair_runs_of_the_same_round():
    got = per_round(_doc()["sides"])
    assert got == {"batch1-cas/spacy": [2.0, 1.912], "batch2-cas/batch1-cas": [1.818, 2.0]}


def test_a_side_with_a_missing_run_pairs_only_the_rounds_it_has():
    rows = {"spacy": {"runs_s": [120.0, 130.0]}, "batch1-cas": {"runs_s": [60.0]}}
    assert per_round(rows) == {"batch1-cas/spacy": [2.0]}


def test_the_row_gives_best_ratios_their_spread_and_a_dash_for_sides_not_run():
    row = summary_row(_doc(), "today")
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[:4] == ["today", "1,500", "4,500", "9,000"]
    assert cells[4] == "2.00× (1.91–2.00)"  # best against best; rounds 2.00 and 1.91
    assert cells[5] == "16,364" and cells[6] == "1.82× (1.82–2.00)"
    assert cells[7] == cells[8] == "–"  # no Dask side, no ceiling side
    assert cells[9] == "700"  # the batch sides' peak, not spaCy's
    wps = 540_000 / 33  # the best mode's words/s; this corpus: 360 words an article
    assert cells[10] == f"{100_000 * 360 / (wps * 86_400):.2f}–{250_000 * 800 / (wps * 86_400):.2f}"
    assert len(cells) == TABLE_HEAD.count("|") - 1


def test_rows_gather_in_one_table_and_the_text_after_it_stays(tmp_path):
    f = tmp_path / "B.md"
    f.write_text("# Benchmarks\n\nOther results.\n", encoding="utf-8")
    record(f, _doc(), "first")
    f.write_text(f.read_text(encoding="utf-8") + "\n## Later\n\nprose\n", encoding="utf-8")
    record(f, _doc(), "second")
    text = f.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nOther results.\n\n## Batch engine")
    assert text.count(TABLE_HEAD) == 1
    first, second = text.index("| first |"), text.index("| second |")
    assert first < second < text.index("## Later") and text.endswith("## Later\n\nprose\n")
