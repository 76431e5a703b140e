"""The link stage's fast paths compute exactly what the plain versions did (issue #7): one tokenisation
for terms, shingles and persons, the reordered number pattern and the alias pre-check of credits; and
the MinHash values behind stored band keys stay put."""

from __future__ import annotations

import re

import numpy as np
import pytest

from sitroom.link import families
from sitroom.link.features import (
    _NUMBER,
    SHINGLE,
    _credit_re,
    credits_in,
    features,
    persons_in,
    provenance_features,
    words,
)

TEXTS = [
    "",
    "One.",
    "Two words",
    "Three words here",
    'Troops of Russia entered Niamey. About 1,000 U.S. troops remain. "We will not leave soon," he said.',
    "Vincent Jackson was arrested on Monday. Police said Jackson, 31, was held.’ Jackson denied it.\n\n"
    "Coach Maria Lopez said Jackson’s team would wait. Jackson’s lawyer said 2.5 million was paid.",
    "Read more at https://example.com/jackson-story\nVincent Jackson spoke. Jackson left. Jackson won.",
    "NIAMEY, May 2 (Reuters) - Russian troops arrived, a Reuters report said; AP reported 3,400.5 more.",
]


def test_signatures_pinned():
    # Changing these changes every stored band key: old articles would no longer meet their copies
    # (datasketch 1.x hashed another way: pyproject asks for 2.x).
    shingles = families.shingle_hashes(["the troops entered niamey", "troops entered niamey on"])
    sigs = families.signatures([shingles, families.shingle_hashes([])])
    assert [int(x) for x in sigs[0][:3]] == [1338112643, 3318939799, 287403219]
    assert families.band_keys(sigs[0])[:2] == [5751875532074982703, 2269293801184431700]
    assert sigs[0].dtype == np.uint64 and len(sigs[0]) == families.NUM_PERM
    assert [int(x) for x in sigs[1][:2]] == [0xFFFFFFFF, 0xFFFFFFFF]  # nothing hashed: the empty value


def test_shingle_hashes_are_datasketchs_hash():
    from datasketch.hashfunc import sha1_hash32

    shingles = [
        "the troops entered niamey",
        "troops entered niamey on",
        "élus à niamey",
        "the troops entered niamey",
    ]
    want = sorted({sha1_hash32(s.encode()) for s in shingles})
    got = families.shingle_hashes(shingles)
    assert got.tolist() == want and got.dtype == np.uint32
    assert families.shingle_hashes([]).size == 0


@pytest.mark.parametrize("text", TEXTS)
def test_one_tokenisation(text):
    f = features("x", text, people=("Maria Lopez",), non_people=("Niamey",))
    low = words(text)
    expected = {" ".join(low[i : i + SHINGLE]) for i in range(max(1, len(low) - SHINGLE + 1))}
    assert f.shingles.tolist() == families.shingle_hashes(expected).tolist()
    assert f.persons == persons_in(text, ("Maria Lopez",), ("Niamey",))
    assert list(f.persons) == list(persons_in(text, ("Maria Lopez",), ("Niamey",)))


@pytest.mark.parametrize("text", TEXTS)
def test_provenance_features_are_what_features_give_provenance(text):
    """Stored articles a batch meets again get only what copy detection and provenance read: the same
    values as the full features (the rest is left empty)."""
    full, light = features("x", text, people=("Maria Lopez",)), provenance_features("x", text)
    for field in ("numbers", "quotes", "credits", "text"):
        assert getattr(light, field) == getattr(full, field)
    assert np.array_equal(light.shingles, full.shingles)
    assert (light.terms, light.keys, light.persons, light.day) == ({}, (), {}, None)


_OLD_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])\d+(?:\.\d+)?")


@pytest.mark.parametrize(
    "text",
    ["1,000 and 2.5", "a1 b.2 .3 4.", "12,34,567 1,234,567.89", "x 7_8 9a", "٣ and ²5", "3..4,,5", "1,000,0"],
)
def test_number_pattern(text):
    assert _NUMBER.findall(text) == _OLD_NUMBER.findall(text)


@pytest.mark.parametrize("text", TEXTS + ["Tap water in the AP area", "— AFP", "according to dpa, it"])
def test_credits_precheck(text):
    from sitroom.link.features import agency_aliases

    full = frozenset(agency_aliases()[next(g for g in m.groups() if g)] for m in _credit_re().finditer(text))
    assert credits_in(text) == full


def test_terms_come_in_the_same_order_whatever_the_hash_seed():
    import subprocess
    import sys

    code = (
        "from sitroom.link.features import features\n"
        "f = features('x', 'About 1,000 troops and 300 police entered Niamey on 2 May; 45 left.',"
        " places=('gn:1', 'gn:2', 'gn:3'), actors=('NER', 'RUS', 'USA', 'FRA'),"
        " event_types=('MOBILIZE', 'RETREAT', 'ASSAULT'))\n"
        "print(list(f.terms))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**__import__("os").environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "2", "3")
    }
    assert len(runs) == 1, runs


def test_provenance_of_reads_what_was_saved_and_computes_and_saves_the_rest():
    from sitroom.link.stored import Art, feature_table, provenance_of, save
    from sitroom.store import open_store

    def art(i: int) -> Art:
        text = f'Text {i} of words here: "a quoted passage of words" said 3,000 people to AP.'
        return Art(id=f"a{i}", published=None, outlet=None, title=None, text=text, ingested="")

    def saved(store) -> int:
        return store.con.execute("SELECT count(*) FROM link_features").fetchall()[0][0]

    with open_store(":memory:") as store:
        first = provenance_of(store, [art(1)])["a1"]
        assert first == provenance_features("a1", art(1).text)  # not saved before: computed, then saved
        assert saved(store) == 1
        assert provenance_of(store, [art(1)])["a1"] == first and saved(store) == 1  # read, not made again
        save(store, feature_table([features(f"a{i}", art(i).text) for i in (2, 3)]))  # a batch's own
        again = provenance_of(store, [art(i) for i in (1, 2, 3)])  # all read from the store
        assert again == {f"a{i}": provenance_features(f"a{i}", art(i).text) for i in (1, 2, 3)}
        assert saved(store) == 3
