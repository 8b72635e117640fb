"""Links found in feeds: only http(s), only public addresses unless allowed, checked on the
resolved address at every redirect hop, and connected to the address that was checked."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from monitor.errors import FetchError
from monitor.fetch import Fetcher
from monitor.fetch.guard import GuardedTransport, refusal
from monitor.model import FetchStatus, networks
from tests.support.feedserver import FeedServer, Reply, redirect

LOOPBACK = networks(["127.0.0.0/8"])


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6 is the IPv4 address
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("fd00:ec2::254", "private"),  # AWS metadata over IPv6
        ("169.254.169.254", "link-local (cloud metadata lives here)"),
        ("fe80::1", "link-local (cloud metadata lives here)"),
        ("100.100.100.200", "non-public"),  # shared address space (Alibaba metadata)
        ("0.0.0.0", "private"),
        ("224.0.0.1", "non-public"),
        ("93.184.216.34", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
    ],
)
def test_which_addresses_a_feeds_links_may_reach(address: str, reason: str | None) -> None:
    assert refusal(ipaddress.ip_address(address), ()) == reason


def test_an_allowed_network_is_reachable() -> None:
    assert refusal(ipaddress.ip_address("10.1.2.3"), networks(["10.0.0.0/8"])) is None
    assert refusal(ipaddress.ip_address("10.1.2.3"), networks(["10.9.0.0/16"])) == "private"


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher("monitor-test") as made:
        yield made


def test_a_file_link_is_not_read(tmp_path: Path, fetcher: Fetcher) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("FILE-SECRET", encoding="utf-8")
    for url in (secret.as_uri(), f"file://localhost{secret}", str(secret), "ftp://x.example/a"):
        result = fetcher.fetch_page(url)
        assert result.status is FetchStatus.ERROR and not result.documents
        assert result.error == "not an http(s) link; not fetched"


def test_a_loopback_link_is_refused_before_any_request(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.routes["/secret.html"] = Reply(body=b"<p>PAGE-SECRET</p>")
    for host in ("127.0.0.1", "localhost"):  # a name that resolves to loopback too
        result = fetcher.fetch_page(feed_server.url("/secret.html", host))
        assert result.status is FetchStatus.ERROR and "loopback address" in (result.error or "")
    assert feed_server.hits("/secret.html") == []


def test_an_allowed_network_is_fetched_with_the_original_host_name(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.routes["/page.html"] = Reply(body=b"<p>intranet news</p>")
    result = fetcher.fetch_page(feed_server.url("/page.html", "localhost"), LOOPBACK)
    assert result.status is FetchStatus.OK
    [hit] = feed_server.hits("/page.html")
    assert hit.host == "localhost"  # pinned to the checked address, the Host header kept


def test_every_redirect_hop_is_checked(fetcher: Fetcher) -> None:
    """An allowed host that redirects to a forbidden one: the second hop is refused."""
    with FeedServer("127.0.0.2") as outside, FeedServer() as inside:
        inside.routes["/secret.html"] = Reply(body=b"<p>PAGE-SECRET</p>")
        outside.routes["/go"] = redirect(302, inside.url("/secret.html"))
        result = fetcher.fetch_page(outside.url("/go"), networks(["127.0.0.2/32"]))
        assert result.status is FetchStatus.ERROR
        assert "127.0.0.1 is a loopback address" in (result.error or "")
        assert len(outside.hits("/go")) == 1 and inside.hits("/secret.html") == []


def _client(resolved: list[str], allowed: tuple[ipaddress.IPv4Network, ...] = ()) -> httpx.Client:
    transport = GuardedTransport(httpx.HTTPTransport(), allowed, lambda host, port: resolved)
    return httpx.Client(transport=transport)


def test_the_connection_goes_to_the_address_that_was_checked(feed_server: FeedServer) -> None:
    """news.example resolves nowhere in DNS: reaching the server proves the pinned address
    was used, so a second (rebinding) DNS answer could not be."""
    feed_server.routes["/page.html"] = Reply(body=b"<p>ok</p>")
    url = f"http://news.example:{feed_server.port}/page.html"
    with _client(["127.0.0.1"], networks(["127.0.0.0/8"])) as client:  # type: ignore[arg-type]
        assert client.get(url).status_code == 200
    [hit] = feed_server.hits("/page.html")
    assert hit.host == "news.example"


def test_a_name_with_any_forbidden_address_is_refused(feed_server: FeedServer) -> None:
    url = f"http://news.example:{feed_server.port}/page.html"
    with _client(["93.184.216.34", "127.0.0.1"]) as client, pytest.raises(FetchError) as caught:
        client.get(url)
    assert "news.example (127.0.0.1) is a loopback address" in str(caught.value)
    assert feed_server.requests == []


# --- the feed's own redirects ---------------------------------------------------------------

PUBLIC = "93.184.216.34"


def _seen_as_public(host: str, port: int) -> list[str]:
    """Resolve as if 127.0.0.1 (the test's feed server) were a public address: the feed
    then counts as public, and its redirects are checked like a public feed's. Any other
    host resolves to itself (IP literals) or to a loopback address."""
    if host == "127.0.0.1":
        return [PUBLIC]
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        return ["127.0.0.1"]


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/iam/",  # cloud metadata
        "http://10.0.0.7/intranet.xml",
        "http://[::1]:{port}/inside.xml",
        "http://127.0.0.2:{port}/inside.xml",
        "http://localhost:{port}/inside.xml",
    ],
)
@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_public_feed_may_not_redirect_to_a_non_public_address(
    feed_server: FeedServer, location: str, status: int
) -> None:
    """The refusal is decided on the resolved address before connecting: no request leaves
    for the redirect's target (nothing is sent beyond loopback, and nothing to it)."""
    with FeedServer("127.0.0.2") as inside, Fetcher("t", resolver=_seen_as_public) as fetcher:
        inside.routes["/inside.xml"] = Reply(body=b"<rss>INSIDE</rss>")
        feed_server.routes["/feed.xml"] = redirect(status, location.format(port=inside.port))
        result = fetcher.fetch(feed_server.url("/feed.xml"))
        assert result.status is FetchStatus.ERROR and not result.documents
        assert "address; a feed's links and redirects may only lead to public" in (
            result.error or ""
        )
        assert result.moved_to is None  # a 301 cannot re-point the stored URL there either
        assert len(feed_server.hits("/feed.xml")) == 1 and inside.requests == []


def test_a_public_feed_may_redirect_into_a_network_it_allows(feed_server: FeedServer) -> None:
    with FeedServer("127.0.0.2") as inside, Fetcher("t", resolver=_seen_as_public) as fetcher:
        inside.routes["/inside.xml"] = Reply(body=b"<rss>INSIDE</rss>")
        feed_server.routes["/feed.xml"] = redirect(302, inside.url("/inside.xml"))
        result = fetcher.fetch(feed_server.url("/feed.xml"), None, networks(["127.0.0.2/32"]))
        assert result.status is FetchStatus.OK
        assert result.documents[0].body == b"<rss>INSIDE</rss>"
        assert len(inside.hits("/inside.xml")) == 1


def test_a_feed_configured_at_a_local_address_may_redirect_locally(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    """The operator chose a local source: its redirects stay within the operator's trust."""
    with FeedServer("127.0.0.2") as inside:
        inside.routes["/inside.xml"] = Reply(body=b"<rss>INSIDE</rss>")
        feed_server.routes["/feed.xml"] = redirect(301, inside.url("/inside.xml"))
        result = fetcher.fetch(feed_server.url("/feed.xml"))
        assert result.status is FetchStatus.OK and result.moved_to == inside.url("/inside.xml")
