"""When to poll a feed next: pure math over a FetchResult, the feed's interval, its <ttl>
and its failure count. In: values, `now` and a random.Random. Out: datetimes and timedeltas.

    success / not modified:  delay = max(interval, min(max(max_age, retry_after, ttl), MAX_HINT))
    error / gone:            delay = max(backoff(interval, failures), min(retry_after, MAX_HINT))
    backoff(interval, n)     = min(interval * 2**(n-1), max(MAX_BACKOFF, interval))
    next_check               = now + delay + jitter,  jitter uniform in [0, JITTER * delay)

A 429 with Retry-After pauses the whole host (`host_pauses`): every channel on t.me waits.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from monitor.model import FetchResult, FetchStatus

MAX_BACKOFF = timedelta(hours=6)
# Servers may stretch the interval (Cache-Control, Retry-After) but not past a day: a feed
# served with a year-long max-age, or a hostile Retry-After, must not go silent.
MAX_HINT = timedelta(days=1)
JITTER = 0.1


def next_check(
    result: FetchResult,
    interval: timedelta,
    failures: int,
    now: datetime,
    rng: random.Random,
    ttl: timedelta | None = None,
) -> datetime:
    """The time of the next poll: now + delay(...) + jitter(...); never before now + interval
    on success, never before the server's Retry-After (up to MAX_HINT) on error."""
    wait = delay(result, interval, failures, ttl)
    return now + wait + jitter(wait, rng)


def delay(
    result: FetchResult, interval: timedelta, failures: int, ttl: timedelta | None = None
) -> timedelta:
    """The wait before the next poll, without jitter (formulas in the module docstring).

    `failures` counts consecutive failures including this one (1 on the first error);
    `ttl` is the feed's own <ttl> hint, when its body was read.
    """
    if result.status in (FetchStatus.OK, FetchStatus.NOT_MODIFIED):
        hints = (result.max_age, result.retry_after, ttl)
        hint = max(h or timedelta(0) for h in hints)
        return max(interval, min(hint, MAX_HINT))
    floor = min(result.retry_after or timedelta(0), MAX_HINT)
    return max(backoff(interval, failures), floor)


def backoff(interval: timedelta, failures: int, cap: timedelta = MAX_BACKOFF) -> timedelta:
    """interval * 2**(failures-1), capped at `cap` (or at the interval if that is longer,
    so a failing feed is never polled more often than a healthy one)."""
    limit = max(cap, interval)
    exponent = max(failures, 1) - 1
    # Compare in seconds before multiplying: 2**exponent overflows timedelta for long streaks.
    if exponent >= 64 or interval.total_seconds() * (1 << exponent) >= limit.total_seconds():
        return limit
    return interval * (1 << exponent)


def jitter(wait: timedelta, rng: random.Random, fraction: float = JITTER) -> timedelta:
    """A random extra in [0, fraction * wait), so feeds polled together drift apart."""
    return wait * (fraction * rng.random())


def host_pauses(results: Iterable[FetchResult], now: datetime) -> dict[str, datetime]:
    """Hosts that answered 429 Too Many Requests with a Retry-After: until when every feed
    on that host waits (a hint past MAX_HINT is cut to it). Keyed by `host[:port]`."""
    pauses: dict[str, datetime] = {}
    for result in results:
        if result.http_status == 429 and result.retry_after:
            host = urlsplit(result.url).netloc.lower()
            until = now + min(result.retry_after, MAX_HINT)
            pauses[host] = max(until, pauses.get(host, until))
    return pauses
