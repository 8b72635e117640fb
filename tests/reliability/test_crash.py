"""Crash harness: the daemon (tick 1s, feed polled every second) killed with SIGKILL at
moments drawn from a seeded RNG and started again, while a wire publishes a story a second.

In: a seed and a number of kills. Out: the proof, counted at a real aiosmtpd server, a
webhook sink and the outbox folder, that after a last clean run every story's alert reached
every channel, each alert under one id, and that duplicates (an id received twice) are no
more than the claims a kill left between a send and its record; and a summary line.

CI runs 20 kills (about a minute). The long run: MONITOR_RELIABILITY_KILLS=100 (or more);
MONITOR_RELIABILITY_SEED=N replays the kill schedule of a run whose summary printed seed N.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability.newsroom import Publisher
from tests.reliability.rig import Rig, rig

CI_KILLS = 20
LONG_KILLS = int(os.environ.get("MONITOR_RELIABILITY_KILLS", "0"))
SEED = int(os.environ.get("MONITOR_RELIABILITY_SEED", "20261130"))
PUBLISH_EVERY = 1.0  # seconds between two stories while the daemon is being killed
AT_A_SEND = 0.4  # share of kills aimed just after a receiver got something (the risky window)
SEND_WINDOW = 0.02  # such a kill lands up to this many seconds after the arrival
# A slow webhook receiver: it has the request this long before it answers, so a kill aimed at
# a send often lands after the receiver got it and before the daemon recorded it.
RECEIVER_DELAY = 0.05
RANDOM_WAIT = (0.2, 3.0)  # the other kills: this long after the start (startup takes ~1s)
DRAIN = 90  # seconds the last, clean run has to deliver everything owed


def kill_repeatedly(r: Rig, kills: int, rng: random.Random) -> None:
    """Start, let live a seeded while, SIGKILL; `kills` times, while the wire publishes."""
    with Publisher(r.wire, PUBLISH_EVERY):
        for _ in range(kills):
            r.daemon.start()
            live(r, rng)
            r.daemon.kill()


def live(r: Rig, rng: random.Random) -> None:
    """A seeded while: just past the next arrival at a receiver, or a random time."""
    if rng.random() < AT_A_SEND:
        before = arrivals(r)
        wait_briefly(lambda: arrivals(r) > before, timeout=5)
        time.sleep(rng.uniform(0, SEND_WINDOW))
    else:
        time.sleep(rng.uniform(*RANDOM_WAIT))


def arrivals(r: Rig) -> int:
    return len(r.mailbox.messages) + len(r.sink.requests)


def wait_briefly(condition: Callable[[], bool], timeout: float) -> None:
    """Poll closely until `condition` or the time-out, whichever comes first."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.002)


def drain(r: Rig) -> None:
    """A clean run until every story reached every channel and nothing is owed; SIGTERM."""
    r.daemon.start()
    r.daemon.wait_for(
        lambda: r.complete() and r.nothing_owed(),
        DRAIN,
        "alert for every story on every channel, nothing owed",
    )
    assert r.daemon.stop() == 0, r.daemon.tail()


def figures(r: Rig, kills: int, seed: int, seconds: float) -> str:
    tallies = r.tallies()
    per_channel = ", ".join(f"{t.channel} {t.deliveries}" for t in tallies)
    return (
        f"reliability: seed={seed} kills={kills} articles={len(r.wire.titles)} "
        f"deliveries={sum(t.deliveries for t in tallies)} ({per_channel}) "
        f"duplicates={sum(t.duplicates for t in tallies)} "
        f"claims_released={r.daemon.released()} seconds={seconds:.0f}"
    )


def check(r: Rig, kills: int) -> None:
    """Nothing lost, each alert under one id, and no more duplicates than kills that caught
    a delivery being sent (each such claim is released, and counted, at the next start)."""
    titles, tallies = r.wire.titles, r.tallies()
    for tally in tallies:
        assert tally.missing(titles) == [], f"{tally.channel}: alerts lost"
        assert tally.split(titles) == [], f"{tally.channel}: an alert sent under two ids"
        assert tally.altered() == [], f"{tally.channel}: a resend differs from the first send"
    duplicates = sum(tally.duplicates for tally in tallies)
    assert duplicates <= r.daemon.released() <= kills
    assert r.daemon.with_traceback() == []
    assert r.daemon.orphans == 0, "a killed daemon left processes behind"


def run_harness(folder: Path, kills: int, seed: int, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nreliability: seed={seed} kills={kills} (MONITOR_RELIABILITY_SEED replays it)")
    start = time.monotonic()
    with rig(folder) as r:
        r.sink.delay = RECEIVER_DELAY
        kill_repeatedly(r, kills, random.Random(seed))
        while_killing = sum(tally.deliveries for tally in r.tallies())
        drain(r)
        summary = figures(r, kills, seed, time.monotonic() - start)
        with capsys.disabled():
            print(f"{summary} (delivered between kills: {while_killing})")
        check(r, kills)


@pytest.mark.timeout(240)
def test_killed_at_random_the_daemon_loses_no_alert_and_repeats_only_under_one_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_harness(tmp_path, CI_KILLS, SEED, capsys)


@pytest.mark.skipif(
    not LONG_KILLS,
    reason="the long run: set MONITOR_RELIABILITY_KILLS=100 (or more) to kill the daemon so often",
)
@pytest.mark.timeout(600 + 10 * LONG_KILLS)
def test_long_run_of_kills(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_harness(tmp_path, LONG_KILLS, SEED, capsys)
