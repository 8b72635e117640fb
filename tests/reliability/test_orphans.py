"""The daemon killed with SIGKILL in the middle of a poll leaves no process behind: its parse
workers, the fork server and the resource tracker all end by themselves.

In: a real `monitor run --once` polling ten loopback feeds (enough for worker processes),
one of which answers only after a minute, so the poll is still running when it is killed.
Out: every process that descended from it has ended within a few seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, RULES, SEEDS
from tests.support.feedserver import FeedServer, Reply
from tests.support.wait import wait_for

FEEDS = 10  # over the pool's threshold, and never polled: the workers start before fetching


def processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process on the machine, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended while we looked
        fields = text.rsplit(")", 1)[1].split()
        found[int(stat.parent.name)] = (int(fields[1]), fields[0])
    return found


def descendants(root: int) -> set[int]:
    table = processes()
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, (parent, _) in table.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    """Those still running (a zombie has ended: it only waits to be reaped)."""
    table = processes()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def at_least(count: int, pids: set[int]) -> set[int]:
    return pids if len(pids) >= count else set()


def test_workers_end_when_the_daemon_is_killed_mid_poll(tmp_path: Path) -> None:
    with FeedServer() as server:
        server.serve_folder(SEEDS, "/seeds/")
        body = (SEEDS / "rfe-belarus.rss.xml").read_bytes()
        server.routes["/slow.xml"] = Reply(body=body, delay=60)
        feeds = "".join(
            f'[[feeds]]\nname = "f{i}"\nurl = "{server.url(f"/seeds/rfe-belarus.rss.xml?{i}")}"\n'
            for i in range(FEEDS - 1)
        ) + f'[[feeds]]\nname = "slow"\nurl = "{server.url("/slow.xml")}"\n'
        config = tmp_path / "monitor.toml"
        config.write_text(
            f'data_dir = "{tmp_path / "var"}"\nrules = ["{RULES}"]\n{feeds}'
            '[[routes]]\nname = "desk"\noutbox = true\n',
            encoding="utf-8",
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        daemon = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "run", "--once"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for(lambda: server.hits("/slow.xml"), 60, "the poll to reach the slow feed")
            # The fork server and the workers (one per CPU), and the resource tracker.
            family = wait_for(lambda: at_least(3, descendants(daemon.pid)), 60,
                              "the worker processes to start")  # fmt: skip
            assert daemon.poll() is None, "the daemon ended before it could be killed"
            daemon.send_signal(signal.SIGKILL)
            # Not reaped yet: a dead daemon is a zombie until its parent (a service manager,
            # here this test) reaps it, and its workers must not wait for that.
            wait_for(lambda: not alive(family), 20, f"the processes {sorted(family)} to end")
        finally:
            daemon.kill()
            daemon.wait(timeout=30)
