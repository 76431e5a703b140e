import json

import pytest

from sitroom.records import Article, Event, Evidence, Modality, PlaceRef, Precision, Quantity, Tense, to_dict


def test_to_dict_is_plain_json():
    ev = Event(
        id="e1",
        article_id="a1",
        event_type="RETREAT",
        cameo="0874",
        cameo_root="08",
        quad_class=2,
        goldstein=9.0,
        evidence=Evidence(sentence="S.", start=0, end=2, trigger="S", trigger_start=0, trigger_end=1),
        location=PlaceRef(text="Chad", country="TCD", precision=Precision.COUNTRY),
        modality=Modality(tense=Tense.FUTURE, planned=True),
        quantities={"personnel": Quantity(value=1000, text="nearly 1,000", approximate=True)},
    )
    d = to_dict(ev)
    assert json.loads(json.dumps(d)) == d
    assert d["location"]["precision"] == "country"
    assert d["modality"] == {
        "negated": False,
        "hedged": False,
        "tense": "future",
        "planned": True,
        "conditional": False,
    }
    assert d["quantities"]["personnel"]["value"] == 1000
    assert to_dict(None) is None


def test_records_are_frozen_and_keyword_only():
    a = Article(id="x", ref="r", text="t")
    with pytest.raises(AttributeError):
        a.text = "u"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Article("x", "r", "t")  # type: ignore[misc]
