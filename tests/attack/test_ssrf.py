"""URL ingestion under attack: every spelling of a loopback, private, link-local or metadata address is
refused before a request goes out, also behind redirects and DNS answers that change between lookups."""

from __future__ import annotations

import httpx
import pytest

from sitroom.ingest.web import E_BLOCKED, Fetcher, FetchError, WebSettings

PUBLIC = "93.184.216.34"


class RebindingDNS:
    """Answers a public address first, then a private one (the DNS-rebinding trick)."""

    def __init__(self, second: str) -> None:
        self.second = second
        self.calls = 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls += 1
        return [PUBLIC] if self.calls == 1 else [self.second]


def _fetcher(handler, resolver) -> Fetcher:
    return Fetcher(
        WebSettings(min_interval=0, obey_robots=False),
        transport=httpx.MockTransport(handler),
        resolver=resolver,
        sleep=lambda s: None,
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1/",
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://100.100.100.200/",
        "http://100.64.0.1/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://user:pass@127.0.0.1:8080/",
        "http://127.0.0.1#@example.org/",
    ],
)
def test_every_spelling_of_a_private_address_is_refused(url):
    calls: list[httpx.Request] = []

    def resolver(host: str, port: int) -> list[str]:
        import socket

        # What the C library would do with numeric spellings, without the network.
        return [socket.inet_ntoa(socket.inet_aton(host))] if host[0].isdigit() else [PUBLIC]

    f = _fetcher(lambda r: calls.append(r) or httpx.Response(200, text="x"), resolver)
    with pytest.raises(FetchError) as e:
        f.fetch(url)
    assert e.value.code in (E_BLOCKED, "E_DNS", "E_UNSUPPORTED")
    assert calls == []


@pytest.mark.parametrize("second", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1"])
def test_dns_rebinding_cannot_reach_the_private_address(second):
    """The guard checks one answer and connects to that very address; a second lookup that would
    answer privately is never made for the request, and a redirect's lookup is checked again."""
    dns = RebindingDNS(second)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        if request.url.path == "/":
            return httpx.Response(302, headers={"location": "http://news.example/next"})
        return httpx.Response(200, text="x")

    f = _fetcher(handler, dns)
    with pytest.raises(FetchError) as e:
        f.fetch("http://news.example/")
    assert e.value.code == E_BLOCKED
    assert seen == [PUBLIC]  # only the checked public address was ever connected to


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1/admin",
        "http://[::1]/",
        "http://169.254.169.254/",
        "file:///etc/passwd",
        "gopher://x/",
    ],
)
def test_redirects_to_private_or_odd_targets_are_refused(location):
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"location": location})

    f = _fetcher(handler, lambda h, p: [PUBLIC])
    with pytest.raises(FetchError):
        f.fetch("http://news.example/")
    assert len(seen) == 1


def test_size_and_redirect_bounds():
    f = _fetcher(lambda r: httpx.Response(200, content=b"a" * 11_000_000), lambda h, p: [PUBLIC])
    with pytest.raises(FetchError) as e:
        f.fetch("http://news.example/big")
    assert e.value.code == "E_TOO_LARGE"
    loop = _fetcher(lambda r: httpx.Response(302, headers={"location": "/again"}), lambda h, p: [PUBLIC])
    with pytest.raises(FetchError) as e:
        loop.fetch("http://news.example/again")
    assert e.value.code == "E_REDIRECTS"
