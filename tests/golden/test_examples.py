"""Golden tests: each example article → a compact picture of its events, compared with a stored file.

After a deliberate change, review the diff of `pytest tests/golden --update-golden`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "expected"

pytestmark = pytest.mark.slow


def compact(result) -> list[dict]:
    """What a reader of the picture sees; leaves out scores and offsets that churn with small changes."""
    out = []
    for e in result.events:
        loc = e.location
        out.append(
            {
                "trigger": e.evidence.trigger,
                "type": e.event_type,
                "cameo": e.cameo,
                "source": sorted({f"{a.country}/{a.sector}" for a in e.source}),
                "target": sorted({f"{a.country}/{a.sector}" for a in e.target}),
                "place": f"{loc.name} ({loc.country}, {loc.precision})" if loc else None,
                "date": e.date.value if e.date else None,
                "flags": [
                    k for k in ("negated", "hedged", "planned", "conditional") if getattr(e.modality, k)
                ],
            }
        )
    return out


@pytest.fixture(scope="module")
def results():
    from sitroom.pipeline import run

    return {
        Path(r.article.source.split(":")[0]).name
        + (f"#{r.article.ref}" if r.article.source.endswith(tuple("0123456789")) else ""): r
        for r in run([str(ROOT / "examples")])
        if r.article
    }


def test_examples_match_golden(results, request):
    update = request.config.getoption("--update-golden")
    GOLDEN.mkdir(exist_ok=True)
    for key, res in sorted(results.items()):
        path = GOLDEN / (key.replace("#", "__").replace("/", "_") + ".json")
        got = compact(res)
        if update:
            path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            continue
        assert path.exists(), f"no golden file for {key}; create it with --update-golden"
        assert got == json.loads(path.read_text(encoding="utf-8")), (
            f"{key} changed; rerun with --update-golden"
        )
