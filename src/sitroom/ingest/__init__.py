"""The ingest stage: files, folders, globs, JSON Lines and stdin → `Article` records (or `Failure`
records for inputs that cannot be read). `Article.text` is normalised text without boilerplate;
every char offset downstream refers to it, and `Article.id` is its sha256."""

from __future__ import annotations

from typing import Any

from sitroom.ingest.build import user_published as _user_published
from sitroom.ingest.dates import Dateline, dateline, dateline_date
from sitroom.ingest.normal import article_id, normalise
from sitroom.ingest.sources import read
from sitroom.records import Article, PublishedBasis


def from_text(
    text: str,
    *,
    ref: str,
    published: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
    source: str = "",
) -> Article:
    """An article from plain text. Raises InputError (code E_EMPTY) when there is no text, and
    UsageError when `published` cannot be read as a date."""
    from sitroom.ingest.build import build

    return build(
        text,
        ref=ref,
        source=source or ref,
        url=url,
        outlet=outlet,
        title=title,
        published=_user_published(published),
    )


def from_html(
    html: str | bytes, *, ref: str, url: str | None = None, published: str | None = None, source: str = ""
) -> Article:
    """An article from an HTML page (str, or bytes decoded as UTF-8 or the declared charset)."""
    from sitroom.ingest import html as _html

    return _html.from_html(
        html,
        ref=ref,
        url=url,
        published=_user_published(published),
        source=source or ref,
        published_basis=PublishedBasis.USER,
    )


def from_record(
    rec: dict[str, Any], *, source: str, published: str | None = None, date_order: str | None = None
) -> Article:
    """An article from a JSON record `{id?, url?, title?, published?, outlet?, text | html}`;
    `date_order` ("DMY", "MDY", "YMD") orders the parts of a numeric record date (default MDY)."""
    from sitroom.ingest import record
    from sitroom.ingest.dates import check_date_order

    return record.from_record(
        rec, source=source, published=_user_published(published), date_order=check_date_order(date_order)
    )


__all__ = [
    "Dateline",
    "article_id",
    "dateline",
    "dateline_date",
    "from_html",
    "from_record",
    "from_text",
    "normalise",
    "read",
]
