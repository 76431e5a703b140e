from __future__ import annotations

import pytest

from sitroom.link import families
from sitroom.link.features import agency_aliases, credits_in, features, parse_day, stopwords
from sitroom.link.provenance import Link, Member, Relation, provenance, rewrite_score


@pytest.mark.parametrize(
    ("text", "agencies"),
    [
        ("a senior U.S. defense official told Reuters on Thursday.", {"Reuters"}),
        ("NIAMEY, May 2 (Reuters) - Russian troops", {"Reuters"}),
        ("NIAMEY, Niger (AP) - The junta said", {"Associated Press"}),
        ("according to AFP, the convoy left", {"Agence France-Presse"}),
        ("the official said, according to Agence France-Presse.", {"Agence France-Presse"}),
        ("Reuters reported on Friday that", {"Reuters"}),
        ("AP reported the figure", {"Associated Press"}),
        ("a Reuters report said", {"Reuters"}),
        ("A senior official has reportedly confirmed that", set()),
        ("The reuters of the world", set()),
        ("Tap water was cut off in the AP area", set()),
    ],
)
def test_credits(text, agencies):
    assert credits_in(text) == frozenset(agencies)


def test_data_tables():
    assert {"the", "said", "monday", "may"} <= stopwords()
    assert all(w == w.lower() and " " not in w for w in stopwords())
    aliases = agency_aliases()
    assert aliases["AFP"] == "Agence France-Presse" and aliases["Reuters"] == "Reuters"


@pytest.mark.parametrize(
    ("value", "day"),
    [("2024-05-03", "2024-05-03"), ("2024-05-03T17:40:00Z", "2024-05-03"), ("2024-05", None), (None, None)],
)
def test_parse_day(value, day):
    got = parse_day(value)
    assert (got.isoformat() if got else None) == day


def test_features_names_numbers_quotes():
    f = features(
        "x",
        'Troops of Russia entered Niamey. About 1,000 U.S. troops remain. "We will not leave soon," he said.',
    )
    assert f.terms["niamey"] > f.terms["troops"] / 2  # names are boosted
    assert "1000" in f.numbers
    assert len(f.quotes) == 1 and "leave" in next(iter(f.quotes))
    assert "said" not in f.terms


TEXT = (
    "Russian troops entered an air base in Niger on Thursday, an official said. "
    "The base also houses about 1,000 American soldiers who were ordered to leave. "
    "The Russians use a separate hangar and do not mix with the Americans, the official added."
)


def test_minhash_bands_find_copies_only():
    a = features("a", TEXT).shingles
    b = features("b", TEXT + " Shared from our partners.").shingles
    c = features(
        "c", "A completely different story about a football match in Lagos on Sunday evening."
    ).shingles
    sa, sb, sc = families.signatures([a, b, c])
    assert set(families.band_keys(sa)) & set(families.band_keys(sb))
    assert not set(families.band_keys(sa)) & set(families.band_keys(sc))
    assert families.is_copy(a, b) and not families.is_copy(a, c)
    assert all(0 <= k < 2**63 for k in families.band_keys(sa))


def test_provenance_copy_rewrite_independent():
    orig = features("o", TEXT + " It was not clear how long they would stay, Reuters reported.")
    copy = features("c", TEXT + " It was not clear how long they would stay, Reuters reported. Read more.")
    rewrite = features(
        "r",
        "Russian soldiers have moved into an air base in Niger, an official reportedly said on Thursday. "
        "The base is also home to roughly 1,000 American troops who have been told to leave. "
        "The Russian forces occupy their own hangar and keep apart from the Americans, the official said.",
    )
    other = features(
        "i",
        "Residents of Niamey saw military trucks with Russian flags drive to the airport. "
        "Shopkeepers counted four vehicles at night. The defence ministry did not answer questions.",
    )
    assert rewrite_score(rewrite, orig) > rewrite_score(other, orig)
    links = provenance(
        [
            Member(id="o", order=(1,), features=orig),
            Member(id="c", order=(2,), features=copy),
            Member(id="r", order=(3,), features=rewrite),
            Member(id="i", order=(4,), features=other),
        ]
    )
    got = {x.article_id: (x.relation, x.derived_from, x.attribution_dropped) for x in links}
    assert got == {
        "o": (Relation.ORIGIN, None, False),
        "c": (Relation.COPY, "o", False),
        "r": (Relation.REWRITE, "o", True),
        "i": (Relation.INDEPENDENT, None, False),
    }


def test_provenance_takes_settled_links_up_to_the_first_unsettled_member():
    """Links found before stand for the members before the first member without one; from it on,
    every link is found again (a newly met earlier article can be a later member's source)."""
    orig = features("o", TEXT + " It was not clear how long they would stay, Reuters reported.")
    copy = features("c", TEXT + " It was not clear how long they would stay, Reuters reported. Read more.")
    members = [Member(id="o", order=(1,), features=orig), Member(id="c", order=(2,), features=copy)]
    full = provenance(members)
    marked = Link(
        article_id="o", relation=Relation.ORIGIN, family_id="o", score=0.5
    )  # tells where it came from
    stale = Link(article_id="c", relation=Relation.INDEPENDENT, family_id="c")
    assert provenance(members, {"o": marked}) == [marked, full[1]]
    assert provenance(members, {"o": marked, "c": stale}) == [marked, stale]  # all settled: as they were
    # an earlier member arrives: nothing after it is settled any more, the copy now derives from it
    early = Member(id="e", order=(0,), features=features("e", orig.text))
    got = provenance([*members, early], {"o": marked, "c": stale})
    assert [(x.article_id, x.relation, x.derived_from) for x in got] == [
        ("e", Relation.ORIGIN, None),
        ("o", Relation.COPY, "e"),
        ("c", Relation.COPY, "e"),
    ]


_JACKSON = (
    "Chargers receiver arrested\nWide receiver Vincent Jackson was arrested on Tuesday. Jackson failed a "
    "sobriety test, police said. Coach Norv Turner said Jackson will play."
)


@pytest.mark.parametrize(
    ("text", "others", "principal"),
    [
        (_JACKSON, (), "jackson"),
        # Named in full, then by surname alone, but written in lower case too: no person.
        ("The Indian Navy said. Navy ships sailed. The navy fired.", (), None),
        # An extracted group name is no surname.
        ("The Indian Navy said. Navy ships sailed. Navy guns fired. Navy men.", ("Indian Navy",), None),
        # Two people equally prominent: no opinion.
        ("Ann Lee met Bob Kay. Lee spoke. Kay spoke.", (), None),
    ],
)
def test_persons_in(text, others, principal):
    from sitroom.link.features import persons_in

    got = persons_in(text, others=others)
    assert (max(got, key=got.get) if got else None) == principal
    if got:
        assert abs(sum(got.values()) - 1.0) < 1e-9


@pytest.mark.parametrize(
    ("a", "b", "clash"),
    [
        ({"jackson": 1.6, "chargers": 0.4}, {"williams": 1.4, "jackson": 0.3, "chargers": 0.3}, True),
        ({"jackson": 1.6}, {"jackson": 1.2, "williams": 0.8}, False),  # same principal
        ({"jackson": 1.0, "williams": 1.0}, {"williams": 2.0}, False),  # williams is no background in a
        ({}, {"williams": 2.0}, False),
    ],
)
def test_person_clash(a, b, clash):
    from sitroom.link.stories import person_clash

    assert person_clash(a, b) is clash
