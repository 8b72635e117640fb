"""Polling policy: next check after success, hints from the server, backoff, jitter."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from monitor.model import FetchResult, FetchStatus
from monitor.poll.policy import MAX_BACKOFF, backoff, delay, jitter, next_check

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
M, H = timedelta(minutes=1), timedelta(hours=1)
OK, SAME, ERROR, GONE = (
    FetchStatus.OK,
    FetchStatus.NOT_MODIFIED,
    FetchStatus.ERROR,
    FetchStatus.GONE,
)


def _result(
    status: FetchStatus, max_age: timedelta | None = None, retry: timedelta | None = None
) -> FetchResult:
    return FetchResult("http://x/feed", status, max_age=max_age, retry_after=retry)


@pytest.mark.parametrize(
    ("status", "max_age", "retry", "interval", "failures", "expected"),
    [
        # success: the interval, stretched by server hints, hints capped at a day
        (OK, None, None, 15 * M, 0, 15 * M),
        (SAME, None, None, 15 * M, 0, 15 * M),
        (OK, 5 * M, None, 15 * M, 0, 15 * M),  # a short max-age never speeds polling up
        (OK, 2 * H, None, 15 * M, 0, 2 * H),
        (SAME, None, 3 * H, 15 * M, 0, 3 * H),
        (OK, 2 * H, 3 * H, 15 * M, 0, 3 * H),
        (OK, timedelta(days=365), None, 15 * M, 0, 24 * H),
        (OK, timedelta(days=365), None, 48 * H, 0, 48 * H),
        # errors: interval * 2**(failures-1), capped at 6 h
        (ERROR, None, None, 15 * M, 1, 15 * M),
        (ERROR, None, None, 15 * M, 2, 30 * M),
        (ERROR, None, None, 15 * M, 3, 60 * M),
        (ERROR, None, None, 15 * M, 5, 4 * H),
        (ERROR, None, None, 15 * M, 6, 6 * H),
        (ERROR, None, None, 15 * M, 500, 6 * H),
        (ERROR, None, None, 15 * M, 0, 15 * M),  # a miscounted 0 acts as the first failure
        (GONE, None, None, 15 * M, 2, 30 * M),
        # ...but never shorter than the interval, nor than the server's Retry-After
        (ERROR, None, None, 12 * H, 3, 12 * H),
        (ERROR, None, 2 * H, 15 * M, 1, 2 * H),
        (ERROR, None, 10 * M, 15 * M, 3, 60 * M),
        (ERROR, None, timedelta(days=30), 15 * M, 1, 24 * H),
        (ERROR, 10 * H, None, 15 * M, 1, 15 * M),  # max-age of an error page means nothing
    ],
)
def test_delay_table(
    status: FetchStatus,
    max_age: timedelta | None,
    retry: timedelta | None,
    interval: timedelta,
    failures: int,
    expected: timedelta,
) -> None:
    assert delay(_result(status, max_age, retry), interval, failures) == expected


def test_next_check_adds_at_most_ten_percent_jitter() -> None:
    rng = random.Random(7)
    times = [next_check(_result(OK), 15 * M, 0, NOW, rng) for _ in range(200)]
    assert all(NOW + 15 * M <= t < NOW + 15 * M * 1.1 for t in times)
    assert len(set(times)) > 100  # feeds polled together drift apart


def test_next_check_is_reproducible_with_the_same_seed() -> None:
    first = next_check(_result(ERROR), 15 * M, 3, NOW, random.Random(1))
    assert first == next_check(_result(ERROR), 15 * M, 3, NOW, random.Random(1))
    assert NOW + H <= first < NOW + H * 1.1


@pytest.mark.parametrize(
    ("draw", "expected"), [(0.0, timedelta(0)), (0.5, 3 * M), (0.999, 5.994 * M)]
)
def test_jitter_is_a_fraction_of_the_delay(draw: float, expected: timedelta) -> None:
    class Fixed(random.Random):
        def random(self) -> float:
            return draw

    assert jitter(H, Fixed()) == expected


def test_backoff_cap_is_configurable() -> None:
    assert backoff(M, 20, cap=30 * M) == 30 * M
    assert backoff(M, 20) == MAX_BACKOFF
