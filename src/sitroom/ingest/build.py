"""Raw text → Article: normalise, strip boilerplate, find title, authors and date, hash.
Every reader ends here, so the id and the offsets mean the same whatever the input format."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import regex

from sitroom.errors import E_EMPTY, InputError, UsageError
from sitroom.ingest import boilerplate
from sitroom.ingest.dates import dateline, dateline_date, is_date_line, iso_published
from sitroom.ingest.normal import normalise
from sitroom.records import Article, PublishedBasis

MAX_TITLE = 200  # a longer first line is a paragraph, not a headline
# Longest text taken as one article (spaCy's own default max_length): parsing time is linear, so this
# bounds the time and memory one input can take (~1 min with the small model). News stories are <100 KB.
MAX_TEXT_CHARS = 1_000_000
E_TOO_LARGE = "E_TOO_LARGE"
_TITLE_LINES = 4  # the title must be among the first few meaningful lines
_HAS_LETTER = regex.compile(r"\p{L}")
_MD_HEADING = regex.compile(r"^\s{0,3}#{1,6}\s+|^\s*[*_]{2}|[*_]{2}\s*$|\s+#+\s*$")
_NAME = r"\p{Lu}[\p{L}.'’\-]*(?:\s+(?:de|da|van|von|bin|al|el|\p{Lu}[\p{L}.'’\-]*)){0,4}"
_BYLINE = regex.compile(rf"(?i:by)\s+(?P<names>{_NAME}(?:\s*(?:,|\band\b|&)\s*{_NAME})*)\s*")
_NAME_SPLIT = regex.compile(r"\s*(?:,|\band\b|&)\s*")


def user_published(published: object) -> str | None:
    """A caller's publication date as ISO; an unreadable one is a usage error, not a silent None."""
    if published is None:
        return None
    iso = iso_published(published)
    if iso is None:
        raise UsageError(
            f"cannot read publication date {published!r}: use an ISO date (2024-05-03), an ISO "
            "datetime (2024-05-03T10:00:00Z) or a full written date with a year (May 3, 2024)"
        )
    return iso


def build(
    raw: str,
    *,
    ref: str,
    source: str,
    url: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
    published: str | None = None,
    published_basis: PublishedBasis = PublishedBasis.NONE,
    authors: tuple[str, ...] = (),
    language: str = "en",
    title_from_text: bool = True,
    fetched: str | None = None,
) -> Article:
    """The one place an Article is made. `published` must already be ISO (or None). Raises InputError
    (E_EMPTY) for no text and (E_TOO_LARGE) for more than MAX_TEXT_CHARS characters. `fetched`: when
    its page was fetched (any ISO datetime; kept in UTC). It gives a year-less dateline ("NIAMEY, May 3
    (Agency) -") its year, but is never the article's date: a crawl may fetch a page years after it
    came out."""
    if len(raw) > MAX_TEXT_CHARS:
        raise InputError(
            f"{source or ref}: {len(raw):,} characters of text; one article may have at most "
            f"{MAX_TEXT_CHARS:,} (split the input into articles)",
            code=E_TOO_LARGE,
        )
    text, removed = boilerplate.strip(normalise(raw))
    if removed:
        text = normalise(text)
    if not _HAS_LETTER.search(text):
        raise InputError(f"{source or ref}: no text (empty, or only punctuation/boilerplate)", code=E_EMPTY)
    lines = _head_lines(text)
    if title is None and title_from_text:
        title = guess_title(lines)
    if not authors:
        authors = byline(lines)
    fetched = utc_iso(fetched)
    if published is None:
        day = date.fromisoformat(fetched[:10]) if fetched else None
        found = dateline(text)
        if found is not None and (iso := dateline_date(found, reference=day)) is not None:
            published, published_basis = iso, PublishedBasis.DATELINE
    elif published_basis is PublishedBasis.NONE:
        published_basis = PublishedBasis.USER
    return Article(
        id=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        ref=ref,
        text=text,
        url=url or None,
        outlet=outlet or None,
        title=_clean_title(title) if title else None,
        published=published,
        published_basis=published_basis if published else PublishedBasis.NONE,
        authors=authors,
        language=language or "en",
        removed=removed,
        source=source,
        fetched=fetched,
    )


def utc_iso(when: str | None) -> str | None:
    """An ISO datetime (a WARC-Date "2024-05-03T10:00:00Z", "+02:00", a bare date) as
    "YYYY-MM-DDTHH:MM:SSZ" in UTC; None for None or what is not one (a crawl's bad header must not
    cost the article)."""
    if not when:
        return None
    try:
        t = datetime.fromisoformat(when.strip())
    except ValueError:
        return None
    if t.tzinfo is not None:
        t = t.astimezone(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _head_lines(text: str, n: int = 8) -> list[str]:
    """The first n lines that have a letter (a lone "/" or "***" is not a line here)."""
    out: list[str] = []
    for line in text[:4000].split("\n"):
        if _HAS_LETTER.search(line):
            out.append(line.strip())
            if len(out) == n:
                break
    return out


def guess_title(lines: list[str]) -> str | None:
    """The headline: the first meaningful line, skipping bylines; None when the text opens with its
    body (a dateline, or a paragraph too long to be a headline)."""
    for line in lines[:_TITLE_LINES]:
        if _BYLINE.fullmatch(line) or is_date_line(line):
            continue
        if len(line) > MAX_TITLE or dateline(line) is not None:
            return None
        return _clean_title(line)
    return None


def _clean_title(title: str) -> str | None:
    t = _MD_HEADING.sub("", title).strip()
    return " ".join(t.split()) or None


def byline(lines: list[str]) -> tuple[str, ...]:
    """Authors from a "By Jane Doe and John Roe" line among the first lines."""
    for line in lines[:6]:
        if len(line) <= 120 and (m := _BYLINE.fullmatch(line)):
            return tuple(n for n in _NAME_SPLIT.split(m.group("names")) if n)
    return ()
