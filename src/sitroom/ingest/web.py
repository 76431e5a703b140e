"""Fetching URLs with httpx, politely and safely: timeouts, a size cap (the body is streamed and
dropped past the cap), a bounded number of redirects, a user agent naming Sitroom, at least
`min_interval` seconds between two requests to one host (longer when the host's robots.txt asks for a
Crawl-delay), robots.txt obeyed (RFC 9309, stdlib `urllib.robotparser`), and an SSRF guard.

The guard resolves the host itself, refuses loopback, private, link-local, multicast, reserved and
cloud-metadata addresses (unless `allow_private`), and then connects to the very IP it checked: the
request goes to `scheme://IP:port/...` with the `Host` header and TLS server name set to the host, so
a DNS answer that changes between check and connect (DNS rebinding) cannot slip through. Every
redirect hop is checked the same way.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from sitroom.errors import E_ENCODING, E_UNSUPPORTED, InputError
from sitroom.ingest.fail import fail
from sitroom.records import Article, Failure

if TYPE_CHECKING:
    from urllib.robotparser import RobotFileParser

    import httpx

    from sitroom.config import Settings

# Failure codes of the fetcher (Failure.code / InputError.code).
E_FETCH = "E_FETCH"  # connection failed, or an HTTP error status
E_BLOCKED = "E_BLOCKED"  # the SSRF guard refused the address
E_TOO_LARGE = "E_TOO_LARGE"  # the body is over max_bytes
E_TIMEOUT = "E_TIMEOUT"  # a timeout, or the whole fetch took longer than its deadline
E_REDIRECTS = "E_REDIRECTS"  # too many redirects, or a redirect to a scheme other than http(s)
E_DNS = "E_DNS"  # the host name does not resolve
E_ROBOTS = "E_ROBOTS"  # the host's robots.txt disallows the URL for our user agent

# Addresses that are "global" by the book but serve instance metadata in clouds.
METADATA_IPS = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack
        ipaddress.ip_address("fd00:ec2::254"),  # AWS IPv6
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    }
)
SCHEMES = ("http", "https")
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: a crawler must read at least 500 KiB; more is ignored
MAX_CRAWL_DELAY = 60.0  # seconds: a longer Crawl-delay is capped (one host must not stall a run)
# An unreachable robots.txt blocks its host for this long, then is asked again: one outage must not
# shut a host out of a `watch` that runs for days (RFC 9309 allows no cache longer than 24 hours).
ROBOTS_RETRY = 600.0
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
NOT_MODIFIED = 304

Resolver = Callable[[str, int], list[str]]  # (host, port) -> IP addresses as text


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses the system resolver gives for host (IPv4 and IPv6), in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    out: list[str] = []
    for *_, sockaddr in infos:
        ip = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if ip not in out:
            out.append(ip)
    return out


def blocked_reason(ip: str) -> str | None:
    """Why this address must not be fetched (None when it is a public unicast address)."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return "not an IP address"
    mapped = getattr(addr, "ipv4_mapped", None) or getattr(addr, "sixtofour", None)
    if mapped is not None:  # ::ffff:127.0.0.1 and 6to4's 2002:7f00:1:: reach 127.0.0.1
        addr = mapped
    if addr in METADATA_IPS:
        return "a cloud metadata address"
    for what, bad in (
        ("loopback", addr.is_loopback),
        ("link-local", addr.is_link_local),
        ("multicast", addr.is_multicast),
        ("unspecified", addr.is_unspecified),
        ("private", addr.is_private),
        ("reserved", addr.is_reserved),
    ):
        if bad:
            return f"a {what} address"
    if not addr.is_global:
        return "not a public address"  # shared (100.64/10), documentation ranges, ...
    return None


def _truthy(v: object) -> bool:
    # Settings from SITROOM_* env arrive as text: "0", "false" and "no" mean no.
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "yes", "on")
    return bool(v)


@dataclass(frozen=True, slots=True, kw_only=True)
class WebSettings:
    user_agent: str = "Sitroom/0.1 (+news event extraction; polite crawler)"
    timeout: float = 20.0  # seconds for connect / each read; the whole fetch gets 3x this
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    min_interval: float = 1.0  # seconds between two requests to the same host
    allow_private: bool = False
    obey_robots: bool = True  # read each host's robots.txt and skip what it disallows

    @classmethod
    def from_settings(cls, s: Settings) -> WebSettings:
        d = cls()
        return cls(
            user_agent=str(getattr(s, "user_agent", "") or d.user_agent),
            timeout=float(getattr(s, "fetch_timeout", d.timeout)),
            max_bytes=int(getattr(s, "fetch_max_bytes", d.max_bytes)),
            min_interval=float(getattr(s, "fetch_min_interval", d.min_interval)),
            allow_private=_truthy(getattr(s, "allow_private_urls", False)),
            obey_robots=_truthy(getattr(s, "obey_robots", True)),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Fetched:
    url: str  # as asked
    final_url: str  # after redirects
    status: int
    content_type: str  # media type without parameters, lower case ("" when absent)
    charset: str | None
    body: bytes
    fetched_at: str  # ISO datetime, UTC
    etag: str | None = None  # the response's validators, for a conditional GET of the same URL later
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """304: the validators sent still match (the body is empty)."""
        return self.status == NOT_MODIFIED


class _Response(NamedTuple):
    status: int
    media: str  # media type without parameters, lower case
    charset: str | None
    body: bytes
    etag: str | None
    last_modified: str | None


class FetchError(InputError):
    code = E_FETCH


class HTTPStatusError(FetchError):
    """The server answered with an error status (kept: robots.txt rules depend on it)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message, code=E_FETCH)
        self.status = status


@dataclass(slots=True)
class HostPacer:
    """At least `interval` seconds between the starts of two requests to one host."""

    interval: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    _slower: dict[str, float] = field(default_factory=dict)  # host -> its robots.txt Crawl-delay

    def slow_down(self, host: str, seconds: float) -> None:
        self._slower[host] = min(MAX_CRAWL_DELAY, max(0.0, seconds))

    def wait(self, host: str) -> float:
        """Sleep as long as politeness asks; returns the seconds slept."""
        with self._lock:
            now = self.clock()
            last = self._last.get(host)
            gap = max(self.interval, self._slower.get(host, 0.0))
            delay = 0.0 if last is None else max(0.0, last + gap - now)
            self._last[host] = now + delay
        if delay > 0:
            self.sleep(delay)
        return delay


def _netloc(host: str, scheme: str, port: int) -> str:
    """host[:port] as a URL or Host header writes it: the port only when it is not the scheme's
    default, an IPv6 address in brackets."""
    h = f"[{host}]" if ":" in host and not host.startswith("[") else host
    default = (scheme == "https" and port == 443) or (scheme == "http" and port == 80)
    return h if default else f"{h}:{port}"


class Fetcher:
    """One httpx client for many fetches. `transport`, `resolver`, `clock` and `sleep` are for tests
    (httpx.MockTransport, a fake DNS); the defaults are the real network and clock."""

    def __init__(
        self,
        settings: WebSettings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = system_resolver,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx

        self.settings = settings or WebSettings()
        self.resolver = resolver
        self.clock = clock
        self.pacer = HostPacer(self.settings.min_interval, clock, sleep)
        self._robots: dict[str, RobotFileParser] = {}  # "scheme://host:port" -> its rules
        self._robots_down: dict[str, tuple[str, float]] = {}  # origin -> (why unreadable, when)
        t = self.settings.timeout
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,  # each hop is checked here
            timeout=httpx.Timeout(t, connect=min(t, 10.0)),
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,  # no proxy from the environment: the guard must see the real peer
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- checks --------------------------------------------------------------------------------
    def check_url(self, url: str) -> tuple[str, str, int, str]:
        """(scheme, host, port, pinned IP) for a URL we may fetch; raises FetchError otherwise."""
        try:
            parts = urlsplit(url)
        except ValueError as e:  # "http://[::1": a typo on the command line, or a feed entry's link
            raise FetchError(f"{url}: not a valid URL ({e})", code=E_UNSUPPORTED) from None
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise FetchError(f"{url}: only http and https URLs are fetched", code=E_UNSUPPORTED)
        host = parts.hostname
        if not host:
            raise FetchError(f"{url}: no host in the URL", code=E_UNSUPPORTED)
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise FetchError(f"{url}: bad port", code=E_UNSUPPORTED) from None
        try:
            ipaddress.ip_address(host)
            ips = [host]
        except ValueError:
            try:
                ips = self.resolver(host, port)
            except (OSError, UnicodeError) as e:
                raise FetchError(f"{url}: cannot resolve {host}: {e}", code=E_DNS) from None
        if not ips:
            raise FetchError(f"{url}: {host} has no address", code=E_DNS)
        if not self.settings.allow_private:
            # Every answer must be public: a mixed answer is how rebinding attacks start.
            for ip in ips:
                why = blocked_reason(ip)
                if why is not None:
                    raise FetchError(
                        f"{url}: {host} resolves to {ip}, {why}; refused (set SITROOM_ALLOW_PRIVATE_URLS=1 "
                        "to fetch from private networks)",
                        code=E_BLOCKED,
                    )
        return scheme, host, port, ips[0]

    # -- fetching ------------------------------------------------------------------------------
    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET url, following at most max_redirects redirects. Raises FetchError (with a code).
        `etag` / `last_modified` from an earlier `Fetched` of this URL make it conditional: an
        unchanged resource comes back as a 304 (`not_modified`) with no body."""
        import httpx

        deadline = self.clock() + 3 * self.settings.timeout
        current = url
        conditional = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        for _hop in range(self.settings.max_redirects + 1):
            scheme, host, port, ip = self.check_url(current)
            if self.settings.obey_robots and not self.robots(scheme, host, port).can_fetch(
                self.settings.user_agent, current
            ):
                down = self._robots_down.get(f"{scheme}://{host}:{port}")
                why = f"its robots.txt is unreachable ({down[0]})" if down else "disallowed by its robots.txt"
                raise FetchError(f"{current}: {why}", code=E_ROBOTS)
            self.pacer.wait(host)
            try:
                resp = self._get(current, scheme, host, port, ip, deadline, validators=conditional)
            except httpx.TimeoutException as e:
                raise FetchError(f"{current}: timed out ({type(e).__name__})", code=E_TIMEOUT) from None
            except httpx.HTTPError as e:
                raise FetchError(f"{current}: {type(e).__name__}: {e}", code=E_FETCH) from None
            except httpx.InvalidURL as e:  # not an HTTPError: control characters, over 64 KB, ...
                raise FetchError(f"{current}: not a valid URL ({e})", code=E_UNSUPPORTED) from None
            if isinstance(resp, str):  # a redirect target
                current = resp
                continue
            return Fetched(
                url=url,
                final_url=current,
                status=resp.status,
                content_type=resp.media,
                charset=resp.charset,
                body=resp.body,
                fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
                etag=resp.etag,
                last_modified=resp.last_modified,
            )
        raise FetchError(
            f"{url}: more than {self.settings.max_redirects} redirects (last: {current})", code=E_REDIRECTS
        )

    def robots(self, scheme: str, host: str, port: int) -> RobotFileParser:
        """The host's robots.txt rules, fetched once (through the same guard and pacing). As RFC 9309
        says: a 4xx answer means no rules; a 5xx answer or no answer means nothing may be fetched."""
        from urllib.robotparser import RobotFileParser

        import httpx

        origin = f"{scheme}://{host}:{port}"
        rules = self._robots.get(origin)
        down = self._robots_down.get(origin)
        if rules is not None and (down is None or self.clock() - down[1] < ROBOTS_RETRY):
            return rules
        self._robots_down.pop(origin, None)
        rules = RobotFileParser(f"{origin}/robots.txt")
        current = f"{scheme}://{_netloc(host, scheme, port)}/robots.txt"
        deadline = self.clock() + 3 * self.settings.timeout
        try:
            for _hop in range(self.settings.max_redirects + 1):
                s, h, p, ip = self.check_url(current)
                self.pacer.wait(h)
                got = self._get(current, s, h, p, ip, deadline, truncate=ROBOTS_MAX_BYTES)
                if isinstance(got, str):
                    current = got
                    continue
                text = got.body.decode("utf-8", errors="replace")
                rules.parse(text.splitlines())
                break
            else:
                rules.disallow_all = True  # a redirect loop: treated as unreachable
        except HTTPStatusError as e:
            if 400 <= e.status < 500:
                rules.allow_all = True
            else:
                rules.disallow_all = True
                self._robots_down[origin] = (f"HTTP {e.status}", self.clock())
        except FetchError as e:
            rules.disallow_all = True  # unreachable (blocked, DNS, timeout): RFC 9309 says assume all
            self._robots_down[origin] = (e.code, self.clock())
        except (httpx.HTTPError, httpx.InvalidURL) as e:  # refused, reset, timed out: unreachable too
            rules.disallow_all = True
            self._robots_down[origin] = (f"{type(e).__name__}: {e}", self.clock())
        delay = rules.crawl_delay(self.settings.user_agent)
        if delay:
            self.pacer.slow_down(host, float(delay))
        self._robots[origin] = rules
        return rules

    def _get(
        self,
        url: str,
        scheme: str,
        host: str,
        port: int,
        ip: str,
        deadline: float,
        *,
        truncate: int = 0,
        validators: dict[str, str] | None = None,
    ) -> str | _Response:
        """One request to the pinned IP: a redirect target, or the response. `truncate` > 0 keeps the
        first that many bytes of a longer body instead of refusing it; `validators`: the headers of
        a conditional GET."""
        pinned = urlsplit(url)._replace(scheme=scheme, netloc=_netloc(ip, scheme, port)).geturl()
        headers = {"Host": _netloc(host, scheme, port), **(validators or {})}
        req = self._client.build_request("GET", pinned, headers=headers, extensions={"sni_hostname": host})
        resp = self._client.send(req, stream=True)
        etag, modified = resp.headers.get("etag"), resp.headers.get("last-modified")
        try:
            if resp.status_code == NOT_MODIFIED and validators:
                return _Response(NOT_MODIFIED, "", None, b"", etag, modified)
            if resp.status_code in _REDIRECTS:
                loc = resp.headers.get("location")
                if not loc:
                    raise FetchError(f"{url}: redirect {resp.status_code} without a Location", code=E_FETCH)
                return urljoin(url, loc.strip())
            if resp.status_code >= 400:
                raise HTTPStatusError(f"{url}: HTTP {resp.status_code}", resp.status_code)
            max_bytes = truncate or self.settings.max_bytes
            declared = resp.headers.get("content-length")
            if not truncate and declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(
                    f"{url}: {declared} bytes declared, more than the {max_bytes} allowed", code=E_TOO_LARGE
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():  # decoded (gzip) bytes: the cap holds after decompression
                size += len(chunk)
                if size > max_bytes and truncate:
                    chunks.append(chunk[: max_bytes - (size - len(chunk))])
                    break
                if size > max_bytes:
                    raise FetchError(f"{url}: body over the {max_bytes} bytes allowed", code=E_TOO_LARGE)
                if self.clock() > deadline:
                    raise FetchError(f"{url}: body still arriving at the deadline; too slow", code=E_TIMEOUT)
                chunks.append(chunk)
            ctype = resp.headers.get("content-type", "")
            media = ctype.split(";", 1)[0].strip().lower()
            charset = resp.charset_encoding
            return _Response(resp.status_code, media, charset, b"".join(chunks), etag, modified)
        finally:
            resp.close()


# -- URL → records -----------------------------------------------------------------------------
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
)


def page_article(
    got: Fetched, *, ref: str | None = None, published: str | None = None, **given: Any
) -> Article:
    """An article from a fetched HTML page (raises InputError when it holds none)."""
    from sitroom.ingest.html import from_html
    from sitroom.records import PublishedBasis

    return from_html(
        got.body,
        ref=ref or got.url,
        url=got.final_url,
        published=published,
        source=got.url,
        published_basis=given.pop("published_basis", PublishedBasis.USER),
        charset=got.charset,
        fetched=got.fetched_at,
        **given,
    )


def read_url(
    url: str,
    fetcher: Fetcher,
    *,
    published: str | None = None,
    seen: Callable[[str], bool] | None = None,
) -> Iterator[Article | Failure]:
    """One URL: an HTML page becomes an article; an RSS/Atom feed becomes its entries."""
    from sitroom.ingest import feeds
    from sitroom.ingest.build import build

    try:
        got = fetcher.fetch(url)
    except InputError as e:
        yield fail(url, e.code, str(e))
        return
    if not got.body.strip():
        yield fail(url, "E_EMPTY", f"{url}: empty response")
        return
    if got.content_type in _FEED_TYPES or feeds.looks_like_feed(got.body):
        yield from feeds.read_feed(
            got.body, source=url, fetcher=fetcher, published=published, seen=seen, base=got.final_url
        )
        return
    try:
        if got.content_type in _HTML_TYPES or not got.content_type:
            yield page_article(got, published=published)
        elif got.content_type == "text/plain":
            yield build(_decode_plain(got, url), ref=url, source=url, url=got.final_url, published=published)
        else:
            yield fail(
                url, E_UNSUPPORTED, f"{url}: content type {got.content_type!r} is not HTML, text or a feed"
            )
    except InputError as e:
        yield fail(url, e.code, str(e))


def _decode_plain(got: Fetched, url: str) -> str:
    """A text/plain body: UTF-8 (or a BOM's encoding), else the charset the server sent."""
    from sitroom.ingest.sources import decode_text

    try:
        return decode_text(got.body, source=url)
    except InputError:
        if not got.charset:
            raise
        try:
            return got.body.decode(got.charset)
        except (LookupError, UnicodeDecodeError):
            raise InputError(
                f"{url}: neither UTF-8 nor the server's charset {got.charset!r} decodes it", code=E_ENCODING
            ) from None
