"""Publication dates: a dateline at the article start ("NIAMEY, May 3 (Reuters) -") and date values
from users or records. dateparser only ever sees a span we found (it is slow and `search_dates`
is false-positive-prone), with English only, and results are cached (datelines repeat a lot)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import regex

_MONTH = (
    r"(?i:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sep(?:tember|t\.|\.|t)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DATE = rf"(?:{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?|{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?)"
_CAPS_WORD = r"\p{Lu}[\p{Lu}.'’\-]*"
_CAPS_PLACE = rf"{_CAPS_WORD}(?:[ /]{_CAPS_WORD}){{0,4}}"
_TITLE_WORD = r"\p{Lu}\p{Ll}[\p{L}'’\-]*"
_TITLE_PLACE = rf"{_TITLE_WORD}(?:[ \-]{_TITLE_WORD}){{0,3}}"
# A region after the place: "Mali", "Burkina Faso", "Calif.", "Democratic Republic of Congo".
_REGION = r"\p{Lu}[\p{L}.'’\-]*(?:\s+(?:of|the|and|de|du|al|el|\p{Lu}[\p{L}.'’\-]*)){0,4}"
_AGENCY = r"\(\s*(?P<agency>[\p{L}][\p{L}&.'’\- ]{0,38}[\p{L}.])\s*\)"
_DASH = r"\s*(?:--|[-–—‒―])\s*"

_DATELINE = regex.compile(
    rf"""
    (?:
      (?P<place>{_CAPS_PLACE})            # NIAMEY, LONDON/PARIS, PORT-AU-PRINCE
      (?:,\s*(?P<region>{_REGION}(?:,\s*{_REGION})?))??
      (?:,\s*(?P<date>{_DATE}))?
      (?:\s*{_AGENCY})?
    | (?P<tplace>{_TITLE_PLACE})          # Title-case place: only with a date or an agency
      (?:,\s*(?P<tregion>{_REGION}))??
      (?:
        ,\s*(?P<tdate>{_DATE})(?:\s*{_AGENCY})?
      | \s*{_AGENCY}
      )
    | (?P<bdate>{_DATE})                  # a bare date: "May 3, 2024 —"
    )
    {_DASH}(?=\S)
    """,
    regex.VERBOSE,
)
_WEEKDAY = r"(?i:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?)"
# A line holding only a date ("WEDNESDAY, JULY 29, 2009"): a dateline too, when it has a year.
_DATE_LINE = regex.compile(rf"(?:{_WEEKDAY},?\s+)?(?P<date>{_DATE})\s*")
_HAS_YEAR = regex.compile(rf"\b{_YEAR}\b")
# Headline labels that look like an all-caps place before a dash ("BREAKING — ...").
_NOT_PLACES = frozenset(
    {
        "BREAKING", "UPDATE", "UPDATED", "EXCLUSIVE", "WATCH", "LIVE", "ANALYSIS", "OPINION", "EDITORIAL",
        "COMMENT", "FACTBOX", "EXPLAINER", "NOTE", "WARNING", "ALERT", "URGENT", "FLASH", "CORRECTION",
        "TRANSCRIPT", "VIDEO", "PHOTOS",
    }
)  # fmt: skip
_SEARCH_LINES = 6  # the dateline opens the body: look at the first few non-empty lines only
_SEARCH_CHARS = 3000


@dataclass(frozen=True, slots=True, kw_only=True)
class Dateline:
    """A dateline at the start of a line near the article start. Offsets are into the text given."""

    place: str | None  # "NIAMEY", "LONDON/PARIS"
    region: str | None  # "Mali" in "BAMAKO, Mali, March 12, 2024 —"
    date_text: str | None  # "May 3", "March 12, 2024" — as written
    agency: str | None  # "Reuters", "AP"
    start: int
    end: int  # after the dash and the space that follows it

    @property
    def has_year(self) -> bool:
        return bool(self.date_text and _HAS_YEAR.search(self.date_text))


def dateline(text: str) -> Dateline | None:
    """The dateline opening one of the first lines of `text`, or None."""
    pos = 0
    seen = 0
    limit = min(len(text), _SEARCH_CHARS)
    while pos < limit and seen < _SEARCH_LINES:
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        line_start = pos + (len(text[pos:end]) - len(text[pos:end].lstrip()))
        if line_start < end:
            seen += 1
            m = _DATELINE.match(text, line_start, end)
            if m is not None:
                found = _from_match(m)
                if found is not None:
                    return found
            m = _DATE_LINE.fullmatch(text, line_start, end)
            if m is not None and _HAS_YEAR.search(m.group("date")):
                return Dateline(
                    place=None, region=None, date_text=m.group("date"), agency=None, start=line_start, end=end
                )
        if nl < 0:
            break
        pos = nl + 1
    return None


def is_date_line(line: str) -> bool:
    """True for a line that holds only a date, e.g. "Wednesday, July 29, 2009"."""
    return _DATE_LINE.fullmatch(line.strip()) is not None


def _from_match(m: regex.Match[str]) -> Dateline | None:
    place = m.group("place") or m.group("tplace")
    if place is not None and place.rstrip(".") in _NOT_PLACES:
        return None
    date_text = m.group("date") or m.group("tdate") or m.group("bdate")
    agency = m.group("agency")
    if place is None and date_text is None:
        return None
    if m.group("place") and date_text is None and agency is None and not _looks_like_caps_place(place):
        return None
    region = m.group("region") or m.group("tregion")
    return Dateline(
        place=place, region=region, date_text=date_text, agency=agency, start=m.start(), end=m.end()
    )


def _looks_like_caps_place(place: str) -> bool:
    # "WASHINGTON —" alone: accept all-caps words of 3+ letters (not "A —" or "I —").
    return sum(ch.isalpha() for ch in place) >= 3


def dateline_date(found: Dateline, *, reference: date | None = None) -> str | None:
    """ISO date of a dateline's date. Without a year, the year comes from `reference` (the latest
    such date not more than a week after it); with neither, None."""
    if not found.date_text:
        return None
    if found.has_year:
        return _parse_full(found.date_text)
    if reference is None:
        return None
    iso = _parse_full(f"{found.date_text} {reference.year}")
    if iso is None:
        return None
    d = date.fromisoformat(iso)
    if d > reference + timedelta(days=7):
        return _parse_full(f"{found.date_text} {reference.year - 1}")
    return iso


# How the parts of an all-numeric date are ordered ("03/05/2024"): month first, as in the US and as
# dateparser reads English, unless a record source says otherwise (`--date-order DMY`).
DATE_ORDERS = ("MDY", "DMY", "YMD")
_NUMERIC_DATE = regex.compile(r"\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,4}")


def check_date_order(value: str | None) -> str | None:
    """A --date-order value, upper-cased; anything but MDY, DMY or YMD is a usage error."""
    if value is None:
        return None
    order = str(value).strip().upper()
    if order not in DATE_ORDERS:
        from sitroom.errors import UsageError

        raise UsageError(
            f"--date-order must be one of {', '.join(DATE_ORDERS)} (the order of the parts of a numeric "
            f"date such as 03/05/2024), got {value!r}"
        )
    return order


@functools.lru_cache(maxsize=8192)
def _parse_full(text: str, date_order: str | None = None) -> str | None:
    import dateparser

    settings: dict[str, object] = {
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PARSERS": ["custom-formats", "absolute-time"],  # no "yesterday", no epoch numbers
    }
    if date_order and _NUMERIC_DATE.search(text):
        settings["DATE_ORDER"] = date_order
    got = dateparser.parse(text.replace(".", ". ").replace("  ", " "), languages=["en"], settings=settings)
    return got.date().isoformat() if got else None


def iso_published(value: object, date_order: str | None = None) -> str | None:
    """A publication date given by a user or a record, as ISO (a date stays a date, a datetime keeps
    its time and zone). None when it cannot be read as a full date. `date_order` (one of DATE_ORDERS)
    orders the parts of an all-numeric date; ISO dates are read as ISO whatever it says."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None  # epoch numbers are ambiguous (s / ms): refuse rather than guess
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s:
        return None
    if len(s) == 10:
        try:
            return date.fromisoformat(s).isoformat()
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(s).isoformat()
    except ValueError:
        pass
    if len(s) > 64 or not _HAS_YEAR.search(s):
        return None
    return _parse_full(s, date_order)
