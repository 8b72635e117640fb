"""Fetcher against a real loopback server: validators, redirects, status triage, limits."""

from __future__ import annotations

import gzip
import hashlib
import socket
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import httpx
import pytest

from monitor.fetch import Fetcher
from monitor.model import FeedState, FetchStatus
from tests.support.feedserver import FeedServer, Reply, Request, redirect

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
UA = "monitor-test/1.0 (+loopback)"


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(UA, connect_timeout=2, read_timeout=2, total_timeout=5) as f:
        yield f


def test_200_returns_the_body_and_its_validators(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.routes["/feed"] = Reply(
        body=FEED,
        headers={
            "Content-Type": "application/rss+xml; charset=utf-8",
            "Cache-Control": "max-age=600",
        },
        etag='"v1"',
        last_modified="Wed, 21 Oct 2026 07:28:00 GMT",
    )
    result = fetcher.fetch(feed_server.url("/feed"))
    assert result.status is FetchStatus.OK
    assert result.http_status == 200
    [doc] = result.documents
    assert (doc.body, doc.content_type, doc.charset) == (FEED, "application/rss+xml", "utf-8")
    assert doc.location == feed_server.url("/feed")
    assert (result.etag, result.last_modified) == ('"v1"', "Wed, 21 Oct 2026 07:28:00 GMT")
    assert result.content_hash == hashlib.sha256(FEED).hexdigest()
    assert result.max_age is not None and result.max_age.total_seconds() == 600


def test_sends_an_identifying_user_agent_and_accepts_compression(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.routes["/feed"] = Reply(body=FEED)
    fetcher.fetch(feed_server.url("/feed"))
    [request] = feed_server.hits("/feed")
    assert request.headers["user-agent"] == UA
    assert {"gzip", "deflate", "br"} <= set(request.headers["accept-encoding"].split(", "))


def test_etag_is_sent_back_and_304_means_not_modified(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.routes["/feed"] = Reply(body=FEED, etag='"abc"')
    first = fetcher.fetch(feed_server.url("/feed"))
    state = FeedState(feed_server.url("/feed"), etag=first.etag, content_hash=first.content_hash)
    second = fetcher.fetch(feed_server.url("/feed"), state)
    assert second.status is FetchStatus.NOT_MODIFIED
    assert (second.http_status, second.documents, second.etag) == (304, (), '"abc"')
    assert second.content_hash == first.content_hash
    assert [r.headers.get("if-none-match") for r in feed_server.hits("/feed")] == [None, '"abc"']


def test_last_modified_is_sent_back_as_if_modified_since(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    stamp = "Tue, 20 Oct 2026 10:00:00 GMT"
    feed_server.routes["/feed"] = Reply(body=FEED, last_modified=stamp)
    first = fetcher.fetch(feed_server.url("/feed"))
    second = fetcher.fetch(
        feed_server.url("/feed"),
        FeedState(feed_server.url("/feed"), last_modified=first.last_modified),
    )
    assert second.status is FetchStatus.NOT_MODIFIED
    assert second.last_modified == stamp  # kept from the state, the 304 repeats nothing
    assert feed_server.hits("/feed")[1].headers["if-modified-since"] == stamp
    assert "if-none-match" not in feed_server.hits("/feed")[1].headers


def test_same_body_without_validators_is_not_modified(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.routes["/feed"] = Reply(body=FEED)
    first = fetcher.fetch(feed_server.url("/feed"))
    state = FeedState(feed_server.url("/feed"), content_hash=first.content_hash)
    second = fetcher.fetch(feed_server.url("/feed"), state)
    assert (second.status, second.http_status, second.documents) == (
        FetchStatus.NOT_MODIFIED,
        200,
        (),
    )
    feed_server.routes["/feed"] = Reply(body=FEED + b"<!-- new -->")
    third = fetcher.fetch(feed_server.url("/feed"), state)
    assert third.status is FetchStatus.OK and third.content_hash != first.content_hash


@pytest.mark.parametrize(
    ("statuses", "moved"),
    [
        ((301,), True),
        ((308,), True),
        ((301, 308), True),
        ((302,), False),
        ((307,), False),
        ((301, 302), False),
        ((302, 301), False),
    ],
)
def test_only_all_permanent_redirects_move_the_feed(
    feed_server: FeedServer, fetcher: Fetcher, statuses: tuple[int, ...], moved: bool
) -> None:
    for hop, status in enumerate(statuses):
        feed_server.routes[f"/hop{hop}"] = redirect(status, f"/hop{hop + 1}")
    final = f"/hop{len(statuses)}"
    feed_server.routes[final] = Reply(body=FEED)
    result = fetcher.fetch(feed_server.url("/hop0"))
    assert result.status is FetchStatus.OK
    assert result.documents[0].location == feed_server.url(final)
    assert result.moved_to == (feed_server.url(final) if moved else None)


def test_five_redirects_are_followed_a_sixth_is_an_error(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    for hop in range(6):
        feed_server.routes[f"/r{hop}"] = redirect(301, f"/r{hop + 1}")
    feed_server.routes["/r6"] = Reply(body=FEED)
    assert fetcher.fetch(feed_server.url("/r1")).status is FetchStatus.OK
    result = fetcher.fetch(feed_server.url("/r0"))
    assert (result.status, result.error) == (FetchStatus.ERROR, "too many redirects (more than 5)")


def test_410_is_gone(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.routes["/feed"] = Reply(410, b"gone")
    result = fetcher.fetch(feed_server.url("/feed"))
    assert (result.status, result.http_status, result.error) == (
        FetchStatus.GONE,
        410,
        "HTTP 410 Gone",
    )


def test_429_with_retry_after_seconds(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.routes["/feed"] = Reply(429, headers={"Retry-After": "120"})
    result = fetcher.fetch(feed_server.url("/feed"))
    assert (result.status, result.error) == (FetchStatus.ERROR, "HTTP 429 Too Many Requests")
    assert result.retry_after is not None and result.retry_after.total_seconds() == 120


def test_503_with_retry_after_http_date(feed_server: FeedServer, fetcher: Fetcher) -> None:
    when = formatdate(time.time() + 3600, usegmt=True)
    feed_server.routes["/feed"] = Reply(503, headers={"Retry-After": when})
    result = fetcher.fetch(feed_server.url("/feed"))
    assert (result.status, result.http_status) == (FetchStatus.ERROR, 503)
    # Measured against the server's Date header; both are whole seconds.
    assert result.retry_after is not None
    assert 3598 <= result.retry_after.total_seconds() <= 3601


@pytest.mark.parametrize(
    ("status", "message"), [(500, "HTTP 500 Internal Server Error"), (404, "HTTP 404 Not Found")]
)
def test_other_http_errors(
    feed_server: FeedServer, fetcher: Fetcher, status: int, message: str
) -> None:
    feed_server.routes["/feed"] = Reply(status, b"oops")
    result = fetcher.fetch(feed_server.url("/feed"))
    assert (result.status, result.http_status, result.error) == (FetchStatus.ERROR, status, message)
    assert result.retry_after is None and result.documents == ()


def test_slow_drip_is_cut_off_at_the_total_timeout(feed_server: FeedServer) -> None:
    feed_server.routes["/drip"] = Reply(body=FEED * 10, drip=0.05)  # ~40 s to send it all
    with Fetcher(UA, read_timeout=0.5, total_timeout=1) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(feed_server.url("/drip"))
        elapsed = time.monotonic() - started
    assert (result.status, result.error) == (FetchStatus.ERROR, "timed out after 1 s in total")
    assert 1 <= elapsed < 2


def test_a_silent_server_hits_the_read_timeout(feed_server: FeedServer) -> None:
    feed_server.routes["/slow"] = Reply(body=FEED, delay=2)
    with Fetcher(UA, read_timeout=0.3, total_timeout=5) as fetcher:
        result = fetcher.fetch(feed_server.url("/slow"))
    assert (result.status, result.error) == (FetchStatus.ERROR, "timed out after 0.3 s reading")


def test_connection_refused(fetcher: Fetcher) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    assert (result.status, result.error) == (FetchStatus.ERROR, "connection refused")


@pytest.mark.parametrize("declared", [True, False])
def test_huge_body_is_capped(feed_server: FeedServer, declared: bool) -> None:
    feed_server.routes["/big"] = Reply(body=b"x" * (1 << 20), length=declared)
    with Fetcher(UA, max_bytes=64 * 1024) as fetcher:
        result = fetcher.fetch(feed_server.url("/big"))
    assert (result.status, result.error) == (FetchStatus.ERROR, "body exceeds 64 KiB")


def test_a_body_at_the_cap_is_accepted(feed_server: FeedServer) -> None:
    feed_server.routes["/big"] = Reply(body=b"x" * 65536, length=False)
    with Fetcher(UA, max_bytes=65536) as fetcher:
        assert len(fetcher.fetch(feed_server.url("/big")).documents[0].body) == 65536


def test_gzip_bomb_is_capped_after_decompression(feed_server: FeedServer) -> None:
    bomb = gzip.compress(b"\0" * (64 << 20), compresslevel=9)  # 64 MiB from ~64 KiB
    feed_server.routes["/bomb"] = Reply(body=bomb, headers={"Content-Encoding": "gzip"})
    with Fetcher(UA, max_bytes=1 << 20) as fetcher:
        result = fetcher.fetch(feed_server.url("/bomb"))
    assert len(bomb) < 1 << 20
    assert (result.status, result.error) == (FetchStatus.ERROR, "body exceeds 1 MiB")


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compressed_bodies_are_decoded(
    feed_server: FeedServer, fetcher: Fetcher, encoding: str
) -> None:
    body = FEED * 200
    feed_server.routes["/feed"] = Reply(body=body, encoding=encoding)
    result = fetcher.fetch(feed_server.url("/feed"))
    assert result.documents[0].body == body
    assert result.content_hash == hashlib.sha256(body).hexdigest()


def test_unknown_content_encoding_is_an_error(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.routes["/feed"] = Reply(body=FEED, headers={"Content-Encoding": "zstd"})
    result = fetcher.fetch(feed_server.url("/feed"))
    assert (result.status, result.error) == (
        FetchStatus.ERROR,
        "unsupported Content-Encoding 'zstd'",
    )


def test_corrupt_gzip_is_an_error(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.routes["/feed"] = Reply(
        body=b"\x1f\x8bnot gzip at all", headers={"Content-Encoding": "gzip"}
    )
    result = fetcher.fetch(feed_server.url("/feed"))
    assert result.status is FetchStatus.ERROR
    assert result.error is not None and result.error.startswith("cannot decode gzip body")


def test_declared_charset_is_passed_through_even_when_wrong(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    body = "<rss><channel><title>Свабода</title></channel></rss>".encode()
    feed_server.routes["/feed"] = Reply(
        body=body, headers={"Content-Type": 'text/XML; charset="windows-1251"'}
    )
    [doc] = fetcher.fetch(feed_server.url("/feed")).documents
    assert (doc.body, doc.content_type, doc.charset) == (body, "text/xml", "windows-1251")


def test_unsupported_scheme_is_an_error(fetcher: Fetcher) -> None:
    result = fetcher.fetch("ftp://example.org/feed.xml")
    assert (result.status, result.error) == (
        FetchStatus.ERROR,
        "unsupported URL scheme in 'ftp://example.org/feed.xml'",
    )


def test_redirect_to_a_local_file_is_refused(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.routes["/feed"] = redirect(301, "file:///etc/passwd")
    result = fetcher.fetch(feed_server.url("/feed"))
    assert result.status is FetchStatus.ERROR and result.documents == ()
    assert result.error is not None and result.error.startswith("unsupported URL")


def test_served_folder_answers_validators_and_304(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    name = sorted(p.name for p in seeds.iterdir() if p.suffix == ".txt")[0]
    feed_server.serve_folder(seeds, "/seeds/")
    first = fetcher.fetch(feed_server.url(f"/seeds/{name}"))
    assert first.documents[0].body == (seeds / name).read_bytes()
    assert first.documents[0].content_type == "text/plain"
    state = FeedState(first.url, etag=first.etag, last_modified=first.last_modified)
    assert fetcher.fetch(first.url, state).status is FetchStatus.NOT_MODIFIED
    assert fetcher.fetch(feed_server.url("/seeds/missing.txt")).error == "HTTP 404 Not Found"


def test_an_unknown_host_is_named_in_the_error() -> None:
    # The one case a loopback server cannot stage: the transport seam stands in for DNS.
    def no_dns(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("lookup failed") from socket.gaierror(-2, "Name not known")

    with Fetcher(UA, transport=httpx.MockTransport(no_dns)) as fetcher:
        result = fetcher.fetch("https://feeds.example.invalid/rss")
    assert (result.status, result.error) == (
        FetchStatus.ERROR,
        "cannot resolve host feeds.example.invalid",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1/feed", "invalid URL: Invalid IPv6 URL"),
        ("http://\x00/feed", "invalid URL: Invalid non-printable ASCII character in URL"),
    ],
)
def test_malformed_urls_are_errors_not_exceptions(fetcher: Fetcher, url: str, message: str) -> None:
    result = fetcher.fetch(url)
    assert result.status is FetchStatus.ERROR
    assert result.error is not None and result.error.startswith(message)


def test_a_feed_that_changes_between_polls_is_fresh(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    def numbered(request: Request) -> Reply:
        return Reply(body=FEED + f"<!-- {len(feed_server.hits('/feed'))} -->".encode())

    feed_server.routes["/feed"] = numbered
    first = fetcher.fetch(feed_server.url("/feed"))
    second = fetcher.fetch(first.url, FeedState(first.url, content_hash=first.content_hash))
    assert second.status is FetchStatus.OK
    assert second.documents[0].body.endswith(b"<!-- 2 -->")
