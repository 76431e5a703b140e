"""Shortcuts taken for speed give exactly what the plain way gives: the ACLED cue prefilter and its
lower-cased ASCII regexes, the date finder on lower-cased ASCII, the actor tokenizer, and the one-edit
test of misspelt country names."""

from __future__ import annotations

import itertools
import re

import pytest

from sitroom.ontology import read_tsv
from sitroom.resolve import acled, actors, dates


def _plain_cue_hits(text: str) -> dict[str, tuple[int, ...]]:
    """Every class regex run over the text, case-insensitively: what the prefilter must not change."""
    out = {}
    for c, pat in sorted(acled._patterns().items()):
        starts = tuple(m.start() for m in pat.finditer(text))
        if starts:
            out[c] = starts
    return out


def _cue_texts() -> list[str]:
    out = []
    for row in read_tsv("acled_cues.tsv"):
        cue = row["cue"].replace("*", "ing")
        out += [cue, f"Officials said {cue.upper()} on Monday.", f"({cue.title()}-related) and more"]
    return out


def test_cue_prefilter_and_lowered_regexes_find_every_cue():
    texts = _cue_texts() + ["Ça a été un véritable massacre, des frappes aériennes", "KILLED İN Raid", ""]
    # cues inside longer ones, after a hyphen, and repeated: the matches finditer would give
    texts += [
        "A suicide car bomb attack, then a suicide bombing and an air strike-air raid.",
        "Anti-protest laws; a re-attack; self-detonating bombers attacked, attacked again.",
    ]
    for text in texts:
        assert acled._cue_hits.__wrapped__(text) == _plain_cue_hits(text), text


def test_every_cue_is_found_in_its_own_words():
    for row in read_tsv("acled_cues.tsv"):
        if any("*" in w[:-1] for w in row["cue"].split()):
            continue  # a '*' inside a word is read literally by the regex ("neighbo*hood*")
        text = "They reported " + row["cue"].replace("*", "s") + " yesterday"
        assert row["class"] in acled.cue_hits(text), row


@pytest.mark.parametrize(
    "text",
    [
        "Last WEEK, on Tuesday Morning, and on 2 MAY 2024",
        "Two Days Ago in MARCH; since 1999; SEPT. 11, 2001",
        "İstanbul, ſunday: non-ASCII text takes the plain path",
        "nothing here",
    ],
)
def test_date_finder_lowered_path_matches_ignorecase(text):
    want = tuple((m.group(), m.start(), m.end()) for m in dates._FIND.finditer(text))
    assert dates._matches.__wrapped__(text) == want


@pytest.mark.parametrize(
    "text", ["U.S.-led forces and al-Qaeda’s men", "Côte d'Ivoire's army, N.A.T.O. and the UN", "", "  ...  "]
)
def test_actor_tokens_are_the_regex_matches(text):
    pattern = re.compile(actors._TOKEN_RE.pattern[1:-1])  # the same regex, without its group
    got = actors._tokens(text, offset=7)
    want = [(m.group(), m.start() + 7, m.end() + 7) for m in pattern.finditer(text)]
    assert list(zip(got.raw, got.start, got.end, strict=True)) == want
    assert got.norm == [actors._fold(w) for w in got.raw]


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def test_edits_within_one_is_levenshtein():
    words = ["", "a", "ab", "ba", "aab", "abc", "abd", "bac", "ethiopia", "ethopia", "etihopia", "ethiopian"]
    for a, b in itertools.product(words, repeat=2):
        for limit in (1, 2):
            assert actors._edits_within(a, b, limit) == (_levenshtein(a, b) <= limit), (a, b, limit)
