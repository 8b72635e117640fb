"""rss2email, the baseline of the polling benchmark: found or installed in its own venv.

In: a path to the `r2e` program (or a venv to create), feed URLs and a work folder.
Out: the commands for `r2e run --no-send` on those feeds, and what the runs left behind
(entries remembered). rss2email never goes into monitor's environment or dependencies.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

DEFAULT_VENV = Path("/tmp/r2e-venv")


def find_r2e(program: Path | None, install: bool) -> tuple[Path | None, str]:
    """The r2e program and its version, or None and why not (so the caller can skip)."""
    program = program or DEFAULT_VENV / "bin" / "r2e"
    if not program.exists() and install and program.parent.parent == DEFAULT_VENV:
        _install(DEFAULT_VENV)
    if not program.exists():
        hint = "pass --r2e PATH, or --install-r2e to create " + str(DEFAULT_VENV)
        return None, f"rss2email not found at {program}; {hint}"
    done = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        return None, f"{program} --version failed: {done.stderr.strip()}"
    return program, done.stdout.strip()


def _install(venv: Path) -> None:
    print(f"installing rss2email into {venv} (a venv of its own)", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", "--clear", venv], check=True, timeout=300)
    pip = [str(venv / "bin" / "pip"), "install", "--quiet", "rss2email"]
    subprocess.run(pip, check=True, timeout=600)


def base(program: Path, work: Path) -> list[str]:
    return [str(program), "-c", str(work / "r2e.cfg"), "-d", str(work / "r2e.json")]


def prepare(program: Path, work: Path, urls: list[str]) -> None:
    """A fresh r2e database holding every feed (one opmlimport: 1,000 `r2e add` take minutes)."""
    work.mkdir(parents=True, exist_ok=True)
    outlines = "".join(
        f"<outline type='rss' text={quoteattr(f'feed-{n:04d}')} xmlUrl={quoteattr(url)}/>"
        for n, url in enumerate(urls)
    )
    opml = work / "feeds.opml"
    opml.write_text(f"<opml version='1.0'><body>{outlines}</body></opml>", encoding="utf-8")
    for command in (["new", "bench@example.org"], ["opmlimport", str(opml)]):
        subprocess.run(base(program, work) + command, check=True, capture_output=True, timeout=300)


def run_command(program: Path, work: Path) -> list[str]:
    return [*base(program, work), "run", "--no-send"]


def remembered(work: Path) -> int:
    """Entries rss2email has recorded as seen, over all feeds."""
    try:
        data = json.loads((work / "r2e.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0  # a run that failed before saving; its log says why
    return sum(len(feed.get("seen", {})) for feed in data.get("feeds", []))
