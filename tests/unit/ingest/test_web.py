"""URL fetching: SSRF guard, pinned IPs, redirects, size and time limits, politeness, and `watch`'s
conditional GETs. No network: httpx.MockTransport and a fake resolver; one loopback server with the
allow-private setting on."""

from __future__ import annotations

import http.server
import threading

import httpx
import pytest

from sitroom.ingest.watch import FeedMemory, poll
from sitroom.ingest.web import (
    E_BLOCKED,
    E_DNS,
    E_FETCH,
    E_REDIRECTS,
    E_ROBOTS,
    E_TIMEOUT,
    E_TOO_LARGE,
    ROBOTS_RETRY,
    Fetcher,
    FetchError,
    HostPacer,
    WebSettings,
    blocked_reason,
    read_url,
)
from sitroom.records import Article, Failure
from sitroom.store import open_store

PAGE = (
    "<html><head><title>Troops arrive</title></head><body><article><h1>Troops arrive in Gao</h1>"
    + "".join(
        f"<p>Paragraph {i}: soldiers arrived in the northern town on Tuesday, officials said.</p>"
        for i in range(8)
    )
    + "</article></body></html>"
).encode()


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.t += s


DNS = {
    "news.example": ["93.184.216.34"],
    "other.example": ["93.184.216.35"],
    "evil.example": ["127.0.0.1"],
    "mixed.example": ["93.184.216.36", "10.0.0.5"],
    "meta.example": ["169.254.169.254"],
    "v6meta.example": ["fd00:ec2::254"],
}


def resolver(host: str, port: int) -> list[str]:
    if host not in DNS:
        raise OSError("name not known")
    return DNS[host]


def make(handler, **kw) -> tuple[Fetcher, FakeClock]:
    clock = FakeClock()
    settings = WebSettings(**{"min_interval": 1.0, "obey_robots": False, **kw})
    f = Fetcher(
        settings, transport=httpx.MockTransport(handler), resolver=resolver, clock=clock, sleep=clock.sleep
    )
    return f, clock


def html(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, content=PAGE)


@pytest.mark.parametrize(
    ("ip", "blocked"),
    [
        ("93.184.216.34", False),
        ("2606:2800:220:1:248:1893:25c8:1946", False),
        ("127.0.0.1", True),
        ("127.9.9.9", True),
        ("::1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("169.254.1.1", True),
        ("fd00:ec2::254", True),
        ("fe80::1", True),
        ("224.0.0.1", True),
        ("0.0.0.0", True),
        ("240.0.0.1", True),
        ("100.64.0.1", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", True),
        ("2002:7f00:1::", True),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::1", True),  # 6to4 of 169.254.169.254
        ("2002:5db8:d822::1", False),  # 6to4 of a public address
        ("100.100.100.200", True),
        ("not-an-ip", True),
    ],
)
def test_blocked_reason(ip, blocked):
    assert (blocked_reason(ip) is not None) is blocked


def test_fetch_pins_the_checked_ip_and_names_sitroom():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return html(request)

    f, _ = make(handler)
    got = f.fetch("https://news.example/story?id=1")
    assert got.status == 200 and got.body == PAGE and got.content_type == "text/html"
    req = seen[0]
    assert req.url.host == "93.184.216.34"  # connects to the address that was checked
    assert req.url.path == "/story" and req.url.query == b"id=1"
    assert req.headers["host"] == "news.example"
    assert req.extensions["sni_hostname"] == "news.example"
    assert "Sitroom" in req.headers["user-agent"]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://evil.example/", E_BLOCKED),
        ("http://mixed.example/", E_BLOCKED),  # one private answer is enough to refuse
        ("http://meta.example/latest/meta-data/", E_BLOCKED),
        ("http://v6meta.example/", E_BLOCKED),
        ("http://169.254.169.254/latest/meta-data/", E_BLOCKED),
        ("http://[::1]:8080/", E_BLOCKED),
        ("http://localhost.invalid/", E_DNS),
        ("file:///etc/passwd", "E_UNSUPPORTED"),
        ("gopher://news.example/", "E_UNSUPPORTED"),
    ],
)
def test_refused_urls_never_reach_the_transport(url, code):
    calls = []
    f, _ = make(lambda r: calls.append(r) or html(r))
    with pytest.raises(FetchError) as e:
        f.fetch(url)
    assert e.value.code == code
    assert calls == []


def test_redirect_to_a_private_address_is_refused():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(302, headers={"location": "http://evil.example/admin"})

    f, _ = make(handler)
    with pytest.raises(FetchError) as e:
        f.fetch("http://news.example/a")
    assert e.value.code == E_BLOCKED
    assert len(calls) == 1  # the private hop was checked before any request went out


def test_redirects_are_followed_and_bounded():
    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.path.strip("/") or 0)
        if n < 3:
            return httpx.Response(301, headers={"location": f"/{n + 1}"})
        return html(request)

    f, _ = make(handler)
    got = f.fetch("http://news.example/0")
    assert got.final_url == "http://news.example/3"
    f2, _ = make(handler, max_redirects=2)
    with pytest.raises(FetchError) as e:
        f2.fetch("http://news.example/0")
    assert e.value.code == E_REDIRECTS


def test_declared_and_streamed_size_limits():
    def declared(request):
        return httpx.Response(
            200, headers={"content-length": "999999", "content-type": "text/html"}, content=b"x"
        )

    f, _ = make(declared, max_bytes=1000)
    with pytest.raises(FetchError) as e:
        f.fetch("http://news.example/")
    assert e.value.code == E_TOO_LARGE
    produced = []

    def endless():
        for _ in range(10_000):
            produced.append(1)
            yield b"y" * 500

    f2, _ = make(lambda r: httpx.Response(200, content=endless()), max_bytes=2000)
    with pytest.raises(FetchError) as e:
        f2.fetch("http://news.example/")
    assert e.value.code == E_TOO_LARGE
    assert len(produced) < 10  # streaming stopped at the cap, the rest was never read


def test_slow_body_hits_the_deadline():
    clock_box = {}

    def drip():
        for _ in range(100):
            clock_box["c"].t += 5.0  # every chunk takes 5 s
            yield b"<p>slow</p>"

    f, clock = make(lambda r: httpx.Response(200, content=drip()), timeout=2.0)
    clock_box["c"] = clock
    with pytest.raises(FetchError) as e:
        f.fetch("http://news.example/")
    assert e.value.code == E_TIMEOUT


def test_transport_timeout_and_http_error():
    def boom(request):
        raise httpx.ReadTimeout("slow", request=request)

    f, _ = make(boom)
    with pytest.raises(FetchError) as e:
        f.fetch("http://news.example/")
    assert e.value.code == E_TIMEOUT
    f2, _ = make(lambda r: httpx.Response(503))
    with pytest.raises(FetchError) as e:
        f2.fetch("http://news.example/")
    assert e.value.code == E_FETCH and "503" in str(e.value)


def test_one_second_between_requests_to_one_host():
    f, clock = make(html)
    f.fetch("http://news.example/1")
    f.fetch("http://news.example/2")
    f.fetch("http://other.example/1")  # another host: no wait
    assert clock.slept == [1.0]


def test_pacer_counts_elapsed_time():
    clock = FakeClock()
    p = HostPacer(1.0, clock, clock.sleep)
    assert p.wait("a") == 0.0
    clock.t += 0.4
    assert p.wait("a") == pytest.approx(0.6)
    clock.t += 5
    assert p.wait("a") == 0.0


def test_read_url_html_and_failures():
    f, _ = make(html)
    (a,) = list(read_url("http://news.example/gao", f))
    assert isinstance(a, Article) and "soldiers arrived" in a.text and a.url == "http://news.example/gao"
    assert a.fetched is not None and a.fetched.endswith("Z")  # when we fetched it, in UTC
    f2, _ = make(lambda r: httpx.Response(200, headers={"content-type": "image/png"}, content=b"\x89PNG...."))
    (bad,) = list(read_url("http://news.example/pic", f2))
    assert isinstance(bad, Failure) and bad.code == "E_UNSUPPORTED"
    (blocked,) = list(read_url("http://evil.example/", f2))
    assert isinstance(blocked, Failure) and blocked.code == E_BLOCKED


def test_settings_from_environment_text(monkeypatch):
    from sitroom.config import load

    monkeypatch.setenv("SITROOM_ALLOW_PRIVATE_URLS", "0")
    assert WebSettings.from_settings(load()).allow_private is False
    monkeypatch.setenv("SITROOM_ALLOW_PRIVATE_URLS", "true")
    monkeypatch.setenv("SITROOM_FETCH_TIMEOUT", "7")
    ws = WebSettings.from_settings(load())
    assert ws.allow_private is True and ws.timeout == 7.0


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        body = PAGE if self.path == "/page" else b""
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_loopback_server_only_with_allow_private():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        url = f"http://localhost:{server.server_port}/page"
        with Fetcher(
            WebSettings(min_interval=0, obey_robots=False), resolver=lambda h, p: ["127.0.0.1"]
        ) as f:
            with pytest.raises(FetchError) as e:
                f.fetch(url)
            assert e.value.code == E_BLOCKED
        with Fetcher(WebSettings(min_interval=0, allow_private=True, timeout=5, obey_robots=False)) as f:
            got = f.fetch(url)
            assert got.body == PAGE
    finally:
        server.shutdown()
        server.server_close()


# -- robots.txt --------------------------------------------------------------------------------
ROBOTS = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 5\n\nUser-agent: Sitroom\nDisallow: /nosit/\n"


def robots_site(robots: httpx.Response, paths: list[str]):
    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if request.url.path == "/robots.txt":
            return robots
        return html(request)

    return handler


def test_robots_rules_are_read_once_per_host_and_obeyed():
    paths: list[str] = []
    star = b"User-agent: *\nDisallow: /private/\n"
    f, _ = make(robots_site(httpx.Response(200, content=star), paths), obey_robots=True)
    assert f.fetch("https://news.example/a").status == 200
    with pytest.raises(FetchError) as e:
        f.fetch("https://news.example/private/b")
    assert e.value.code == E_ROBOTS and "robots.txt" in str(e.value)
    assert paths == ["/robots.txt", "/a"]  # one robots.txt read; the disallowed page never requested


def test_robots_rules_for_our_agent_win_over_the_star_group():
    paths: list[str] = []
    f, _ = make(robots_site(httpx.Response(200, content=ROBOTS), paths), obey_robots=True)
    with pytest.raises(FetchError) as e:
        f.fetch("https://news.example/nosit/c")
    assert e.value.code == E_ROBOTS
    assert f.fetch("https://news.example/private/ok").status == 200  # the star group is not ours


def test_crawl_delay_slows_the_host_down():
    paths: list[str] = []
    f, clock = make(
        robots_site(httpx.Response(200, content=b"User-agent: *\nCrawl-delay: 7\n"), paths),
        obey_robots=True,
        min_interval=1.0,
    )
    f.fetch("https://news.example/a")
    f.fetch("https://news.example/b")
    assert clock.slept[-1] == pytest.approx(7.0)


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, True), (500, False), (503, False)])
def test_robots_status_rules(status: int, allowed: bool):
    paths: list[str] = []
    f, _ = make(robots_site(httpx.Response(status), paths), obey_robots=True)
    if allowed:
        assert f.fetch("https://news.example/a").status == 200
    else:
        with pytest.raises(FetchError) as e:
            f.fetch("https://news.example/a")
        assert e.value.code == E_ROBOTS


def test_a_disallowed_url_becomes_a_failure_record():
    paths: list[str] = []
    f, _ = make(
        robots_site(httpx.Response(200, content=b"User-agent: *\nDisallow: /\n"), paths), obey_robots=True
    )
    (got,) = list(read_url("https://news.example/story", f))
    assert isinstance(got, Failure) and got.code == E_ROBOTS


def test_robots_can_be_switched_off():
    paths: list[str] = []
    f, _ = make(robots_site(httpx.Response(200, content=b"User-agent: *\nDisallow: /\n"), paths))
    assert f.fetch("https://news.example/a").status == 200
    assert paths == ["/a"]


def test_a_host_that_refuses_connections_is_a_failure_not_a_crash():
    # httpx's own errors while reading robots.txt (refused, reset, timed out) escaped `fetch`.
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    f, _ = make(refuse, obey_robots=True)
    (got,) = list(read_url("https://news.example/story", f))
    assert isinstance(got, Failure) and got.code == E_ROBOTS
    assert "unreachable" in got.message and "ConnectError" in got.message


def test_an_unreachable_robots_txt_is_asked_again_later():
    # A `watch` runs for days: one outage must not shut the host out until it is restarted.
    paths: list[str] = []
    up = {"robots": False}

    def site(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if request.url.path == "/robots.txt" and not up["robots"]:
            raise httpx.ReadTimeout("slow", request=request)
        return html(request) if request.url.path != "/robots.txt" else httpx.Response(404)

    f, clock = make(site, obey_robots=True)
    with pytest.raises(FetchError) as e:
        f.fetch("https://news.example/a")
    assert e.value.code == E_ROBOTS
    with pytest.raises(FetchError):  # within the retry time: not asked again
        f.fetch("https://news.example/a")
    assert paths == ["/robots.txt"]
    up["robots"] = True
    clock.t += ROBOTS_RETRY
    assert f.fetch("https://news.example/a").status == 200
    assert paths == ["/robots.txt", "/robots.txt", "/a"]


LATIN = PAGE.replace(b"Troops arrive in Gao", "D\u00e9fense \u00e0 Gao".encode("latin-1"))


def test_the_servers_charset_reads_pages_that_are_not_utf8():
    # The charset came in the HTTP Content-Type only: it was ignored and the page failed E_ENCODING.
    f, _ = make(
        lambda r: httpx.Response(
            200, headers={"content-type": "text/html; charset=iso-8859-1"}, content=LATIN
        )
    )
    (a,) = list(read_url("http://news.example/gao", f))
    assert isinstance(a, Article) and "D\u00e9fense \u00e0 Gao" in a.text
    text = "D\u00e9fense \u00e0 Gao\n\nLes soldats sont arriv\u00e9s mardi, ont dit les officiels.".encode(
        "cp1252"
    )
    f2, _ = make(
        lambda r: httpx.Response(200, headers={"content-type": "text/plain; charset=cp1252"}, content=text)
    )
    (b,) = list(read_url("http://news.example/gao.txt", f2))
    assert isinstance(b, Article) and b.title == "D\u00e9fense \u00e0 Gao"
    f3, _ = make(
        lambda r: httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, content=LATIN)
    )
    (bad,) = list(read_url("http://news.example/gao", f3))
    assert isinstance(bad, Failure) and bad.code == "E_ENCODING" and "server's charset 'utf-8'" in bad.message


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://news.example/a\x7fb", "http://news.example/" + "a" * 70_000]
)
def test_malformed_urls_are_failures_not_crashes(url):
    # urlsplit's ValueError and httpx.InvalidURL (not an httpx.HTTPError) escaped read_url.
    f, _ = make(html)
    (got,) = list(read_url(url, f))
    assert isinstance(got, Failure) and got.code == "E_UNSUPPORTED" and "not a valid URL" in got.message


# -- watch: conditional GETs ------------------------------------------------------------------
FEED_URL = "http://news.example/feed.xml"
ITEM = (
    "<item><guid>{key}</guid><title>Troops arrive {key}</title><link>{link}</link>"
    "<pubDate>Fri, 03 May 2024 10:00:00 GMT</pubDate></item>"
)


def feed(*items: tuple[str, str]) -> bytes:
    body = "".join(ITEM.format(key=k, link=link) for k, link in items)
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
    return f"{head}{body}</channel></rss>".encode()


class Server:
    """A feed with validators, its pages, and the requests it saw."""

    def __init__(self, body: bytes, etag: str = '"v1"') -> None:
        self.body, self.etag = body, etag
        self.asked: list[dict[str, str]] = []
        self.broken: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url.endswith("/feed.xml"):
            self.asked.append({k: v for k, v in request.headers.items() if k.startswith("if-")})
            if request.headers.get("if-none-match") == self.etag:
                return httpx.Response(304, headers={"etag": self.etag})
            headers = {"content-type": "application/rss+xml", "etag": self.etag,
                       "last-modified": "Fri, 03 May 2024 10:00:00 GMT"}  # fmt: skip
            return httpx.Response(200, headers=headers, content=self.body)
        if url.rsplit("/", 1)[-1] in self.broken:
            return httpx.Response(503)
        return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, content=PAGE)


@pytest.fixture
def memory():
    with open_store(":memory:") as store:
        yield FeedMemory(store.cursor())


def test_an_unchanged_feed_is_asked_with_its_validators_and_not_read(memory):
    server = Server(feed(("a1", "http://news.example/a1")))
    fetcher, _ = make(server)
    first = poll(FEED_URL, memory, fetcher=fetcher)
    assert [k for k, _ in first.keys] == ["a1"] and not first.not_modified
    assert first.validators == ('"v1"', "Fri, 03 May 2024 10:00:00 GMT")
    memory.mark(FEED_URL, first.keys)
    memory.keep_validators(FEED_URL, *first.validators)
    again = poll(FEED_URL, memory, fetcher=fetcher)
    assert again.not_modified and again.items == () and again.keys == ()
    assert server.asked == [
        {},
        {"if-none-match": '"v1"', "if-modified-since": "Fri, 03 May 2024 10:00:00 GMT"},
    ]
    server.etag, server.body = (
        '"v2"',
        feed(("a1", "http://news.example/a1"), ("a2", "http://news.example/a2")),
    )
    changed = poll(FEED_URL, memory, fetcher=fetcher)
    assert [k for k, _ in changed.keys] == ["a2"] and changed.validators[0] == '"v2"'


def test_a_round_with_a_failed_entry_keeps_no_validators(memory):
    """Its failed entry is retried next round: a 304 to a conditional GET would skip it for good."""
    server = Server(feed(("a1", "http://news.example/a1"), ("a2", "http://news.example/a2")))
    server.broken = {"a2"}
    fetcher, _ = make(server)
    first = poll(FEED_URL, memory, fetcher=fetcher)
    assert [k for k, _ in first.keys] == ["a1"] and first.validators is None
    memory.mark(FEED_URL, first.keys)
    server.broken = set()
    again = poll(FEED_URL, memory, fetcher=fetcher)
    assert server.asked[-1] == {}  # asked in full
    assert [k for k, _ in again.keys] == ["a2"] and again.validators is not None


def test_a_feed_file_has_no_validators(memory, tmp_path):
    path = tmp_path / "wire.rss"
    path.write_bytes(feed(("a1", "http://news.example/a1")))
    fetcher, _ = make(Server(b""))
    got = poll(str(path), memory, fetcher=fetcher)
    assert got.validators is None and not got.not_modified
    assert memory.validators(str(path)) == (None, None)
