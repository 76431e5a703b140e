"""bench_batch's per-round ratios pair the sides' runs of the same round (the host drifts between rounds)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_batch import per_round  # noqa: E402


def test_ratios_pair_runs_of_the_same_round():
    rows = {
        "spacy": {"runs_s": [120.0, 130.0]},
        "batch1-cas": {"runs_s": [60.0, 68.0]},
        "batch2-cas": {"runs_s": [33.0, 34.0]},
    }
    got = per_round(rows)
    assert got == {"batch1-cas/spacy": [2.0, 1.912], "batch2-cas/batch1-cas": [1.818, 2.0]}


def test_a_side_with_a_missing_run_pairs_only_the_rounds_it_has():
    rows = {"spacy": {"runs_s": [120.0, 130.0]}, "batch1-cas": {"runs_s": [60.0]}}
    assert per_round(rows) == {"batch1-cas/spacy": [2.0]}
