"""One monitor per store: a second process is refused at its start, with the holder named;
the lock goes when its holder does, even after kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.errors import StoreBusyError
from monitor.store import StoreLock

HOLD = """
import sys, time
from monitor.store import StoreLock
lock = StoreLock(sys.argv[1], "monitor run (test)")
print("held", flush=True)
time.sleep(60)
"""


def hold_in_another_process(url: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, url], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
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
        holder.wait()


def test_the_lock_goes_with_a_killed_holder(db_url: str) -> None:
    holder = hold_in_another_process(db_url)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    deadline = time.monotonic() + 10  # PostgreSQL notices the closed connection at once
    while True:
        try:
            StoreLock(db_url, "monitor run").release()
            return
        except StoreBusyError:
            assert time.monotonic() < deadline
            time.sleep(0.1)


def test_released_locks_can_be_taken_again(db_url: str) -> None:
    with StoreLock(db_url, "first"):
        pass
    with StoreLock(db_url, "second"), pytest.raises(StoreBusyError):
        StoreLock(db_url, "third")
