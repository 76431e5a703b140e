"""bench_contention runs end to end: processes warm up, meet, and report CPU seconds per pass."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT.parent / "shared" / "data" / "dev"


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.skipif(not DEV.is_dir(), reason=f"dev articles absent ({DEV}); they live in ../shared")
def test_one_round_reports_the_bound():
    r = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_contention.py"), "--dev", str(DEV)]
        + ["--n", "4", "--passes", "1", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("round 1: CPU-s per pass alone ")
    assert "two at once" in lines[0] and len(lines[0].split("two at once ")[1].split(";")[0].split()) == 2
    assert "2 / 1 at most" in lines[-1]
