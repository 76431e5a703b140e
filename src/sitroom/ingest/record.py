"""JSON records → Article: `{id?, url?, title?, published?, outlet?, authors?, language?, text | html}`."""

from __future__ import annotations

from typing import Any

from sitroom.errors import E_RECORD, InputError
from sitroom.ingest.build import build
from sitroom.ingest.dates import iso_published
from sitroom.ingest.html import from_html
from sitroom.records import Article, PublishedBasis


def _str(rec: dict[str, Any], key: str) -> str | None:
    v = rec.get(key)
    return v.strip() or None if isinstance(v, str) else None


def from_record(
    rec: dict[str, Any], *, source: str, published: str | None = None, date_order: str | None = None
) -> Article:
    """One record. `text` wins over `html` when both are there. `published` (ISO, from the user)
    overrides the record's own date; a record date that cannot be read counts as absent.
    `date_order` orders the parts of a numeric record date (`dates.DATE_ORDERS`; default month first)."""
    if not isinstance(rec, dict):
        raise InputError(f"{source}: expected a JSON object, got {type(rec).__name__}", code=E_RECORD)
    text, html = rec.get("text"), rec.get("html")
    has_text = isinstance(text, str) and text.strip()
    has_html = isinstance(html, str) and html.strip()
    if not has_text and not has_html:
        raise InputError(
            f"{source}: record has no non-empty 'text' or 'html' string (fields: {sorted(rec)[:12]})",
            code=E_RECORD,
        )
    rid = rec.get("id")
    rid = str(rid) if isinstance(rid, str | int) and not isinstance(rid, bool) and str(rid).strip() else None
    url = _str(rec, "url")
    ref = rid or url or source
    if published is not None:
        basis = PublishedBasis.USER
    else:
        published = iso_published(rec.get("published"), date_order)
        basis = PublishedBasis.METADATA
    authors_v = rec.get("authors", rec.get("author"))
    if isinstance(authors_v, str):
        authors = tuple(a.strip() for a in authors_v.split(";") if a.strip())
    elif isinstance(authors_v, list):
        authors = tuple(a.strip() for a in authors_v if isinstance(a, str) and a.strip())
    else:
        authors = ()
    if has_text:
        return build(
            text,  # type: ignore[arg-type]
            ref=ref,
            source=source,
            url=url,
            outlet=_str(rec, "outlet"),
            title=_str(rec, "title"),
            published=published,
            published_basis=basis,
            authors=authors,
            language=_str(rec, "language") or "en",
        )
    art = from_html(
        html,  # type: ignore[arg-type]
        ref=ref,
        url=url,
        published=published,
        source=source,
        outlet=_str(rec, "outlet"),
        title=_str(rec, "title"),
        published_basis=basis,
    )
    if authors or _str(rec, "language"):
        from dataclasses import replace

        art = replace(art, authors=authors or art.authors, language=_str(rec, "language") or art.language)
    return art
