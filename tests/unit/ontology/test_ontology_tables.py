"""The shipped ontology tables and their loader."""

from __future__ import annotations

import pytest

from sitroom import ontology
from sitroom.errors import UsageError


def test_validate_is_clean() -> None:
    assert ontology.validate() == []


def test_table_sizes() -> None:
    assert len(ontology.cameo_codes()) >= 300
    assert {t.name for t in ontology.plover_types()} == {*ontology.PLOVER_TYPES, "STATEMENT"}
    acled = ontology.acled_types()
    assert len(acled) == 6
    assert sum(len(a.sub_event_types) for a in acled) == 25


@pytest.mark.parametrize(
    ("code", "name", "goldstein", "quad", "root"),
    [
        ("01", "Make public statement", 0.0, 1, "01"),
        ("057", "Sign formal agreement", 8.0, 1, "05"),
        ("0874", "Retreat or surrender militarily", 10.0, 2, "08"),
        ("112", "Accuse", -2.0, 3, "11"),
        ("154", "Mobilize or increase armed forces", -7.2, 4, "15"),
        ("195", "Employ aerial weapons", -10.0, 4, "19"),
        ("2041", "Use chemical, biological, or radiological weapons", -10.0, 4, "20"),
        (154, "Mobilize or increase armed forces", -7.2, 4, "15"),  # ints are accepted
    ],
)
def test_cameo_lookup(code: str | int, name: str, goldstein: float, quad: int, root: str) -> None:
    c = ontology.cameo(code)
    assert (c.name, c.goldstein, c.quad_class, c.root) == (name, goldstein, quad, root)
    assert c.description and c.description != c.name


def test_four_digit_code_falls_back_to_parent() -> None:
    c = ontology.cameo("1214")  # not in the codebook; its parent 121 is
    assert c.code == "1214" and c.name == ontology.cameo("121").name and c.quad_class == 3


@pytest.mark.parametrize("bad", ["", "9", "21", "abc", "12345", "999"])
def test_unknown_code_is_usage_error(bad: str) -> None:
    with pytest.raises(UsageError):
        ontology.cameo(bad)


@pytest.mark.parametrize(
    ("code", "event_type", "mode", "context"),
    [
        ("010", "STATEMENT", None, ()),
        ("0211", "REQUEST", "assist", ("economic",)),
        ("036", "AGREE", None, ("diplomatic",)),
        ("042", "CONSULT", "visit", ()),
        ("057", "SUPPORT", None, ("diplomatic",)),
        ("0841", "RETREAT", "release", ("legal",)),
        ("0874", "RETREAT", "withdraw", ("military",)),
        ("093", "ACCUSE", "investigate", ("military",)),
        ("1124", "ACCUSE", "allege", ("military", "legal")),
        ("141", "PROTEST", "demo", ()),
        ("154", "MOBILIZE", "troops", ("military",)),
        ("166", "SANCTION", "expel", ("diplomatic",)),
        ("173", "COERCE", "arrest", ("legal",)),
        ("183", "ASSAULT", "explosives", ()),
        ("193", "ASSAULT", "firearms", ("military",)),
        ("195", "ASSAULT", "aerial", ("military",)),
        ("15", "MOBILIZE", None, ()),  # a root maps like its generic code
        ("1214", "REJECT", "assist", ()),  # unknown 4-digit → parent's mapping
    ],
)
def test_plover_of(code: str, event_type: str, mode: str | None, context: tuple[str, ...]) -> None:
    assert ontology.plover_of(code) == ontology.PloverMapping(
        event_type=event_type, mode=mode, context=context
    )


def test_every_cameo_code_maps_to_a_known_type() -> None:
    known = {t.name for t in ontology.plover_types()}
    for c in ontology.cameo_codes():
        assert ontology.plover_of(c.code).event_type in known, c.code


@pytest.mark.parametrize(
    ("event_type", "mode", "code"),
    [
        ("MOBILIZE", None, "150"),
        ("MOBILIZE", "troops", "154"),
        ("MOBILIZE", "police", "153"),
        ("MOBILIZE", "militia", "150"),  # no CAMEO code for this mode → the type's default
        ("RETREAT", "withdraw", "0874"),
        ("ASSAULT", "aerial", "195"),
        ("STATEMENT", None, "010"),
        ("fight", None, "180"),  # PLOVER 0.5b1 label
        ("DEMAND", "yield", "025"),
    ],
)
def test_default_cameo(event_type: str, mode: str | None, code: str) -> None:
    assert ontology.default_cameo(event_type, mode) == code


def test_default_cameo_round_trips_for_every_type() -> None:
    for t in ontology.plover_types():
        assert ontology.plover_of(ontology.default_cameo(t.name)).event_type == t.name
        for m in t.modes:
            assert ontology.plover_of(ontology.default_cameo(t.name, m.name)).event_type == t.name


def test_unknown_type_lists_known_ones() -> None:
    with pytest.raises(UsageError, match="MOBILIZE"):
        ontology.default_cameo("DANCE")


def test_plover_types_carry_modes_and_contexts() -> None:
    by = {t.name: t for t in ontology.plover_types()}
    assert {"troops", "weapons", "police", "militia"} <= {m.name for m in by["MOBILIZE"].modes}
    assert {"beat", "firearms", "explosives", "aerial"} <= {m.name for m in by["ASSAULT"].modes}
    assert {"demo", "riot", "strike", "hunger"} <= {m.name for m in by["PROTEST"].modes}
    assert {"military", "diplomatic", "economic", "political", "humanitarian"} <= set(by["AID"].contexts)
    assert [by[t].quad_class for t in ("AGREE", "AID", "ACCUSE", "ASSAULT")] == [1, 2, 3, 4]


def _render(obj: object) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, color_system=None)
    with console.capture() as cap:
        console.print(obj)
    return cap.get()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (None, ["ASSAULT", "MOBILIZE", "154"]),
        ("MOBILIZE", ["troops", "154", "police", "153"]),
        ("15", ["150", "154", "MOBILIZE"]),
        ("02", ["023", "0231"]),
        ("acled", ["Battles", "Armed clash", "Strategic developments", "Other"]),
    ],
)
def test_show(name: str | None, expected: list[str]) -> None:
    out = _render(ontology.show(name))
    for e in expected:
        assert e in out


def test_show_unknown_lists_what_exists() -> None:
    with pytest.raises(UsageError, match="acled"):
        ontology.show("nonsense")
