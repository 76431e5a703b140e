"""A short run of the mixed load benchmark: reads at 200 requests/s while the server ingests articles
posted to it. Zero errors on either side (the 60 s figure is `python benchmarks/load_mixed.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


@pytest.mark.slow
def test_reads_hold_while_the_server_ingests():
    from load_mixed import run

    got = run(events=5_000, rate=200, seconds=10)
    assert got["reads"]["errors"] == 0 and got["reads"]["requests"] == 2000
    assert got["writes"]["errors"] == 0 and got["writes"]["articles"] > 0
    assert got["reads"]["p99_ms"] < 5_000
