"""Scorers for toponyms and event location, on tiny fake gold files."""

from __future__ import annotations

import json

import pytest

from sitroom.eval.places import MAX_KM, auc, gold_location_spans, score_event_location, score_toponyms


@pytest.mark.parametrize(
    ("errors", "lo", "hi"),
    [([0.0, 0.0], 0.0, 0.0), ([MAX_KM, MAX_KM], 1.0, 1.0), ([0.0, MAX_KM], 0.4, 0.6), ([], 0.0, 0.0)],
)
def test_auc(errors, lo, hi) -> None:
    assert lo <= auc(errors) <= hi


def test_gold_spans_chars_or_token_indices() -> None:
    import spacy

    text = "Around 100,000 people demonstrated in Rome on Saturday."
    doc = spacy.blank("en")(text)
    chars = {"text": text, "event_locations": [{"start": 38, "end": 42, "text": "Rome"}]}
    assert gold_location_spans(chars, doc) == [(38, 42)]
    rome = next(t.i for t in doc if t.text == "Rome")
    tokens = {"text": text, "event_locations": [{"start": rome, "end": rome, "text": ""}]}
    assert gold_location_spans(tokens, doc) == [(38, 42)]


def _write(path, rows) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


@pytest.mark.slow
def test_score_toponyms_fake_gold(tmp_path) -> None:
    text = "Protests spread from Niamey to Agadez, Niger, and on to Chad."
    tops = [
        {
            "start": text.index("Niamey"),
            "end": text.index("Niamey") + 6,
            "name": "Niamey",
            "lat": 13.51366,
            "lon": 2.1098,
            "geonameid": "2440485",
            "type": "Literal",
        },
        {
            "start": text.index("Agadez"),
            "end": text.index("Agadez") + 6,
            "name": "Agadez",
            "lat": 16.97333,
            "lon": 7.99111,
            "geonameid": "2448085",
            "type": "Literal",
        },
        {
            "start": text.index("Chad"),
            "end": text.index("Chad") + 4,
            "name": "Chad",
            "lat": -33.0,
            "lon": 150.0,
            "geonameid": "1",
            "type": "Literal",
        },  # deliberately wrong gold: must count as a miss
        {"start": 0, "end": 8, "name": "Protests", "type": "Non_Toponym"},
    ]
    p = _write(tmp_path / "g.jsonl", [{"doc_id": "d", "text": text, "toponyms": tops}])
    for mode in ("e2e", "gold"):
        r = score_toponyms(p, mode=mode)
        assert r["gold_toponyms"] == 3 and r["recall"] == 1.0
        assert r["exact"] == pytest.approx(2 / 3, abs=1e-3) and r["acc161"] == pytest.approx(2 / 3, abs=1e-3)
        assert r["within_161km"] == r["acc161"] and r["country_accuracy"] == r["country_acc"]
        assert 0 < r["auc"] < 1


@pytest.mark.slow
def test_score_event_location_fake_gold(tmp_path) -> None:
    rows = [
        {
            "id": "a",
            "text": "Thousands of protesters marched in Rome on Saturday.",
            "verb": {"start": 24, "end": 31, "text": "marched"},
            "event_locations": [{"start": 35, "end": 39, "text": "Rome"}],
            "no_location_in_sentence": False,
        },
        {
            "id": "b",
            "text": "The talks were good, officials said.",
            "verb": {"start": 31, "end": 35, "text": "said"},
            "event_locations": [],
            "no_location_in_sentence": True,
        },
        {
            "id": "c",
            "text": "Thousands of protesters marched in Rome on Saturday.",
            "verb": {"start": 24, "end": 31, "text": "marched"},
            "event_locations": [{"start": 43, "end": 51, "text": "Saturday"}],
            "no_location_in_sentence": False,
        },
    ]
    r = score_event_location(_write(tmp_path / "e.jsonl", rows))
    assert r["rows"] == 3 and r["none_accuracy"] == 1.0
    assert r["accuracy"] == pytest.approx(2 / 3, abs=1e-3)
