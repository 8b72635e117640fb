"""The one clock: the current time in UTC, and the type of a clock a stage takes.

Stages take a `Clock` (pass `now` in) so tests can fix or advance time; the processes hand
them `utcnow`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)
