"""Story clustering on the ECB+ dev set: B³ F1 floor, and sub-topics of one topic kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitroom.eval.stories import b_cubed, merged_subtopics, score_stories, undouble

B3_FLOOR = 0.90
DEV = Path(__file__).resolve().parents[4] / "shared" / "data" / "dev"
needs_shared = pytest.mark.skipif(not DEV.is_dir(), reason=f"dev gold sets absent ({DEV})")


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        (
            "The The navy navy has has captured captured 23 23 pirates pirates..",
            "The navy has captured 23 pirates.",
        ),
        ("India India's's navy navy,, they they said said", "India's navy, they said"),
        (
            "that that is a real repeat, not an export artefact",
            "that that is a real repeat, not an export artefact",
        ),
    ],
)
def test_undouble(text, fixed):
    assert undouble(text) == fixed


def test_b_cubed_and_merges():
    gold = {"a": "1", "b": "1", "c": "2", "d": "2"}
    assert b_cubed(gold, gold)["f1"] == 1.0
    lumped = {k: "x" for k in gold}
    assert b_cubed(lumped, gold)["precision"] == 0.5
    sub = {"a": "1ecb", "b": "1ecb", "c": "1ecbplus", "d": "1ecbplus"}
    topic = {"1ecb": "1", "1ecbplus": "1"}
    assert merged_subtopics(lumped, sub, topic) == ["1ecb+1ecbplus"]
    assert merged_subtopics({"a": "x", "b": "x", "c": "y", "d": "y"}, sub, topic) == []


@pytest.mark.slow
@pytest.mark.shared
@needs_shared
def test_ecbplus_floor():
    got = score_stories(DEV)
    assert got["docs"] == 197
    assert got["b3_f1"] >= B3_FLOOR, got
    assert got["subtopics_merged"] == 0, got["merged_pairs"]
