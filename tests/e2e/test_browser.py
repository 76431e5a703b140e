"""The web UI in a real headless browser: Debian chromium driven by Playwright, against
`sitroom serve` on a free loopback port over a seeded store (synthetic events, no spaCy).

Set SITROOM_SCREENSHOTS=DIR to save screenshots of the main views there, taken over a store made by
the real pipeline from examples/ and tests/corpus/stories/ (docs/ holds the committed ones):
    SITROOM_SCREENSHOTS=docs pytest tests/e2e/test_browser.py -k screenshots
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "src" / "sitroom" / "serve" / "static" / "index.html"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent: apt-get install chromium"),
    pytest.mark.skipif(not STATIC.exists(), reason="the web UI is not built: run `make web`"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")

HOSTILE_ID = "f" * 64
TOTAL = 40 * 3 + 1


def hostile_result():
    from sitroom.store.synthetic import hostile_result as hostile

    return hostile(paragraphs=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(db: Path):
    """`sitroom serve` over `db` on a free loopback port, until the block ends."""
    port = free_port()
    sitroom = Path(sys.executable).with_name("sitroom")
    proc = subprocess.Popen(
        [str(sitroom), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urlopen(f"{base}/api/config", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"sitroom serve exited: {proc.stdout.read().decode()}")
                time.sleep(0.1)
        else:
            pytest.fail("sitroom serve did not answer within 10 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from sitroom.link import link_articles
    from sitroom.store import open_store
    from sitroom.store.synthetic import results

    db = tmp_path_factory.mktemp("ui") / "ui.duckdb"
    with open_store(db) as store:
        store.write(results(40))
        store.write([hostile_result()])
        link_articles(store)  # one story of copies and rewrites; presence comes from the events
    with serving(db) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--headless",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    # bypass_csp: the page must be safe by how it renders (text nodes), not only thanks to its CSP
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    pg = ctx.new_page()
    pg.problems = []  # page errors and dialogs: none may happen
    pg.on("pageerror", lambda e: pg.problems.append(f"error: {e}"))
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(f"console: {m.text}"))
    yield pg
    ctx.close()


def shot(page, out: Path, name: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"screenshot-{name}.png"
    page.screenshot(path=str(path))
    return path


def open_map(page, server, query=""):
    page.goto(f"{server}/#/{query}")
    page.wait_for_selector("body[data-ready=map]")
    page.wait_for_selector("#event-list li.event")
    page.wait_for_selector(".marks circle")


def test_map_renders_markers_for_the_seeded_store(page, server):
    open_map(page, server)
    assert page.locator("path.country").count() > 100  # world-atlas shapes, drawn offline
    assert page.locator(".marks circle").count() >= 5  # five seeded places (clusters or markers)
    page.wait_for_function("document.querySelector('#summary').textContent.includes('on the map')")
    assert f"{TOTAL} events match" in page.locator("#summary").text_content()
    assert page.locator(".timeline .bars rect").count() > 10
    assert page.problems == []


def test_filter_narrows_the_list(page, server):
    open_map(page, server)
    page.fill("#f-country", "mli")
    page.select_option("#f-type", "CONSULT")
    page.click("#filters button[type=submit]")
    page.wait_for_function(f"!document.querySelector('#summary').textContent.startsWith('{TOTAL} ')")
    summary = page.locator("#summary").text_content()
    n = int(summary.split()[0])
    assert 0 < n < TOTAL
    items = page.locator("#event-list li.event")
    assert items.count() == n
    assert set(items.evaluate_all("els => els.map(e => e.dataset.type)")) == {"CONSULT"}
    assert "country=MLI" in page.url and "type=CONSULT" in page.url
    assert page.locator("#event-list li.event").first.locator(".place").text_content().endswith("(MLI)")
    assert page.problems == []


def test_a_click_on_the_map_opens_the_event_and_its_article(page, server):
    open_map(page, server, "?country=UKR")
    page.locator(".marks .cluster, .marks .marker").first.click()
    page.wait_for_selector("#group, #picked")
    if page.locator("#group").count():  # all events on one spot: a list to pick from
        page.locator("#group a.pick").first.click()
    page.wait_for_selector("#picked")
    assert "Kyiv" in page.locator("#picked").text_content()
    page.locator("#picked a.open").click()
    page.wait_for_selector("body[data-ready=article]")
    assert page.locator("mark.evidence.current").count() >= 1
    assert page.problems == []


def test_article_view_highlights_evidence(page, server):
    from sitroom.store.synthetic import article_result

    art = article_result(3)
    ev = art.events[1]
    page.goto(f"{server}/#/article/{art.article.id}?event={ev.id}")
    page.wait_for_selector("#article-text mark.evidence")
    marks = page.locator("#article-text mark.evidence")
    # one highlighted sentence per event (cut into segments around the trigger)
    assert len(set(marks.evaluate_all("els => els.map(e => e.dataset.events)"))) == 3
    current = page.locator("#article-text mark.current")
    assert "".join(current.all_text_contents()) == ev.evidence.sentence
    assert page.locator("#article-text mark.current strong.trigger").text_content() == ev.evidence.trigger
    assert page.locator("aside li.event.current").count() == 1
    assert page.problems == []


def test_hostile_article_shows_payloads_as_text_without_running_them(page, server):
    page.goto(f"{server}/#/article/{HOSTILE_ID}")
    page.wait_for_selector("#article-text mark.evidence")
    assert (
        page.locator("#article-title").text_content()
        == '<img src=x onerror="window.__xss = 3">Hostile <b>title</b>'
    )
    text = page.locator("#article-text").text_content()
    assert "<script>window.__xss = 1</script>" in text and '<img src=x onerror="window.__xss = 2">' in text
    assert page.locator("#view img, #view script, #view b").count() == 0
    page.wait_for_timeout(300)  # give any injected handler a chance to fire
    assert page.evaluate("window.__xss") is None
    # the same payloads through the map list
    open_map(page, server, "?text=%3Cscript%3E")
    assert "<script>" in page.locator("#event-list").text_content()
    assert page.evaluate("window.__xss") is None
    assert page.problems == []


def test_a_click_on_a_marker_opens_its_story(page, server):
    open_map(page, server, "?country=NER")
    page.locator(".marks .cluster, .marks .marker").first.click()
    page.wait_for_selector("#group, #picked")
    if page.locator("#group").count():
        page.locator("#group a.pick").first.click()
    page.wait_for_selector("#picked a.story")
    page.locator("#picked a.story").click()
    page.wait_for_selector("body[data-ready=story]")
    assert page.locator("#provenance li").count() == 40 + 1  # every seeded article, once
    assert page.locator("#provenance > li > .node[data-relation=origin]").count() == 1
    assert page.locator("#provenance ul .node[data-relation=copy]").count() >= 1  # copies under their source
    assert "independent source" in page.locator("#story-meta").text_content()
    assert page.problems == []


def test_stories_list_opens_a_story(page, server):
    page.goto(f"{server}/#/stories")
    page.wait_for_selector("#stories tbody tr")
    row = page.locator("#stories tbody tr").first
    cells = row.locator("td").all_text_contents()
    assert cells[2] == "41" and int(cells[4]) >= 1  # articles, independent sources
    assert "origin" in cells[5] and "copy" in cells[5]
    row.locator("a.story").click()
    page.wait_for_selector("body[data-ready=story]")
    assert page.locator("#provenance .node").count() == 41
    assert page.locator("#story-events li.event").count() >= 1
    page.goto(f"{server}/#/stories?country=FJI")  # a filter no story matches
    page.wait_for_selector("body[data-ready=stories] .hint")
    assert page.locator("#stories").count() == 0
    assert page.problems == []


def test_presence_table_and_map_links(page, server):
    page.goto(f"{server}/#/presence")
    page.wait_for_selector("#presence-table tbody tr")
    rows = page.locator("#presence-table tbody tr")
    hosts = set(rows.evaluate_all("els => els.map(e => e.dataset.host)"))
    assert {"NER", "MLI"} <= hosts
    assert "latest state" in page.locator("#as-of-note").text_content()
    page.fill("#as-of", "2000-01-01")
    page.click("#presence-filters button[type=submit]")
    page.wait_for_selector("#presence .hint")
    assert "2000-01-01" in page.locator("#as-of-note").text_content()
    assert page.locator("#presence-table").count() == 0
    open_map(page, server)
    page.wait_for_selector(".links g.presence")
    assert page.locator(".links g.presence[data-host=NER][data-force=RUS]").count() == 1
    assert page.problems == []


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("SITROOM_SCREENSHOTS"), reason="set SITROOM_SCREENSHOTS=DIR to take them"
)
def test_screenshots_of_a_real_store(browser, tmp_path):
    """The main views over a store the real pipeline made from the example and story articles."""
    from sitroom.pipeline import ingest
    from sitroom.store import open_store

    out = Path(os.environ["SITROOM_SCREENSHOTS"])
    db = tmp_path / "real.duckdb"
    with open_store(db) as store:
        ingest([str(ROOT / "examples"), str(ROOT / "tests" / "corpus" / "stories" / "articles.jsonl")], store)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    with serving(db) as base:
        pg.goto(f"{base}/#/")
        pg.wait_for_selector(".marks circle")
        pg.wait_for_selector(".links g.presence")
        pg.wait_for_timeout(500)
        shots = [shot(pg, out, "map")]
        pg.goto(f"{base}/#/stories")
        pg.wait_for_selector("#stories tbody tr")
        shots.append(shot(pg, out, "stories"))
        pg.locator("#stories tbody tr", has_text="7").first.locator("a.story").click()
        pg.wait_for_selector("#provenance .node")
        shots.append(shot(pg, out, "story"))
        pg.goto(f"{base}/#/presence?as_of=2024-05-03")
        pg.wait_for_selector("#presence-table tbody tr")
        shots.append(shot(pg, out, "presence"))
        first = pg.locator("#presence-table a.ev").first.get_attribute("href")
        pg.goto(f"{base}/{first}")
        pg.wait_for_selector("#article-text mark.current")
        pg.wait_for_timeout(800)  # the smooth scroll to the evidence, then back to the title
        pg.evaluate("window.scrollTo(0, 0)")
        shots.append(shot(pg, out, "article"))
    ctx.close()
    for p in shots:
        assert p.stat().st_size < 300_000, f"{p} is {p.stat().st_size} bytes; keep screenshots small"


def test_api_docs_work_offline(page, server):
    page.goto(f"{server}/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=10_000)
    assert page.locator(".opblock").count() >= 8
