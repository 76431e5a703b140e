from datetime import date

import pytest

from sitroom.errors import UsageError
from sitroom.ingest import dateline, dateline_date
from sitroom.ingest.dates import check_date_order, iso_published

# (text, place, date_text, agency, iso date with no reference)
DATELINES = [
    ("NIAMEY, May 3 (Reuters) - Russian troops", "NIAMEY", "May 3", "Reuters", None),
    ("WASHINGTON (AP) — The Pentagon said", "WASHINGTON", None, "AP", None),
    ("May 3, 2024 — Troops arrived", None, "May 3, 2024", None, "2024-05-03"),
    ("BAMAKO, Mali, March 12, 2024 — The junta", "BAMAKO", "March 12, 2024", None, "2024-03-12"),
    ("KYIV, Ukraine (AP) — A drone", "KYIV", None, "AP", None),
    ("GAZA CITY, Jan. 5, 2024 (AFP) - Strikes", "GAZA CITY", "Jan. 5, 2024", "AFP", "2024-01-05"),
    ("PARIS, 3 May 2024 (AFP) – France said", "PARIS", "3 May 2024", "AFP", "2024-05-03"),
    ("N'DJAMENA, Chad, April 25 (Reuters) - U.S.", "N'DJAMENA", "April 25", "Reuters", None),
    ("PORT-AU-PRINCE, Haiti — Gangs", "PORT-AU-PRINCE", None, None, None),
    ("Niamey (AFP) - Niger's junta", "Niamey", None, "AFP", None),
    ("LONDON/PARIS, May 3 (Reuters) - Britain", "LONDON/PARIS", "May 3", "Reuters", None),
    ("SÃO PAULO, Sept. 9, 2023 (Reuters) -- Brazil", "SÃO PAULO", "Sept. 9, 2023", "Reuters", "2023-09-09"),
    (
        "Kinshasa, Democratic Republic of Congo, May 19, 2024 (AP) — x",
        "Kinshasa",
        "May 19, 2024",
        "AP",
        "2024-05-19",
    ),
    (
        "Headline here\n\nBy Jane Doe\n\nDAKAR, Senegal, Feb. 3, 2024 — text",
        "DAKAR",
        "Feb. 3, 2024",
        None,
        "2024-02-03",
    ),
    ("WASHINGTON, Dec. 25th, 2023 (UPI) — x", "WASHINGTON", "Dec. 25th, 2023", "UPI", "2023-12-25"),
    ("NIAMEY, MAY 3, 2024 (REUTERS) - x", "NIAMEY", "MAY 3, 2024", "REUTERS", "2024-05-03"),
    ("Title\nWEDNESDAY, JULY 29, 2009\nBody text.", None, "JULY 29, 2009", None, "2009-07-29"),
    ("Title\n12 March 2024\nBody text.", None, "12 March 2024", None, "2024-03-12"),
]


@pytest.mark.parametrize(("text", "place", "date_text", "agency", "iso"), DATELINES)
def test_dateline(text, place, date_text, agency, iso):
    d = dateline(text)
    assert d is not None
    assert (d.place, d.date_text, d.agency) == (place, date_text, agency)
    assert text[d.start : d.end].rstrip().endswith(("-", "—", "–")) or place is None
    assert dateline_date(d) == iso


@pytest.mark.parametrize(
    "text",
    [
        "BREAKING — Troops arrive in Niamey",
        "The minister said — quoting the decree — that troops would leave.",
        "UN SECURITY COUNCIL VOTES ON MALI",
        "Russian troops entered the base on May 3, 2024.",
        "US — a short line",
        "Title\nMay 3\nBody without a year on the date line.",
        "",
        "a\nb\nc\nd\ne\nf\ng\nNIAMEY, May 3 (Reuters) - too far down",
    ],
)
def test_no_dateline(text):
    assert dateline(text) is None


def test_region_is_kept_apart():
    d = dateline("BAMAKO, Mali, March 12, 2024 — x")
    assert d is not None and d.region == "Mali"


@pytest.mark.parametrize(
    ("text", "reference", "iso"),
    [
        ("NIAMEY, May 3 (Reuters) - x", date(2024, 5, 4), "2024-05-03"),
        ("NIAMEY, May 3 (Reuters) - x", None, None),
        ("UNITED NATIONS, Dec 30 (Reuters) - x", date(2024, 1, 2), "2023-12-30"),  # year turned since
        ("NIAMEY, May 3, 2022 (Reuters) - x", date(2024, 5, 4), "2022-05-03"),  # a written year wins
    ],
)
def test_dateline_year_from_context(text, reference, iso):
    d = dateline(text)
    assert d is not None
    assert dateline_date(d, reference=reference) == iso


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-05-03", "2024-05-03"),
        ("2024-05-03T10:00:00Z", "2024-05-03T10:00:00+00:00"),
        ("2024-05-03 10:00", "2024-05-03T10:00:00"),
        ("May 3, 2024", "2024-05-03"),
        ("3 May 2024", "2024-05-03"),
        (date(2024, 5, 3), "2024-05-03"),
        ("yesterday", None),
        ("76%", None),
        ("May 3", None),
        ("", None),
        (1714694400, None),
        (None, None),
    ],
)
def test_iso_published(value, iso):
    assert iso_published(value) == iso


@pytest.mark.parametrize(
    ("value", "order", "iso"),
    [
        ("03/05/2024", None, "2024-03-05"),  # month first unless told
        ("03/05/2024", "MDY", "2024-03-05"),
        ("03/05/2024", "DMY", "2024-05-03"),
        ("03.05.2024", "DMY", "2024-05-03"),
        ("03-05-2024 14:30", "DMY", "2024-05-03"),
        ("2024/05/03", "DMY", "2024-05-03"),  # a four-digit first part is a year whatever the order
        ("2024.05.03", "YMD", "2024-05-03"),
        ("13/05/2024", "MDY", "2024-05-13"),  # no month 13: read day first
        ("2024-03-05", "DMY", "2024-03-05"),  # ISO stays ISO
        ("3 May 2024", "MDY", "2024-05-03"),  # a named month is never reordered
        ("May 3, 2024", "DMY", "2024-05-03"),
    ],
)
def test_iso_published_date_order(value, order, iso):
    assert iso_published(value, order) == iso


@pytest.mark.parametrize(("given", "want"), [(None, None), ("dmy", "DMY"), (" YMD ", "YMD")])
def test_check_date_order(given, want):
    assert check_date_order(given) == want


@pytest.mark.parametrize("bad", ["DM", "dd/mm/yyyy", ""])
def test_a_bad_date_order_is_a_usage_error_naming_the_choices(bad):
    with pytest.raises(UsageError, match="MDY, DMY, YMD"):
        check_date_order(bad)
