"""Folders that fail like real ones: read-only, or full. A folder and a way to heal it out.

Where the machine lets the test mount (root on Linux, as here and in CI) these are real
filesystems: a tmpfs mounted read-only, or a small tmpfs filled to its last byte, so the
code under test meets the operating system's own EROFS and ENOSPC. Elsewhere the read-only
folder falls back to a fault injected at the file layer (a path below a regular file, which
every write refuses with ENOTDIR until healed) and a full filesystem is None.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Broken:
    path: Path
    real: bool  # a real read-only or full filesystem, not the ENOTDIR stand-in
    heal_command: list[str] = field(default_factory=list)
    blocker: Path | None = None  # a file whose removal heals

    def fill(self) -> None:
        """Take every free byte of the filesystem (heal() gives them back)."""
        self.blocker = self.path / ".filler"
        fd = os.open(self.blocker, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 65536):
                pass
        except OSError:
            pass  # ENOSPC: full
        finally:
            os.close(fd)

    def heal(self) -> None:
        """Make the folder writable again (remount read-write, free the space)."""
        if self.blocker is not None:
            self.blocker.unlink()
            self.blocker = None
        if self.heal_command:
            subprocess.run(self.heal_command, check=True)
        self.path.mkdir(parents=True, exist_ok=True)


def _mount(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True, check=False)  # fmt: skip
    return done.returncode == 0


@contextmanager
def read_only_folder(base: Path) -> Iterator[Broken]:
    mount = base / "read-only"
    if _mount(mount, "ro,size=4m"):
        try:
            yield Broken(mount, True, ["mount", "-o", "remount,rw", str(mount)])
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=False)
        return
    blocker = base / "not-a-folder"
    blocker.write_text("a file where a folder should be\n", encoding="utf-8")
    yield Broken(blocker / "outbox", False, blocker=blocker)


@contextmanager
def small_filesystem(base: Path, size: str = "4m") -> Iterator[Broken | None]:
    """A small, writable filesystem to fill later; None where the machine cannot mount."""
    mount = base / "small"
    if not _mount(mount, f"size={size}"):
        yield None
        return
    try:
        yield Broken(mount, True)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
