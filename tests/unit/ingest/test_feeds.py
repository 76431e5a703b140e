"""RSS/Atom feeds: detection by content, entries to articles, linked pages fetched, broken XML."""

from __future__ import annotations

import httpx
import pytest

from sitroom.ingest import read
from sitroom.ingest.feeds import E_FEED, looks_like_feed, parse_feed, read_feed
from sitroom.ingest.web import Fetcher, WebSettings
from sitroom.records import Article, Failure, PublishedBasis

BODY = " ".join(
    f"Sentence {i}: Russian troops entered the air base in Niamey, officials said." for i in range(8)
)
PAGE = f"<html><body><article><h1>Linked story</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>"


def rss(*items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Example Wire</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


FULL = (
    "<item><guid>e1</guid><title>Troops arrive</title><link>https://news.example/e1</link>"
    "<pubDate>Fri, 03 May 2024 10:00:00 GMT</pubDate>"
    f"<content:encoded><![CDATA[<p>NIAMEY, May 3 - {BODY}</p>"
    "<p>Second paragraph here.</p>]]></content:encoded>"
    "</item>"
)
TEASER = (
    "<item><guid>e2</guid><title>Linked story</title><link>https://news.example/e2</link>"
    "<pubDate>Sat, 04 May 2024 08:30:00 GMT</pubDate><description>Short teaser.</description></item>"
)
SUMMARY_ONLY = (
    "<item><guid>e3</guid><title>Summary only</title>"
    "<description>&lt;p&gt;Talks began in Doha on Monday.&lt;/p&gt;</description></item>"
)
ATOM = (
    b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Outlet</title>'
    b'<entry><id>urn:a1</id><title>Atom entry</title><link href="https://atom.example/a1"/>'
    b"<updated>2024-05-05T12:00:00Z</updated>"
    b'<content type="html">&lt;p&gt;Protesters gathered in Bamako on Sunday.&lt;/p&gt;</content>'
    b"</entry></feed>"
)


def fetcher(pages: dict[str, str], calls: list[str] | None = None) -> Fetcher:
    def handler(request: httpx.Request) -> httpx.Response:
        if calls is not None:
            calls.append(request.headers["host"] + request.url.path)
        body = pages.get(request.headers["host"] + request.url.path)
        if body is None:
            return httpx.Response(404)
        return httpx.Response(200, headers={"content-type": "text/html"}, content=body.encode())

    return Fetcher(
        WebSettings(min_interval=0, obey_robots=False),
        transport=httpx.MockTransport(handler),
        resolver=lambda h, p: ["93.184.216.34"],
    )


@pytest.mark.parametrize(
    ("data", "is_feed"),
    [
        (rss(), True),
        (ATOM, True),
        (b'<?xml version="1.0"?>\n<!-- c -->\n<rdf:RDF xmlns:rdf="x"><channel/></rdf:RDF>', True),
        (b"\xef\xbb\xbf<rss version='2.0'><channel/></rss>", True),
        (b"<!DOCTYPE html><html><body>rss feed</body></html>", False),
        (b'<?xml version="1.0"?><sitemap/>', False),
        (b"rss is a word", False),
        (b"", False),
    ],
)
def test_looks_like_feed(data, is_feed):
    assert looks_like_feed(data) is is_feed


def test_full_content_entry_becomes_an_article():
    items = list(read_feed(rss(FULL), source="feed.xml"))
    (a,) = items
    assert isinstance(a, Article)
    assert (a.ref, a.url, a.title, a.outlet) == (
        "e1",
        "https://news.example/e1",
        "Troops arrive",
        "Example Wire",
    )
    assert (a.published, a.published_basis) == ("2024-05-03T10:00:00", PublishedBasis.METADATA)
    assert "Russian troops entered" in a.text and "\n\nSecond paragraph" in a.text


def test_teaser_entry_fetches_its_link():
    calls: list[str] = []
    f = fetcher({"news.example/e2": PAGE}, calls)
    (a,) = list(read_feed(rss(TEASER), source="feed.xml", fetcher=f))
    assert calls == ["news.example/e2"]
    assert isinstance(a, Article) and "Russian troops entered" in a.text
    assert (a.ref, a.outlet, a.published) == ("e2", "Example Wire", "2024-05-04T08:30:00")


def test_failed_link_fetch_is_a_failure_and_the_rest_go_on():
    f = fetcher({})
    items = list(read_feed(rss(TEASER, FULL), source="feed.xml", fetcher=f))
    assert [type(i).__name__ for i in items] == ["Failure", "Article"]
    assert items[0].code == "E_FETCH" and items[0].source == "https://news.example/e2"


def test_summary_only_entry_and_atom():
    (a,) = list(read_feed(rss(SUMMARY_ONLY), source="feed.xml"))
    assert isinstance(a, Article) and a.text == "Talks began in Doha on Monday."
    (b,) = list(read_feed(ATOM, source="atom.xml"))
    assert isinstance(b, Article)
    assert (b.ref, b.url, b.outlet, b.published) == (
        "urn:a1",
        "https://atom.example/a1",
        "Atom Outlet",
        "2024-05-05T12:00:00",
    )


def test_seen_entries_are_skipped():
    items = list(read_feed(rss(FULL, SUMMARY_ONLY), source="f", seen={"e1"}.__contains__))
    assert [i.ref for i in items] == ["e3"]


def test_broken_xml_keeps_what_was_read():
    broken = rss(FULL, SUMMARY_ONLY)[: -len("</channel></rss>")] + b"<item><title>cut off"
    items = list(read_feed(broken, source="broken.xml"))
    assert any(isinstance(i, Failure) and i.code == E_FEED for i in items)
    assert any(isinstance(i, Article) and i.ref == "e1" for i in items)


@pytest.mark.parametrize("data", [b"<html><body>not a feed</body></html>", b"\x00\x01garbage", b"{}"])
def test_not_a_feed(data):
    with pytest.raises(Exception) as e:
        parse_feed(data, source="x")
    assert getattr(e.value, "code", None) == E_FEED
    items = list(read_feed(data, source="x"))
    assert [(type(i).__name__, i.code) for i in items] == [("Failure", E_FEED)]


def test_feed_files_through_read(tmp_path):
    (tmp_path / "wire.rss").write_bytes(rss(FULL, SUMMARY_ONLY))
    (tmp_path / "noext").write_bytes(ATOM)
    (tmp_path / "fake.xml").write_bytes(b"<?xml version='1.0'?><sitemap><url/></sitemap>")
    items = list(read([str(tmp_path / "wire.rss"), str(tmp_path / "noext"), str(tmp_path / "fake.xml")]))
    assert [getattr(i, "ref", None) or i.code for i in items] == ["e1", "e3", "urn:a1", E_FEED]


def test_feed_url_through_read():
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(200, headers={"content-type": "application/rss+xml"}, content=rss(FULL))

    f = Fetcher(
        WebSettings(min_interval=0, obey_robots=False),
        transport=httpx.MockTransport(handler),
        resolver=lambda h, p: ["93.184.216.34"],
    )
    items = list(read(["https://news.example/feed"], fetcher=f))
    assert [i.ref for i in items] == ["e1"] and calls == ["/feed"]


def test_relative_entry_links_are_read_against_the_feeds_url():
    # A feed fetched from a URL with <link>/news/e2</link>: the page was never fetched (the teaser
    # was kept instead) and "/news/e2" became the article's url.
    calls: list[str] = []
    f = fetcher({"news.example/news/e2": PAGE}, calls)
    teaser = TEASER.replace("https://news.example/e2", "/news/e2")
    full = FULL.replace("https://news.example/e1", "e1.html")
    items = list(read_feed(rss(teaser, full), source="https://news.example/feeds/all.xml", fetcher=f))
    assert calls == ["news.example/news/e2"]
    assert [i.url for i in items] == ["https://news.example/news/e2", "https://news.example/feeds/e1.html"]
    assert "Russian troops entered" in items[0].text


def test_an_id_is_not_taken_for_a_url():
    # feedparser gives an RSS guid ("e3") or an Atom id ("urn:a1") as the link when there is none.
    (a,) = list(read_feed(rss(SUMMARY_ONLY), source="feed.xml"))
    assert (a.ref, a.url) == ("e3", None)
    atom = ATOM.replace(b'<link href="https://atom.example/a1"/>', b"")
    (b,) = list(read_feed(atom, source="atom.xml"))
    assert (b.ref, b.url) == ("urn:a1", None)
    permalink = "<item><guid>https://news.example/p/9</guid><description>Talks began.</description></item>"
    (c,) = list(read_feed(rss(permalink), source="feed.xml"))
    assert c.url == "https://news.example/p/9"


def test_entries_without_id_link_or_title_are_kept_not_dropped():
    # They were skipped without a word, and the feed reported as having no entries.
    anon = "<item><description>The navy seized a cargo ship off the coast on Wednesday.</description></item>"
    blank = "<item><category>news</category></item>"
    items = list(read_feed(rss(anon, blank), source="feed.xml"))
    assert [type(i).__name__ for i in items] == ["Article", "Failure"]
    assert items[0].ref.startswith("sha1:") and "cargo ship" in items[0].text
    assert items[1].code == "E_EMPTY" and "no content or summary" in items[1].message
    again = list(read_feed(rss(anon), source="feed.xml", seen={items[0].ref}.__contains__))
    assert again == []  # the key is stable: `watch` takes it in once
