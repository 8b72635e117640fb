"""One HTTP(S) fetch: conditional GET, manual redirects, status triage, a capped body.

In: an httpx.Client, a URL, the feed's previous FeedState and the limits. Out: a
FetchResult; network and HTTP failures become FetchStatus.ERROR with a short message.
`moved_to` is set only when every hop was 301/308 and the new address answered 200/304.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from monitor.errors import FetchError
from monitor.fetch.decode import decoder_for, inflate_sniffed
from monitor.fetch.headers import (
    format_seconds,
    format_size,
    http_reason,
    parse_content_type,
    parse_http_date,
    parse_max_age,
    parse_retry_after,
)
from monitor.model import Document, Exchange, FeedState, FetchResult, FetchStatus

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
THROTTLED = frozenset({429, 503})
DRAIN_BYTES = 64 * 1024


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    connect_timeout: float
    read_timeout: float
    total_timeout: float


@dataclass
class _Attempt:
    """One fetch in progress: what was asked, its time budget, and where redirects led."""

    url: str
    state: FeedState | None
    limits: FetchLimits
    deadline: float
    clock: Callable[[], float]
    location: str = ""
    redirects: int = 0
    permanent: bool = True  # every redirect so far was 301 or 308

    @property
    def moved_to(self) -> str | None:
        return self.location if self.redirects and self.permanent else None

    def timeout(self) -> httpx.Timeout:
        """Per-phase timeouts, none longer than what is left of the total budget."""
        left = max(self.deadline - self.clock(), 0.001)
        read = min(self.limits.read_timeout, left)
        connect = min(self.limits.connect_timeout, left)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=left)

    def out_of_time(self) -> bool:
        return self.clock() >= self.deadline


def fetch_url(
    client: httpx.Client,
    url: str,
    state: FeedState | None,
    limits: FetchLimits,
    clock: Callable[[], float] = time.monotonic,
    hops: Callable[[], httpx.Client] | None = None,
) -> FetchResult:
    """GET `url` and triage the answer; never raises for network or HTTP problems.
    `hops`, asked at the first redirect, gives the client for the redirects (a guarded
    one, when a redirect may not lead where `url` could not)."""
    attempt = _Attempt(url, state, limits, clock() + limits.total_timeout, clock, location=url)
    try:
        return _fetch(client, attempt, hops)
    except FetchError as exc:
        return _error(url, str(exc))
    except httpx.TimeoutException as exc:
        spent = attempt.clock() >= attempt.deadline - 0.01  # httpx fired at the budget's end
        return _error(url, _total_timeout(limits) if spent else describe(exc, limits))
    except httpx.HTTPError as exc:
        return _error(url, describe(exc, limits))


def _fetch(
    client: httpx.Client, attempt: _Attempt, hops: Callable[[], httpx.Client] | None
) -> FetchResult:
    headers = conditional_headers(attempt.state)
    while True:
        if attempt.redirects == 1 and hops is not None:
            client, hops = hops(), None
        request = client.build_request(
            "GET", attempt.location, headers=headers, timeout=attempt.timeout()
        )
        response = client.send(request, stream=True)
        try:
            if response.status_code not in REDIRECTS:
                return _triage(response, attempt)
            _follow(response, attempt)
        finally:
            _release(response, attempt)


def _release(response: httpx.Response, attempt: _Attempt) -> None:
    """Read what is left of a small unread body (304, redirect, error page) before closing,
    so the connection goes back to the pool instead of being torn down."""
    try:
        if not response.is_stream_consumed:
            _drain(response, attempt)
    except httpx.HTTPError:
        pass  # the answer is already decided; a broken connection is simply not reused
    finally:
        response.close()


def _drain(response: httpx.Response, attempt: _Attempt) -> None:
    left = DRAIN_BYTES
    for chunk in response.iter_raw():
        left -= len(chunk)
        if left < 0 or attempt.out_of_time():
            return


def _follow(response: httpx.Response, attempt: _Attempt) -> None:
    location = response.headers.get("location")
    if not location:
        reason = http_reason(response.status_code, response.reason_phrase)
        raise FetchError(f"{reason} without Location")
    if attempt.redirects == MAX_REDIRECTS:
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")
    attempt.location = str(response.url.join(location))
    attempt.redirects += 1
    attempt.permanent = attempt.permanent and response.status_code in PERMANENT
    log.debug("redirect %s to %s", response.status_code, location, extra={"url": attempt.url})


def conditional_headers(state: FeedState | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from what the last 200 answered."""
    headers = {}
    if state and state.etag:
        headers["If-None-Match"] = state.etag
    if state and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _triage(response: httpx.Response, attempt: _Attempt) -> FetchResult:
    status, url = response.status_code, attempt.url
    if status == 304:
        return _not_modified(response, attempt)
    if 200 <= status < 300:
        return _fresh(response, attempt, read_body(response, attempt))
    reason = http_reason(status, response.reason_phrase)
    if status == 410:
        return FetchResult(url, FetchStatus.GONE, http_status=status, error=reason)
    retry_after = None
    if status in THROTTLED:
        retry_after = parse_retry_after(response.headers.get("retry-after"), _server_now(response))
    return FetchResult(
        url, FetchStatus.ERROR, http_status=status, retry_after=retry_after, error=reason
    )


def _not_modified(response: httpx.Response, attempt: _Attempt) -> FetchResult:
    """A 304 repeats no body and often no validators: keep the ones we sent."""
    headers, state = response.headers, attempt.state
    return FetchResult(
        attempt.url,
        FetchStatus.NOT_MODIFIED,
        http_status=304,
        etag=headers.get("etag") or (state.etag if state else None),
        last_modified=headers.get("last-modified") or (state.last_modified if state else None),
        content_hash=state.content_hash if state else None,
        moved_to=attempt.moved_to,
        max_age=parse_max_age(headers.get("cache-control")),
    )


def _fresh(response: httpx.Response, attempt: _Attempt, body: bytes) -> FetchResult:
    """A 2xx: OK with one Document, or NOT_MODIFIED when the body hashes as last time."""
    digest = hashlib.sha256(body).hexdigest()
    unchanged = attempt.state is not None and attempt.state.content_hash == digest
    media, charset = parse_content_type(response.headers.get("content-type"))
    document = Document(str(response.url), body, media, charset, exchange(response))
    return FetchResult(
        attempt.url,
        FetchStatus.NOT_MODIFIED if unchanged else FetchStatus.OK,
        documents=() if unchanged else (document,),
        http_status=response.status_code,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        content_hash=digest,
        moved_to=attempt.moved_to,
        max_age=parse_max_age(response.headers.get("cache-control")),
    )


def exchange(response: httpx.Response) -> Exchange:
    """The request as sent and the answer's status and headers as received, for evidence
    (the body is the Document's: decoded, byte-exact after any Content-Encoding)."""
    return Exchange(
        fetched=datetime.now(UTC),
        request_headers=tuple(response.request.headers.multi_items()),
        status=response.status_code,
        reason=response.reason_phrase,
        http_version=response.http_version,
        response_headers=tuple(response.headers.multi_items()),
    )


def read_body(response: httpx.Response, attempt: _Attempt) -> bytes:
    """The decoded body, cut off past max_bytes (raw or decoded) or past the total deadline.

    The deadline is checked between reads, so a server dripping a byte at a time is cut
    off at total_timeout; a single silent read is bounded by the read timeout.
    """
    cap = attempt.limits.max_bytes
    too_big = FetchError(f"body exceeds {format_size(cap)}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise too_big
    encoding = response.headers.get("content-encoding")
    decoder = decoder_for(encoding)
    parts: list[bytes] = []
    raw_size = size = 0
    for raw in response.iter_raw():
        if attempt.out_of_time():
            raise FetchError(_total_timeout(attempt.limits))
        raw_size += len(raw)
        for piece in decoder.decode(raw):
            size += len(piece)
            if raw_size > cap or size > cap:
                raise too_big
            parts.append(piece)
    body = b"".join(parts)
    return body if encoding else inflate_sniffed(body, cap)


def describe(exc: httpx.HTTPError, limits: FetchLimits) -> str:
    """A short message for a transport failure, e.g. 'connection refused'."""
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out after {format_seconds(limits.connect_timeout)} connecting"
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
        return f"timed out after {format_seconds(limits.read_timeout)} reading"
    if isinstance(exc, httpx.PoolTimeout):
        return "timed out waiting for a free connection"
    cause = _root_cause(exc)
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, socket.gaierror):
        return f"cannot resolve host {_host(exc)}"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"unsupported URL: {exc}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"protocol error: {exc}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _root_cause(exc: BaseException) -> BaseException:
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return exc


def _host(exc: httpx.HTTPError) -> str:
    try:
        return exc.request.url.host
    except RuntimeError:  # no request attached
        return "(unknown)"


def _server_now(response: httpx.Response) -> datetime:
    """The server's own clock (its Date header) for Retry-After dates, else ours."""
    return parse_http_date(response.headers.get("date")) or datetime.now(UTC)


def _total_timeout(limits: FetchLimits) -> str:
    return f"timed out after {format_seconds(limits.total_timeout)} in total"


def _error(url: str, message: str) -> FetchResult:
    return FetchResult(url, FetchStatus.ERROR, error=message)
