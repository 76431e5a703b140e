"""Property tests (hypothesis): the readers never raise on any bytes, the date resolver never raises and
reads every written date back exactly, the quantity parser reads every written number back."""

from __future__ import annotations

import calendar
import functools
import gzip
import hashlib
import io
import json
import math
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitroom.errors import InputError
from sitroom.ingest import from_record, normalise
from sitroom.ingest.sources import read_file, read_stdin
from sitroom.records import Article, Failure
from sitroom.resolve.dates import resolve_expression

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXTS = (".txt", ".html", ".json", ".jsonl", ".csv", ".tsv", ".xml", ".warc", ".txt.gz", ".jsonl.gz", "")

# Text that looks a bit like our inputs: markup, quotes, separators, non-ASCII, control characters.
_ALPHABET = st.sampled_from(list("<>{}[]\",:;\\/&#='\n\r\t -_.!?") + list("aZé漢😀\x00\x85\u2028\ufeff"))
markupish = st.text(alphabet=st.one_of(_ALPHABET, st.characters()), max_size=400)
blobs = st.one_of(st.binary(max_size=600), markupish.map(lambda s: s.encode("utf-8", "surrogatepass")))


def _check(items: list) -> None:
    assert items, "a reader must say something about every input"
    for it in items:
        assert isinstance(it, Article | Failure)
        if isinstance(it, Article):
            assert it.text.strip()
            assert it.id == hashlib.sha256(it.text.encode()).hexdigest()
            assert normalise(it.text) == it.text
        else:
            assert it.code.startswith("E_") and it.message


class _NoNet:
    """A fetcher that never reaches the network (feeds may point at links)."""

    def fetch(self, url: str):
        raise InputError(f"{url}: no network in tests", code="E_FETCH")

    def close(self) -> None:
        pass


@FAST
@given(data=blobs, ext=st.sampled_from(EXTS))
def test_any_bytes_in_any_reader(data: bytes, ext: str):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"input{ext}"
        path.write_bytes(gzip.compress(data) if ext.endswith(".gz") else data)
        _check(list(read_file(str(path), fetcher=_NoNet())))  # type: ignore[arg-type]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | markupish,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
    max_leaves=12,
)
records = st.fixed_dictionaries(
    {},
    optional={
        k: json_values | markupish
        for k in ("id", "text", "html", "url", "title", "published", "outlet", "authors", "language")
    },
)


@FAST
@given(rec=records)
def test_any_json_record(rec: dict):
    try:
        art = from_record(rec, source="prop")
    except InputError as e:
        assert e.code.startswith("E_")
        return
    _check([art])


@FAST
@given(lines=st.lists(st.one_of(records.map(json.dumps), markupish), max_size=6))
def test_any_jsonl_lines(lines: list[str]):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        items = list(read_file(str(path)))
    _check(items)
    assert len(items) >= sum(1 for ln in lines if ln.strip() and "\n" not in ln and "\r" not in ln) or any(
        isinstance(i, Failure) for i in items
    )


@FAST
@given(text=markupish)
def test_any_stdin(text: str):
    _check(list(read_stdin(io.StringIO(text))))


# -- the date resolver ------------------------------------------------------------------------------
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


def _written(d: date, style: int) -> str:
    month = calendar.month_name[d.month]
    return [
        f"{d.day} {month} {d.year}",
        f"{month} {d.day}, {d.year}",
        f"on {month} {d.day}, {d.year}",
        d.isoformat(),
        f"{calendar.month_abbr[d.month]}. {d.day}, {d.year}",
    ][style]


@FAST
@given(d=dates, style=st.integers(0, 4), pub=st.none() | dates)
def test_written_dates_read_back_exactly(d: date, style: int, pub: date | None):
    got = resolve_expression(_written(d, style), pub)
    assert got is not None and got.value == d.isoformat() and got.precision == "day"
    assert got.basis == "explicit"


@FAST
@given(d=dates, pub=st.none() | dates)
def test_month_and_year(d: date, pub: date | None):
    got = resolve_expression(f"{calendar.month_name[d.month]} {d.year}", pub)
    assert got is not None and got.value == f"{d.year:04d}-{d.month:02d}" and got.precision == "month"
    got = resolve_expression(f"in {d.year}", pub)
    assert got is not None and got.value == f"{d.year:04d}"


RELATIVE = [
    "yesterday",
    "today",
    "on Thursday",
    "last week",
    "last month",
    "last year",
    "two days ago",
    "next week",
    "earlier this month",
]


@FAST
@given(expr=st.sampled_from(RELATIVE), pub=dates, future=st.booleans())
def test_relative_dates_stay_near_publication(expr: str, pub: date, future: bool):
    got = resolve_expression(expr, pub, future=future)
    if got is None:
        return
    value = date.fromisoformat(
        (got.value + "-01-01")[:10] if len(got.value) == 4 else (got.value + "-01")[:10]
    )
    assert abs((value - pub).days) <= 800  # 'last year' is a year: its start can be ~14 months back


@FAST
@given(text=markupish, pub=st.none() | dates, future=st.booleans())
def test_resolver_never_raises(text: str, pub: date | None, future: bool):
    got = resolve_expression(text, pub, future=future)
    if got is not None and got.value is not None:
        y = int(got.value[:4])
        assert 1 <= y <= 9999
        date.fromisoformat((got.value + "-01-01")[:10])


def test_future_and_1900_dates_are_read_not_clamped():
    assert resolve_expression("12 June 2099", date(2024, 3, 1)).value == "2099-06-12"
    assert resolve_expression("1 January 1900", date(2024, 3, 1)).value == "1900-01-01"
    assert resolve_expression("30 February 2024", date(2024, 3, 1)) is None


# -- the quantity parser (on a blank tokenizer: no model needed) -------------------------------------
@functools.cache
def _tok():
    import spacy

    return spacy.blank("en")


def _number(text: str):
    from sitroom.extract.quantities import number_of

    doc = _tok()(text)
    return number_of(doc[0])


@FAST
@given(n=st.integers(0, 10**15))
def test_written_numbers_read_back(n: int):
    for written in (f"{n:,}", str(n)):
        q = _number(f"{written} troops")
        assert q is not None and q.value == n and q.text == written


def test_a_billion_troops():
    assert _number("1,000,000,000 troops").value == 1_000_000_000


def test_absurd_numbers_stay_finite():
    q = _number("9" * 400 + " soldiers")
    assert q is None or math.isfinite(q.value)


@pytest.mark.parametrize("expr,pub", [("next year", date(9999, 6, 1)), ("last year", date(1, 6, 1))])
def test_calendar_edges_give_none(expr, pub):
    assert resolve_expression(expr, pub) is None


@pytest.mark.parametrize("expr,pub", [("tomorrow", date(9999, 12, 31)), ("yesterday", date(1, 1, 1))])
def test_day_past_the_calendar_gives_none(expr, pub):
    assert resolve_expression(expr, pub) is None
