import json
from pathlib import Path

import pytest

from sitroom.errors import UsageError
from sitroom.eval.runner import check_floors, expand, metric
from sitroom.eval.seed import km, score_seed

ROOT = Path(__file__).resolve().parents[3]


def test_metric_reads_nested_keys():
    scores = {"plover": {"type_accuracy": 0.7, "detail": {"x": 2}}}
    assert metric(scores, "plover.type_accuracy") == 0.7
    assert metric(scores, "plover.detail.x") == 2.0
    assert metric(scores, "plover.missing") is None


@pytest.mark.parametrize(
    ("got", "floor", "allowance", "passes"),
    [(0.80, 0.80, 0.01, True), (0.795, 0.80, 0.01, True), (0.78, 0.80, 0.01, False), (0.9, 0.8, 0.0, True)],
)
def test_floors_with_allowance(got, floor, allowance, passes):
    failed = check_floors({"s": {"m": got}}, {"allowance": allowance, "floors": {"s.m": floor}})
    assert (not failed) is passes


def test_missing_metric_fails_the_gate():
    assert check_floors({}, {"floors": {"s.m": 0.5}})


def test_pinned_floors_are_never_lowered_silently():
    """Each floor may only go down with a reason recorded beside it in `_lowered`."""
    floors = json.loads((ROOT / "eval_floors.json").read_text())
    history = floors.get("_history", {})
    lowered = floors.get("_lowered", {})
    for key, now in floors["floors"].items():
        best = max(history.get(key, [now]))
        if now < best:
            assert key in lowered and lowered[key].strip(), (
                f"{key} lowered from {best} to {now} without a reason"
            )


def test_expand_sets_and_groups():
    assert expand("seed") == ("seed",)
    assert "geowebnews" in expand("gate")
    with pytest.raises(UsageError, match="choose one of"):
        expand("nope")


def test_km():
    assert km((13.48, 2.18), (13.48, 2.18)) == 0
    assert 1100 < km((13.51, 2.11), (12.11, 15.04)) < 1500  # Niamey → N'Djamena


def test_score_seed_matches_on_type_actor_place_and_details():
    gold = {
        "events": [
            {
                "key": "a",
                "event_type": ["RETREAT"],
                "source": {"country": "USA", "sector": "MIL"},
                "location": {"country": "TCD"},
            },
            {
                "key": "b",
                "event_type": ["MOBILIZE"],
                "source": {"country": "RUS"},
                "location": {"country": "NER", "lat": 13.48, "lon": 2.18, "within_km": 30},
                "modality": {"hedged": True},
                "weight": "minor",
            },
        ]
    }
    ev_a = {
        "id": "1",
        "event_type": "RETREAT",
        "source": [{"country": "USA", "sector": "MIL"}],
        "location": {"country": "TCD"},
    }
    ev_b = {
        "id": "2",
        "event_type": "MOBILIZE",
        "source": [{"country": "RUS"}],
        "location": {"country": "NER", "lat": 13.5, "lon": 2.1},
        "modality": {"hedged": False},
    }
    s = score_seed(gold, [ev_a, ev_b])
    assert s["hit"] == ["a"] and s["missed"] == ["b"] and "hedged" in s["near_misses"]["b"]
    assert s["major"] == "1/1"
    s = score_seed(gold, [{**ev_a, "location": {"country": "NGA"}}])
    assert s["must_not_violations"] == 1 and s["hit"] == []
