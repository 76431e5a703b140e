"""RSS and Atom feeds (feedparser) → one article per entry.

An entry with content (content:encoded, Atom content) becomes an article from that HTML; one with
only a summary and an http(s) link gets its page fetched (when a fetcher is given); one with only a
summary keeps the summary. Broken XML is a Failure, and the entries feedparser could still read go on.
Feeds are told by content (an rss / feed / RDF root element), not by file extension.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from sitroom.errors import E_EMPTY, InputError
from sitroom.records import Article, Failure, PublishedBasis, Stage

if TYPE_CHECKING:
    from sitroom.ingest.web import Fetcher

E_FEED = "E_FEED"  # not a feed, or malformed feed XML

_HEAD = 4096
# Skip the XML declaration, comments, processing instructions and a doctype, then read the root name.
_PROLOG = re.compile(rb"\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*", re.DOTALL | re.IGNORECASE)
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?(rss|feed|RDF)[\s>/]")
_BLOCK_END = re.compile(
    r"(?i)</(?:p|div|h[1-6]|li|blockquote|section|article|header|footer|tr|pre|figure|figcaption)>|<br\s*/?>"
)


def looks_like_feed(data: bytes) -> bool:
    """True when the document's root element is rss, feed (Atom) or rdf:RDF (RSS 1.0)."""
    head = data[:_HEAD].lstrip(b"\xef\xbb\xbf")
    m = _PROLOG.match(head)
    rest = head[m.end() if m else 0 :]
    return bool(_ROOT.match(rest))


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    key: str  # what "seen" remembers: the entry id, else its link, else its title
    link: str | None
    title: str | None
    published: str | None  # ISO datetime (UTC) from the entry, when it has one
    content_html: str | None
    summary_html: str | None
    outlet: str | None  # the feed's title


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    title: str | None
    entries: tuple[Entry, ...]
    problem: str | None  # feedparser's complaint about malformed XML, if any


def _iso(struct: Any) -> str | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), UTC).replace(tzinfo=None).isoformat()
    except (OverflowError, ValueError, TypeError):
        return None


def _entry_link(e: Any, base: str | None) -> str | None:
    """The entry's page: its link element, read against the feed's address when relative (feedparser
    only resolves xml:base); else feedparser's fallback (an RSS guid or an Atom id) when that is an
    http(s) URL. An id such as "tag:x,2024:1" or "g1" is no address."""
    for ln in e.get("links") or ():
        href = (ln.get("href") or "").strip()
        if href and ln.get("rel", "alternate") == "alternate":
            return urljoin(base, href) if base else href
    guid = (e.get("link") or "").strip()
    return guid if guid.lower().startswith(("http://", "https://")) else None


def parse_feed(data: bytes, *, source: str, base: str | None = None) -> Feed:
    """Parse feed bytes (never a URL string: feedparser would fetch it). `base` is the feed's own URL,
    for relative entry links. Raises InputError (E_FEED) when nothing feed-like is in the data."""
    import feedparser

    if not isinstance(data, bytes):
        raise TypeError("parse_feed takes bytes")
    d = feedparser.parse(data)
    problem = None
    if d.get("bozo"):
        exc = d.get("bozo_exception")
        problem = f"{type(exc).__name__}: {exc}" if exc is not None else "malformed feed"
    if not d.get("version") and not d.entries:
        raise InputError(f"{source}: not an RSS or Atom feed ({problem or 'no feed root'})", code=E_FEED)
    outlet = (d.feed.get("title") or "").strip() or None
    entries = []
    for i, e in enumerate(d.entries, 1):
        content = None
        for c in e.get("content") or ():
            if (c.get("value") or "").strip():
                content = c["value"]
                break
        summary = (e.get("summary") or "").strip() or None
        title = (e.get("title") or "").strip() or None
        # The key stays the raw id / link (what `watch` has remembered so far); an entry with neither,
        # nor a title, is keyed by its text, never dropped (one with no text either is a failure).
        key = (e.get("id") or "").strip() or (e.get("link") or "").strip() or title
        if not key and (content or summary):
            key = "sha1:" + hashlib.sha1((content or summary or "").encode()).hexdigest()
        entries.append(
            Entry(
                key=key or f"entry {i}",
                link=_entry_link(e, base),
                title=title,
                published=_iso(e.get("published_parsed") or e.get("updated_parsed")),
                content_html=content,
                summary_html=summary,
                outlet=outlet,
            )
        )
    return Feed(title=outlet, entries=tuple(entries), problem=problem)


def html_fragment_text(fragment: str) -> str:
    """Text of an HTML fragment with blocks kept apart by blank lines (entries are fragments, too
    short for trafilatura's main-text heuristics)."""
    import lxml.html

    marked = _BLOCK_END.sub(lambda m: m.group(0) + "\n\n", fragment)
    try:
        root = lxml.html.fragment_fromstring(marked, create_parent="div")
    except Exception:  # noqa: BLE001 - lxml on untrusted markup: fall back to the tags stripped
        return re.sub(r"<[^>]+>", " ", fragment)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    return root.text_content()


def entry_article(entry: Entry, *, source: str, html: str, published: str | None) -> Article:
    from sitroom.ingest.build import build

    basis = PublishedBasis.USER if published else PublishedBasis.METADATA
    return build(
        html_fragment_text(html),
        ref=entry.key,
        source=source,
        url=entry.link,
        outlet=entry.outlet,
        title=entry.title,
        published=published or entry.published,
        published_basis=basis,
        title_from_text=False,
    )


def read_feed(
    data: bytes,
    *,
    source: str,
    fetcher: Fetcher | None = None,
    published: str | None = None,
    seen: Callable[[str], bool] | None = None,
    base: str | None = None,
) -> Iterator[Article | Failure]:
    """Articles from a feed's entries. `seen(key)` true skips an entry (for `watch`). `base` is the
    feed's URL (after redirects) for relative entry links; default: `source` when it is a URL."""
    if base is None and source.lower().startswith(("http://", "https://")):
        base = source
    try:
        feed = parse_feed(data, source=source, base=base)
    except InputError as e:
        yield Failure(source=source, stage=Stage.INGEST, code=e.code, message=str(e))
        return
    if feed.problem:
        yield Failure(
            source=source,
            stage=Stage.INGEST,
            code=E_FEED,
            message=f"{source}: malformed feed ({feed.problem}); kept the {len(feed.entries)} entries read",
        )
    if not feed.entries and not feed.problem:
        yield Failure(
            source=source, stage=Stage.INGEST, code=E_EMPTY, message=f"{source}: feed has no entries"
        )
    for entry in feed.entries:
        if seen is not None and seen(entry.key):
            continue
        yield from _entry_items(entry, source, fetcher, published)


def _entry_items(
    entry: Entry, feed_source: str, fetcher: Fetcher | None, published: str | None
) -> Iterator[Article | Failure]:
    src = f"{feed_source}#{entry.key}"
    content = entry.content_html
    if content:  # the feed carries the article (even a short one): no fetch
        yield _guard(src, lambda: entry_article(entry, source=src, html=content, published=published))
        return
    if fetcher is not None and entry.link and entry.link.lower().startswith(("http://", "https://")):
        from sitroom.ingest.web import page_article

        try:
            got = fetcher.fetch(entry.link)
            art = page_article(
                got,
                ref=entry.key,
                published=published or entry.published,
                published_basis=PublishedBasis.USER if published else PublishedBasis.METADATA,
                outlet=entry.outlet,
                title=entry.title,
            )
        except InputError as e:
            yield Failure(source=entry.link, stage=Stage.INGEST, code=e.code, message=str(e))
            return
        yield art
        return
    text = entry.summary_html
    if not text:
        # A link that is not an http(s) URL: relative in a feed file, which has no address to read it against.
        why = f"its link {entry.link!r} is not an http(s) URL" if entry.link else "no link"
        yield Failure(
            source=src,
            stage=Stage.INGEST,
            code=E_EMPTY,
            message=f"{src}: entry has no content or summary, and {why}",
        )
        return
    yield _guard(src, lambda: entry_article(entry, source=src, html=text, published=published))


def _guard(source: str, make: Callable[[], Article]) -> Article | Failure:
    try:
        return make()
    except InputError as e:
        return Failure(source=source, stage=Stage.INGEST, code=e.code, message=str(e))
