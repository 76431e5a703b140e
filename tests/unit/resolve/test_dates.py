"""Date resolution: a table of expression forms, event_date choices."""

from __future__ import annotations

from datetime import date

import pytest
import spacy

from sitroom.records import Article, Candidate, DatePrecision, Modality, Span, Tense, TimeBasis
from sitroom.resolve.context import ArticleContext
from sitroom.resolve.dates import event_date, find_expressions, resolve_expression

PUB = date(2024, 5, 3)  # a Friday
D, W, M, Y = DatePrecision.DAY, DatePrecision.WEEK, DatePrecision.MONTH, DatePrecision.YEAR
E, R = TimeBasis.EXPLICIT, TimeBasis.RELATIVE

TABLE = [
    ("May 2, 2024", "2024-05-02", D, E),
    ("2 May 2024", "2024-05-02", D, E),
    ("on May 2, 2024", "2024-05-02", D, E),
    ("Thursday, May 2, 2024", "2024-05-02", D, E),
    ("the 2nd of May 2024", "2024-05-02", D, E),
    ("Sept. 12, 2023", "2023-09-12", D, E),
    ("2024-05-02", "2024-05-02", D, E),
    ("05/02/2024", "2024-05-02", D, E),
    ("March 2024", "2024-03", M, E),
    ("in March 2024", "2024-03", M, E),
    ("early March 2024", "2024-03", M, E),
    ("in 2023", "2023", Y, E),
    ("2023", "2023", Y, E),
    ("since 2019", "2019", Y, E),
    ("late 2022", "2022", Y, E),
    ("on Thursday", "2024-05-02", D, R),
    ("Thursday", "2024-05-02", D, R),
    ("on Friday", "2024-05-03", D, R),
    ("Monday night", "2024-04-29", D, R),
    ("Wednesday morning", "2024-05-01", D, R),
    ("last Thursday", "2024-05-02", D, R),
    ("next Monday", "2024-05-06", D, R),
    ("yesterday", "2024-05-02", D, R),
    ("last night", "2024-05-02", D, R),
    ("today", "2024-05-03", D, R),
    ("earlier today", "2024-05-03", D, R),
    ("tomorrow", "2024-05-04", D, R),
    ("the day before yesterday", "2024-05-01", D, R),
    ("the previous day", "2024-05-02", D, R),
    ("the following day", "2024-05-04", D, R),
    ("two days ago", "2024-05-01", D, R),
    ("3 days ago", "2024-04-30", D, R),
    ("May 2", "2024-05-02", D, R),
    ("May 2nd", "2024-05-02", D, R),
    ("2 May", "2024-05-02", D, R),
    ("Jan. 5", "2024-01-05", D, R),
    ("December 24", "2023-12-24", D, R),
    ("in recent days", "2024-05-03", W, R),
    ("in the past few days", "2024-05-03", W, R),
    ("this week", "2024-05-03", W, R),
    ("earlier this week", "2024-05-03", W, R),
    ("recently", "2024-05-03", W, R),
    ("in the past week", "2024-05-03", W, R),
    ("last week", "2024-04-26", W, R),
    ("a week ago", "2024-04-26", W, R),
    ("three weeks ago", "2024-04-12", W, R),
    ("next week", "2024-05-10", W, R),
    ("the weekend", "2024-04-27", W, R),
    ("over the weekend", "2024-04-27", W, R),
    ("last month", "2024-04", M, R),
    ("late last month", "2024-04", M, R),
    ("earlier this month", "2024-05", M, R),
    ("this month", "2024-05", M, R),
    ("next month", "2024-06", M, R),
    ("in recent weeks", "2024-05", M, R),
    ("two months ago", "2024-03", M, R),
    ("in March", "2024-03", M, R),
    ("March", "2024-03", M, R),
    ("in December", "2023-12", M, R),
    ("early May", "2024-05", M, R),
    ("mid-April", "2024-04", M, R),
    ("late June", "2023-06", M, R),
    ("the end of January", "2024-01", M, R),
    ("in March last year", "2023-03", M, R),
    ("last year", "2023", Y, R),
    ("late last year", "2023", Y, R),
    ("a year ago", "2023", Y, R),
    ("two years ago", "2022", Y, R),
    ("this year", "2024", Y, R),
    ("earlier this year", "2024", Y, R),
    ("next year", "2025", Y, R),
    ("in recent months", "2024", Y, R),
]


@pytest.mark.parametrize(("text", "value", "precision", "basis"), TABLE)
def test_expression_table(text, value, precision, basis):
    ref = resolve_expression(text, PUB)
    assert ref is not None, text
    assert (ref.value, ref.precision, ref.basis) == (value, precision, basis)
    assert ref.text == text


@pytest.mark.parametrize(
    "text",
    ["76%", "the 1990s", "1990s", "two years", "101", "1,000", "nearly 1,000", "", "the nation", "decades"],
)
def test_not_dates(text):
    assert resolve_expression(text, PUB) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("on Thursday", "2024-05-09"),
        ("in December", "2024-12"),
        ("May 2", "2025-05-02"),
        ("on Friday", "2024-05-03"),
        ("the weekend", "2024-05-04"),
    ],
)
def test_future_picks_the_next_one(text, value):
    assert resolve_expression(text, PUB, future=True).value == value


def test_relative_needs_a_published_date_but_absolute_does_not():
    assert resolve_expression("last year", None) is None
    assert resolve_expression("2 May 2024", None).value == "2024-05-02"


def test_find_expressions_gives_offsets():
    text = "Prior to a coup last year, the nation was an ally."
    (ref,) = find_expressions(text, PUB, offset=100)
    assert (ref.value, ref.precision, ref.basis) == ("2023", Y, R)
    assert (ref.start, ref.end, ref.text) == (116, 125, "last year")


def _ctx(text: str, published: date | None = PUB) -> ArticleContext:
    return ArticleContext(
        article=Article(id="a", ref="a", text=text), doc=spacy.blank("en")(text), published=published
    )


def _cand(text: str, trigger: str, times: tuple[str, ...] = (), tense: Tense = Tense.PAST) -> Candidate:
    t = text.index(trigger)
    spans = tuple(Span(start=text.index(x), end=text.index(x) + len(x), text=x) for x in times)
    return Candidate(
        event_type="ASSAULT",
        cameo="19",
        trigger=Span(start=t, end=t + len(trigger), text=trigger),
        sentence=Span(start=0, end=len(text), text=text),
        times=spans,
        modality=Modality(tense=tense),
    )


def test_event_date_from_times_span():
    text = "Prior to a coup last year, the nation had been an ally."
    ref = event_date(_cand(text, "coup", ("last year",)), _ctx(text))
    assert (ref.value, ref.precision, ref.basis, ref.start) == ("2023", Y, R, text.index("last year"))


def test_event_date_from_sentence():
    text = "Chad has also witnessed the withdrawal of U.S. personnel in recent days."
    ref = event_date(_cand(text, "withdrawal"), _ctx(text))
    assert (ref.value, ref.precision, ref.basis) == ("2024-05-03", W, R)


def test_event_date_nearest_to_trigger():
    text = "After talks on Monday, troops attacked the town on Wednesday."
    ref = event_date(_cand(text, "attacked"), _ctx(text))
    assert ref.value == "2024-05-01"


def test_event_date_future_tense():
    text = "The ministers will meet on Thursday."
    ref = event_date(_cand(text, "meet", ("on Thursday",), Tense.FUTURE), _ctx(text))
    assert ref.value == "2024-05-09"


def test_event_date_falls_back_to_publication_then_none():
    text = "Troops entered the base."
    ref = event_date(_cand(text, "entered"), _ctx(text))
    assert (ref.value, ref.precision, ref.basis) == ("2024-05-03", D, TimeBasis.PUBLICATION)
    assert event_date(_cand(text, "entered"), _ctx(text, None)) is None
