"""Rows of the extractor's data tables: every PLOVER type and CAMEO root covered, columns valid, PLOVER
types agreeing with the official CAMEO→PLOVER mapping."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitroom.extract.lexicon import EVENT_TYPES, agencies, cue, cues, index, number_words, triggers

DEV = Path(__file__).resolve().parents[4] / "shared" / "data" / "dev"
needs_shared = pytest.mark.skipif(not DEV.is_dir(), reason=f"dev gold sets absent ({DEV})")

ROWS = triggers()


def test_every_plover_type_present():
    assert set(EVENT_TYPES) <= {t.event_type for t in ROWS}


@pytest.mark.parametrize("root", [f"{i:02d}" for i in range(1, 21)])
def test_every_cameo_root_present(root):
    assert any(t.cameo.startswith(root) for t in ROWS), root


def test_several_hundred_rows():
    assert len(ROWS) >= 300


@pytest.mark.parametrize("row", ROWS, ids=lambda t: f"{t.pattern}/{t.pos}/{t.particle}")
def test_row_columns_valid(row):
    assert row.pos in ("VERB", "NOUN", "ADJ")
    assert row.event_type in (*EVENT_TYPES, "STATEMENT")
    assert re.fullmatch(r"\d{3,4}", row.cameo)
    assert (row.event_type == "STATEMENT") == row.cameo.startswith("01")
    assert 0 < row.weight <= 1
    assert row.pattern == row.pattern.lower().strip() and "  " not in row.pattern
    assert row.roles <= {"speech", "negates", "control_obj", "intent", "obj_place", "of_source", "mover"}


def test_no_duplicate_keys():
    keys = [(t.pattern, t.pos, t.particle) for t in ROWS]
    assert len(keys) == len(set(keys))


def test_index_finds_phrasal_and_object_rows():
    assert any(t.pattern == "pull out" for t in index().get("pull", "VERB"))
    assert any(t.pattern == "impose sanction" for t in index().get("impose", "VERB"))
    assert any(t.pattern == "hunger strike" for t in index().get("strike", "NOUN"))


@pytest.mark.shared
@needs_shared
def test_rows_agree_with_official_mapping():
    path = DEV / "ontology" / "cameo_to_plover.jsonl"
    if not path.exists():
        pytest.skip("cameo_to_plover.jsonl absent")
    mapping = {d["cameo_code"]: d["plover_event"] for d in map(json.loads, path.read_text().splitlines())}
    codes = {
        json.loads(x)["cameo_code"] for x in (DEV / "ontology" / "cameo_codes.jsonl").read_text().splitlines()
    }
    bad = []
    for t in ROWS:
        assert t.cameo in codes, t
        if t.cameo in mapping and mapping[t.cameo] != t.event_type:
            bad.append((t.pattern, t.cameo, t.event_type, mapping[t.cameo]))
    assert not bad


def test_cue_tables():
    assert {"hedge_adv", "planned_amod", "light_verb", "locative_prep", "personnel_noun"} <= set(cues())
    assert "reportedly" in cue("hedge_adv") and "imminent" in cue("planned_amod")
    assert number_words()["twelve"] == 12
    ag = agencies()
    assert ag["Reuters"] == "Reuters" and ag["AFP"] == "Agence France-Presse"
