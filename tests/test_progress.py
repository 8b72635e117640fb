"""Progress bars at a terminal, and none in logs or pipes."""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

from tests.conftest import ROOT, RULES, SEEDS


def run_at_a_terminal(args: list[str], cwd: Path) -> str:
    """What the command writes to stderr when stderr is a terminal."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 wide
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MONITOR_CONFIG", None)
    process = subprocess.Popen([sys.executable, "-m", "monitor", *args], cwd=cwd, env=env,
                               stdout=subprocess.DEVNULL, stderr=follower)  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_long_work_shows_a_bar_at_a_terminal_and_nothing_in_a_pipe(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(RULES, tmp_path / "rules")
    first = run_at_a_terminal(["run", "--once"], tmp_path)
    assert "polling" in first and "feed" in first
    replay = run_at_a_terminal(["replay", "--since", "3650d"], tmp_path)
    assert "re-matching" in replay and "article" in replay
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MONITOR_CONFIG", None)
    command = [sys.executable, "-m", "monitor", "replay", "--since", "3650d"]
    piped = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert piped.returncode == 0 and "re-matching" not in piped.stderr + piped.stdout
    assert "\r" not in piped.stderr
