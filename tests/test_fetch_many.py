"""fetch_many: concurrent fetches under a global and a per-host limit, yielded as done."""

from __future__ import annotations

from pathlib import Path

from monitor.fetch import Fetcher
from monitor.model import FetchStatus
from tests.support.feedserver import FeedServer, Reply


def test_per_host_limit_is_respected_but_requests_overlap(feed_server: FeedServer) -> None:
    for i in range(8):
        feed_server.routes[f"/f{i}"] = Reply(body=b"<rss/>", delay=0.1)
    urls = [feed_server.url(f"/f{i}") for i in range(8)]
    with Fetcher("t", max_connections=10, per_host=3) as fetcher:
        results = dict(fetcher.fetch_many((url, None) for url in urls))
    assert sorted(results) == sorted(urls)
    assert all(r.status is FetchStatus.OK for r in results.values())
    assert feed_server.max_active == {"127.0.0.1": 3}


def test_global_limit_holds_across_hosts(feed_server: FeedServer) -> None:
    for i in range(6):
        feed_server.routes[f"/f{i}"] = Reply(body=b"<rss/>", delay=0.1)
    urls = [
        feed_server.url(f"/f{i}", host) for host in ("127.0.0.1", "localhost") for i in range(6)
    ]
    with Fetcher("t", max_connections=3, per_host=2) as fetcher:
        results = dict(fetcher.fetch_many((url, None) for url in urls))
    assert len(results) == 12 and all(r.status is FetchStatus.OK for r in results.values())
    assert feed_server.max_total == 3
    assert max(feed_server.max_active.values()) == 2


def test_results_come_as_they_complete(feed_server: FeedServer) -> None:
    feed_server.routes["/slow"] = Reply(body=b"<rss/>", delay=0.5)
    feed_server.routes["/fast"] = Reply(body=b"<rss/>")
    urls = [feed_server.url("/slow"), feed_server.url("/fast")]
    with Fetcher("t", per_host=2) as fetcher:
        order = [url for url, _ in fetcher.fetch_many((url, None) for url in urls)]
    assert order == urls[::-1]


def test_local_sources_and_failures_are_results_too(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    (tmp_path / "a.xml").write_bytes(b"<rss/>")
    feed_server.routes["/broken"] = Reply(500)
    requests = [(str(tmp_path), None), (feed_server.url("/broken"), None), ("ftp://x/y", None)]
    with Fetcher("t") as fetcher:
        statuses = {url: r.status for url, r in fetcher.fetch_many(requests)}
    assert statuses == {
        str(tmp_path): FetchStatus.OK,
        feed_server.url("/broken"): FetchStatus.ERROR,
        "ftp://x/y": FetchStatus.ERROR,
    }


def test_stopping_early_starts_no_more_fetches(feed_server: FeedServer) -> None:
    for i in range(6):
        feed_server.routes[f"/f{i}"] = Reply(body=b"<rss/>", delay=0.05)
    urls = [feed_server.url(f"/f{i}") for i in range(6)]
    with Fetcher("t", max_connections=1, per_host=1) as fetcher:
        results = fetcher.fetch_many((url, None) for url in urls)
        first_url, _ = next(results)
        results.close()
    assert first_url == urls[0]
    assert len(feed_server.requests) == 1  # nothing new starts while the caller holds a result


def test_a_long_queue_for_one_host_does_not_hold_up_another(feed_server: FeedServer) -> None:
    for i in range(4):
        feed_server.routes[f"/busy{i}"] = Reply(body=b"<rss/>", delay=0.1)
    feed_server.routes["/quiet"] = Reply(body=b"<rss/>")
    busy = [feed_server.url(f"/busy{i}") for i in range(4)]
    quiet = feed_server.url("/quiet", "localhost")
    with Fetcher("t", max_connections=2, per_host=2) as fetcher:
        order = [url for url, _ in fetcher.fetch_many((url, None) for url in [*busy, quiet])]
    assert order[0] == quiet  # started in the first round, beside one busy fetch


def test_a_malformed_url_does_not_stop_the_others(feed_server: FeedServer) -> None:
    feed_server.routes["/ok"] = Reply(body=b"<rss/>")
    with Fetcher("t") as fetcher:
        statuses = dict(
            fetcher.fetch_many([("http://[::1/x", None), (feed_server.url("/ok"), None)])
        )
    assert statuses["http://[::1/x"].status is FetchStatus.ERROR
    assert statuses[feed_server.url("/ok")].status is FetchStatus.OK


def test_the_per_host_limit_holds_across_fetches_running_at_once(feed_server: FeedServer) -> None:
    """A poll's feeds and, meanwhile, a channel's older pages (or a full_text feed's article
    pages) on the same host: together still at most `per_host` requests to it."""
    for i in range(12):  # the first outer request ends at once, the other outer ones late
        feed_server.routes[f"/f{i}"] = Reply(body=b"<rss/>", delay=0 if i == 0 else 0.5)
    with Fetcher("t", max_connections=10, per_host=2) as fetcher:
        outer = fetcher.fetch_many((feed_server.url(f"/f{i}"), None) for i in range(6))
        first = next(outer)  # the outer fetch is under way; start another beside it
        inner = dict(fetcher.fetch_many((feed_server.url(f"/f{i}"), None) for i in range(6, 12)))
        rest = dict(outer)
    assert len(inner) == 6 and len(rest) + 1 == 6 and first[1].status is FetchStatus.OK
    assert feed_server.max_active == {"127.0.0.1": 2}
