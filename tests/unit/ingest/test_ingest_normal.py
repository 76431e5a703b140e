import hashlib

import pytest

from sitroom.ingest import article_id, from_text, normalise


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("a  \nb\t\n", "a\nb"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("a\n\nb", "a\n\nb"),
        ("\ufeffhello", "hello"),
        ("e\u0301t\u00e9", "\u00e9t\u00e9"),  # NFD → NFC
        ("a\u00a0b", "a b"),
        ("zero\u200bwidth", "zerowidth"),
        ("a\u2028b\u2029c", "a\nb\nc"),
        ("  \n\n  lead and trail  \n\n", "lead and trail"),
        ("keep  inner   spaces", "keep  inner   spaces"),
    ],
)
def test_normalise(raw, want):
    assert normalise(raw) == want
    assert normalise(want) == want  # idempotent


def test_id_is_sha256_of_normalised_text():
    text = "Title\r\n\r\n\r\n\r\nBody line.  \r\n"
    assert article_id(text) == hashlib.sha256(b"Title\n\nBody line.").hexdigest()


def test_same_content_same_id_whatever_the_layout_noise():
    a = from_text("Headline\n\nTroops arrived in Gao on Monday.\n", ref="a.txt")
    b = from_text("\ufeffHeadline  \r\n\r\n\r\n\r\nTroops arrived in Gao on Monday.", ref="b.txt")
    assert a.id == b.id
    assert a.text == b.text
    assert a.id == article_id(a.text)


def test_boilerplate_does_not_change_id():
    clean = from_text("Headline\n\nTroops arrived in Gao on Monday.", ref="x")
    noisy = from_text(
        "Headline\n\nAdvertisement\n\nTroops arrived in Gao on Monday.\n\nShare this article", ref="y"
    )
    assert clean.id == noisy.id
    assert noisy.removed == ("Advertisement", "Share this article")


def test_different_content_different_id():
    assert article_id("Troops arrived.") != article_id("Troops left.")
