"""The Fetcher: one httpx.Client for HTTP(S), plain reads for local sources, and a
concurrent fetch_many that stays under a global and a per-host connection limit.

In: URLs with their previous FeedState. Out: FetchResults (never exceptions). Feeds are
the operator's own URLs and may be local files or local addresses; but a feed at a public
address may not redirect to a non-public one (loopback, private, link-local: cloud
metadata) unless the feed allows that network: its redirects go through the guard
(guard.py), which decides on the resolved address before connecting. Links found inside
feeds (article pages) go through `fetch_pages`: http(s) only, public addresses only.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import partial
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from monitor.fetch.guard import GuardedTransport, Resolver, is_public, resolve
from monitor.fetch.local import fetch_local, is_local
from monitor.fetch.remote import FetchLimits, fetch_url
from monitor.model import FeedState, FetchResult, FetchStatus, IPNetwork

log = logging.getLogger(__name__)

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
Request = tuple[str, FeedState | None]


class Fetcher:
    """Fetch feeds over HTTP(S) or from local files; close() when done (or use `with`)."""

    def __init__(
        self,
        user_agent: str,
        *,
        max_bytes: int = 10 * 1024 * 1024,
        connect_timeout: float = 10,
        read_timeout: float = 30,
        total_timeout: float = 60,
        max_connections: int = 20,
        per_host: int = 2,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = resolve,
    ) -> None:
        if max_connections < 1 or per_host < 1:
            raise ValueError("max_connections and per_host must be at least 1")
        self.limits = FetchLimits(max_bytes, connect_timeout, read_timeout, total_timeout)
        self.max_connections = max_connections
        self.per_host = per_host
        self._options: dict[str, Any] = {
            "headers": {
                "User-Agent": user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": "gzip, deflate, br",
            },
            "limits": httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            "follow_redirects": False,  # followed by hand, to see which hops were permanent
        }
        self._transport, self._resolve = transport, resolver
        self._client = httpx.Client(transport=transport, **self._options)
        self._guarded: dict[tuple[IPNetwork, ...], httpx.Client] = {}
        self._guarded_lock = threading.Lock()
        # Per host, across every fetch_many running at once (a poll's feeds, a channel's
        # older pages, a full_text feed's article pages): at most `per_host` requests.
        self._gates: dict[str, threading.BoundedSemaphore] = {}

    def fetch(
        self, url: str, state: FeedState | None = None, allowed: tuple[IPNetwork, ...] = ()
    ) -> FetchResult:
        """Fetch one source. Failures come back as FetchStatus.ERROR, never as exceptions.
        A redirect from a public address may lead to a non-public one only in `allowed`."""
        try:
            result = self._fetch(url, state, allowed)
        except (ValueError, httpx.InvalidURL) as exc:  # urlsplit and httpx reject bad URLs
            result = FetchResult(url, FetchStatus.ERROR, error=f"invalid URL: {exc}")
        _log(result)
        return result

    def _fetch(
        self, url: str, state: FeedState | None, allowed: tuple[IPNetwork, ...]
    ) -> FetchResult:
        if is_local(url):
            return fetch_local(url, state, self.limits.max_bytes)
        if urlsplit(url).scheme.lower() in ("http", "https"):
            hops = partial(self._redirects, url, allowed)  # asked only at a redirect
            return fetch_url(self._client, url, state, self.limits, hops=hops)
        return FetchResult(url, FetchStatus.ERROR, error=f"unsupported URL scheme in {url!r}")

    def fetch_page(self, url: str, allowed: tuple[IPNetwork, ...] = ()) -> FetchResult:
        """Fetch a link found in a feed: http(s) only, public addresses only (unless in
        `allowed`), every redirect hop checked; failures and refusals come back as ERROR."""
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            result = FetchResult(url, FetchStatus.ERROR, error="not an http(s) link; not fetched")
        else:
            try:
                result = fetch_url(self._guarded_client(allowed), url, None, self.limits)
            except (ValueError, httpx.InvalidURL) as exc:
                result = FetchResult(url, FetchStatus.ERROR, error=f"invalid URL: {exc}")
        _log(result)
        return result

    def fetch_pages(
        self, urls: Iterable[str], allowed: tuple[IPNetwork, ...] = ()
    ) -> Generator[tuple[str, FetchResult], None, None]:
        """fetch_page for each URL, concurrently under the same limits as fetch_many."""
        requests = ((url, None) for url in urls)
        yield from self.fetch_many(requests, lambda url, _: self.fetch_page(url, allowed))

    def fetch_many(
        self,
        requests: Iterable[Request],
        fetch: Callable[[str, FeedState | None], FetchResult] | None = None,
    ) -> Generator[tuple[str, FetchResult], None, None]:
        """Fetch concurrently and yield (url, result) as each completes.

        At most `max_connections` fetches run at once and at most `per_host` against one
        host name. A fetch only starts when its host has room, so a long queue for one
        slow host never ties up threads that other hosts could use. Closing the generator
        (e.g. on shutdown) starts nothing new and waits only for fetches already running.
        """
        slots = _Slots(requests, self.max_connections, self.per_host)
        active: dict[Future[FetchResult], tuple[str, str]] = {}
        with ThreadPoolExecutor(self.max_connections, thread_name_prefix="fetch") as pool:
            try:
                while True:
                    for host, (url, state) in slots.take():
                        task = partial(self._gated, host, fetch or self.fetch, url, state)
                        active[pool.submit(task)] = (host, url)
                    if not active:
                        return
                    done, _ = wait(active, return_when=FIRST_COMPLETED)
                    for future in done:
                        host, url = active.pop(future)
                        slots.release(host)
                        yield url, future.result()
            finally:
                for future in active:
                    future.cancel()

    def _gated(
        self,
        host: str,
        fetch: Callable[[str, FeedState | None], FetchResult],
        url: str,
        state: FeedState | None,
    ) -> FetchResult:
        if not host:  # local files are no host to be polite to
            return fetch(url, state)
        with self._guarded_lock:
            gate = self._gates.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with gate:
            return fetch(url, state)

    def close(self) -> None:
        self._client.close()
        for client in self._guarded.values():
            client.close()

    def _redirects(self, url: str, allowed: tuple[IPNetwork, ...]) -> httpx.Client:
        """The client for a feed's redirects: the guarded one when the feed's own address is
        public (it may not lead to a non-public one), the plain one when the operator
        configured a local address (its redirects stay the operator's business)."""
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        if is_public(parts.hostname or "", port, self._resolve):
            return self._guarded_client(allowed)
        return self._client

    def _guarded_client(self, allowed: tuple[IPNetwork, ...]) -> httpx.Client:
        """One client per set of allowed networks (most feeds allow none)."""
        with self._guarded_lock:
            if allowed not in self._guarded:
                inner = self._transport or httpx.HTTPTransport()
                guarded = GuardedTransport(inner, allowed, self._resolve)
                self._guarded[allowed] = httpx.Client(transport=guarded, **self._options)
            return self._guarded[allowed]

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def host_key(url: str) -> str:
    """The politeness key: the host name, lower case (ports share it); '' for local files."""
    try:
        return "" if is_local(url) else (urlsplit(url).hostname or "").lower()
    except ValueError:
        return url  # fetch() reports the bad URL; here it only needs a queue of its own


class _Slots:
    """Queued requests per host, and which may start now under both limits (no I/O)."""

    def __init__(self, requests: Iterable[Request], total: int, per_host: int) -> None:
        self._queues: dict[str, deque[Request]] = {}
        for url, state in requests:
            self._queues.setdefault(host_key(url), deque()).append((url, state))
        self._running = dict.fromkeys(self._queues, 0)
        self._busy = 0
        self._total, self._per_host = total, per_host

    def take(self) -> list[tuple[str, Request]]:
        """Requests to start now, one host after another (round robin) while room is left."""
        taken: list[tuple[str, Request]] = []
        while self._busy < self._total and (hosts := self._ready_hosts()):
            for host in hosts[: self._total - self._busy]:
                taken.append((host, self._queues[host].popleft()))
                self._running[host] += 1
                self._busy += 1
                if not self._queues[host]:
                    del self._queues[host]
        return taken

    def release(self, host: str) -> None:
        self._running[host] -= 1
        self._busy -= 1

    def _ready_hosts(self) -> list[str]:
        return [h for h in self._queues if self._running[h] < self._per_host]


def _log(result: FetchResult) -> None:
    if result.status is FetchStatus.ERROR:
        log.warning("fetch failed: %s", result.error, extra={"url": result.url})
    else:
        log.debug("fetched: %s", result.status.value, extra={"url": result.url})
