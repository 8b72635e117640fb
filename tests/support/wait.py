"""Waiting for another process or thread to reach a state: a condition and a deadline in,
the condition's first truthy value out (or an AssertionError naming what never happened).

For what the test does not drive itself (a daemon starting, a lock holder dying, a log
record crossing a queue); time the code under test reads is injected as a clock instead.

    wait_for(lambda: (folder / "outbox").exists(), 30, "the daemon's first poll")
    wait_for(lambda: StoreLock(url, "x"), 10, "the lock to be free", ignoring=StoreBusyError)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
EVERY = 0.02  # seconds between looks: short, so a test waits little past the moment


def wait_for(
    condition: Callable[[], T],
    timeout: float,
    what: str,
    *,
    ignoring: type[BaseException] | tuple[type[BaseException], ...] = (),
) -> T:
    """Call `condition` until it returns something truthy, and return that. An exception of
    a type in `ignoring` counts as "not yet"; any other stops the wait (a condition may
    assert that the process it waits for is still alive)."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while True:
        try:
            if result := condition():
                return result
        except ignoring as exc:
            last = exc
        if time.monotonic() >= deadline:
            why = f" (last: {last!r})" if last is not None else ""
            raise AssertionError(f"gave up after {timeout:g}s waiting for {what}{why}")
        time.sleep(EVERY)
