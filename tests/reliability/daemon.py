"""The daemon under test as a real process. In: a folder, the feed's URL, the mailbox, the
webhook sink's URL and optionally a database URL. Out: a config file, and `Daemon`, which
starts `python -m monitor --config FILE run`, kills it (SIGKILL) or stops it (SIGTERM),
and keeps each run's stderr in a file of its own for the checks at the end.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT
from tests.reliability.newsroom import RULES
from tests.reliability.receivers import Mailbox

ROUTE = "desk"
RECIPIENT = "desk@example.org"
WEBHOOK = "ngo"
# The line `monitor run` prints at its start when it takes back a dead process's claims.
RELEASED = re.compile(r"(\d+) delivery\(ies\) were being sent when monitor last stopped")


def write_config(
    folder: Path, *, feed_url: str, mailbox: Mailbox, hook_url: str, database_url: str = ""
) -> Path:
    """monitor.toml and its rule file in `folder`: tick and feed interval of 1s, one route
    to the outbox, the mailbox and the webhook; SQLite in folder/var unless a URL is given."""
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    lines = [
        f"data_dir = {_toml(folder / 'var')}",
        f"database_url = {_toml(database_url)}" if database_url else "",
        f"rules = [{_toml(folder / 'rules.yaml')}]",
        'tick = "1s"',
        "[[feeds]]",
        'name = "wire"',
        f"url = {_toml(feed_url)}",
        'interval = "1s"',
        "[smtp]",
        f"host = {_toml(mailbox.host)}",
        f"port = {mailbox.port}",
        'security = "none"',
        'password_env = "MONITOR_RELIABILITY_UNUSED"',
        'from = "Monitor <monitor@example.org>"',
        f"[webhooks.{WEBHOOK}]",
        f"url = {_toml(hook_url)}",
        "[[routes]]",
        f"name = {_toml(ROUTE)}",
        "outbox = true",
        f"email = [{_toml(RECIPIENT)}]",
        f"webhooks = [{_toml(WEBHOOK)}]",
    ]
    config = folder / "monitor.toml"
    config.write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")
    return config


def _toml(value: object) -> str:
    return json.dumps(str(value))  # a JSON string of ASCII text is a TOML basic string


def environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MONITOR_CONFIG", None)
    return env


def monitor_cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A one-shot command (`outbox`, `run --once`...) on the daemon's config."""
    command = [sys.executable, "-m", "monitor", "--config", str(config), *args]
    return subprocess.run(
        command, cwd=config.parent, env=environment(), capture_output=True, text=True, timeout=120
    )


class Daemon:
    """One `monitor run` at a time on `config`; every run's stderr in logs/run-NNN.log."""

    def __init__(self, config: Path, logs: Path) -> None:
        self.config, self.logs = config, logs
        self.runs: list[Path] = []
        self.orphans = 0  # processes found alive in a killed daemon's process group
        self._process: subprocess.Popen[bytes] | None = None
        logs.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        assert not self.running, "one daemon at a time"
        log = self.logs / f"run-{len(self.runs) + 1:03d}.log"
        self.runs.append(log)
        command = [sys.executable, "-m", "monitor", "--config", str(self.config), "run"]
        with log.open("wb") as stderr:
            self._process = subprocess.Popen(
                command, cwd=self.config.parent, env=environment(), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
            )  # fmt: skip

    @property
    def pid(self) -> int:
        return self._running().pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def kill(self) -> None:
        """SIGKILL the daemon (not its children: a crash kills one process)."""
        process = self._running()
        process.kill()
        process.wait(timeout=30)
        self._reap_group(process.pid)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, as systemd stops it; the exit status."""
        process = self._running()
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=timeout)

    def close(self) -> None:
        """For a `finally`: end the daemon and its process group if still running."""
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=30)
        self._process = None

    def wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> float:
        """Poll `condition` until true; fail naming `what` (and the log's tail) on time-out
        or if the daemon exits meanwhile. Returns the seconds it took."""
        start = time.monotonic()
        while not condition():
            if self._process is not None and self._process.poll() is not None:
                raise AssertionError(f"daemon exited while waiting for {what}:\n{self.tail()}")
            if time.monotonic() - start > timeout:
                raise AssertionError(f"no {what} within {timeout:g}s; daemon log:\n{self.tail()}")
            time.sleep(0.05)
        return time.monotonic() - start

    def log(self) -> str:
        """Every run's stderr, in order."""
        return "".join(path.read_text("utf-8", "replace") for path in self.runs)

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.runs[-1].read_text("utf-8", "replace").splitlines()[-lines:])

    def released(self) -> int:
        """Claims left by killed runs and taken back at a start: each may be a duplicate."""
        return sum(int(n) for n in RELEASED.findall(self.log()))

    def with_traceback(self) -> list[str]:
        """Names of the run logs that hold a traceback."""
        return [p.name for p in self.runs if "Traceback" in p.read_text("utf-8", "replace")]

    def _running(self) -> subprocess.Popen[bytes]:
        assert self._process is not None and self._process.poll() is None, "daemon not running"
        return self._process

    def _reap_group(self, group: int) -> None:
        """End what the killed daemon left in its process group (its pid is the group's id,
        and the group lives while a member does, so whatever is in it is ours)."""
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        self.orphans += 1
        os.killpg(group, signal.SIGKILL)
