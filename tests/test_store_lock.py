"""One monitor per store: a second process is refused at its start, with the holder named;
the lock goes when its holder does, even after kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.errors import StoreBusyError
from monitor.store import StoreLock
from tests.support.wait import wait_for

# Holds the lock until killed (or its stdin closes): no time limit to outlast a slow test.
HOLD = """
import sys
from monitor.store import StoreLock
lock = StoreLock(sys.argv[1], "monitor run (test)")
print("held", flush=True)
sys.stdin.read()
"""


def hold_in_another_process(url: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_process_is_refused_and_told_who_holds_the_store(db_url: str) -> None:
    holder = hold_in_another_process(db_url)
    try:
        with pytest.raises(StoreBusyError) as caught:
            StoreLock(db_url, "monitor run")
        assert f"pid {holder.pid}" in str(caught.value) or "monitor run (test)" in str(caught.value)
        assert "one daemon per store" in str(caught.value)
    finally:
        holder.kill()
        holder.communicate()  # waits, and closes its pipes


def test_the_lock_goes_with_a_killed_holder(db_url: str) -> None:
    holder = hold_in_another_process(db_url)
    os.kill(holder.pid, signal.SIGKILL)
    holder.communicate()
    # The server notices the closed connection (PostgreSQL at once); no fixed pause.
    lock = wait_for(lambda: StoreLock(db_url, "monitor run"), 10, "the killed holder's lock "
                    "to go", ignoring=StoreBusyError)  # fmt: skip
    lock.release()


def test_released_locks_can_be_taken_again(db_url: str) -> None:
    with StoreLock(db_url, "first"):
        pass
    with StoreLock(db_url, "second"), pytest.raises(StoreBusyError):
        StoreLock(db_url, "third")
