"""End-to-end polling benchmark: monitor's full pipeline beside rss2email on the same feeds.

In: --feeds x --items generated feeds (bench_pipeline_feeds) served from loopback by a child
process. Out: for each tool, the wall time and peak RSS of a first cycle (every feed new) and
a repeat (every feed 304), each cycle a fresh process; a Markdown table and the issue-4
targets on stdout. Run from the repository root: `python -m bench.bench_pipeline`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import bench_pipeline_r2e as r2e
from bench.bench_pipeline_feeds import path, serve

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024  # ru_maxrss is in KiB on Linux
# Issue 4: first cycle <= 45 s and at least twice as fast as rss2email; repeat <= 5 s;
# peak RSS <= 300 MB.
FIRST_LIMIT, REPEAT_LIMIT, RSS_LIMIT_MB, SPEEDUP = 45.0, 5.0, 300.0, 2.0


@dataclass
class Cycle:
    tool: str
    label: str
    seconds: float = 0.0
    cpu: float = 0.0  # user + system seconds of the process
    rss_mib: float = 0.0
    requests: int = 0  # what the feed server saw during the cycle
    not_modified: int = 0
    status: str = "ok"  # or why the cycle did not finish
    detail: dict[str, Any] = field(default_factory=dict)


class Server:
    """The feed server in a child process, so it shares neither GIL nor RSS with the tools."""

    def __init__(self, feeds: int, items: int) -> None:
        self.pipe, theirs = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=serve, args=(feeds, items, theirs))
        self.process.start()
        if not self.pipe.poll(300):
            self.close()
            raise SystemExit("the feed server did not start within 300 s")
        self.port, self.plain_bytes, self.gzip_bytes = self.pipe.recv()

    def counts(self) -> tuple[int, int]:
        """(requests served, of them 304) since the server started."""
        self.pipe.send("count")
        if not self.pipe.poll(60):
            raise SystemExit("the feed server stopped answering")
        result: tuple[int, int] = self.pipe.recv()
        return result

    def close(self) -> None:
        if self.process.is_alive():
            self.pipe.send("stop")
            self.process.join(10)
        if self.process.is_alive():
            self.process.kill()


def measure(
    tool: str, label: str, command: list[str], server: Server, timeout: float, log: Path
) -> Cycle:
    """Run `command` to its end (or kill it at `timeout`); wall time, CPU and peak RSS."""
    cycle = Cycle(tool, label)
    before = server.counts()
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        status, usage = _wait(process, started + timeout)
        cycle.seconds = time.perf_counter() - started
    after = server.counts()
    cycle.requests, cycle.not_modified = after[0] - before[0], after[1] - before[1]
    cycle.cpu = usage.ru_utime + usage.ru_stime if usage else 0.0
    cycle.rss_mib = usage.ru_maxrss / MIB if usage else 0.0
    if status is None:
        cycle.status = f"killed after {timeout:.0f} s"
    elif status != 0:
        cycle.status = f"exit status {status}; see {log}"
    return cycle


def _wait(process: subprocess.Popen[bytes], deadline: float) -> tuple[int | None, Any]:
    """wait4 gives this child's own rusage (RUSAGE_CHILDREN would sum all children)."""
    while time.perf_counter() < deadline:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage
        time.sleep(0.02)
    process.kill()
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = -9
    return None, usage


def monitor_cycles(
    args: argparse.Namespace, server: Server, urls: list[str], work: Path
) -> list[Cycle]:
    work.mkdir()
    config = {
        "data_dir": str(work / "var"),
        "rules": [str(ROOT / "rules")],
        "feeds": [{"name": f"feed-{n:04d}", "url": url} for n, url in enumerate(urls)],
        "routes": [{"name": "desk", "outbox": True}],
    }
    (work / "config.json").write_text(json.dumps(config), encoding="utf-8")
    cycles = []
    for label in ("first", "repeat"):
        command = [sys.executable, "-m", "bench.bench_pipeline_cycle", str(work / "config.json")]
        command += ["--connections", str(args.connections)]
        if args.profile:
            command += ["--profile", str(args.profile / f"monitor-{label}.prof")]
        cycle = measure("monitor", label, command, server, args.timeout, work / f"{label}.log")
        cycle.detail = _last_json(work / f"{label}.log")
        cycles.append(cycle)
    return cycles


def _last_json(log: Path) -> dict[str, Any]:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def r2e_cycles(
    args: argparse.Namespace, server: Server, urls: list[str], work: Path
) -> list[Cycle]:
    program, version = r2e.find_r2e(args.r2e, args.install_r2e)
    if program is None:
        print(f"skipping rss2email: {version}", file=sys.stderr)
        return []
    print(f"baseline: {version} ({program})", file=sys.stderr)
    r2e.prepare(program, work, urls)
    cycles = []
    for label in ("first", "repeat"):
        command = r2e.run_command(program, work)
        cycle = measure("rss2email", label, command, server, args.timeout, work / f"{label}.log")
        cycle.detail = {"entries_remembered": r2e.remembered(work), "version": version}
        cycles.append(cycle)
    return cycles


def check(cycle: Cycle, feeds: int) -> None:
    """A cycle that did not read every feed (or a repeat not all 304) measured something else."""
    wanted = feeds if cycle.label == "repeat" else 0
    failed = cycle.detail.get("feeds_failed", 0)
    if cycle.status == "ok" and (cycle.requests, cycle.not_modified, failed) != (feeds, wanted, 0):
        cycle.status = f"expected {feeds} requests ({wanted} 304) and no failed feed"


def table(cycles: list[Cycle]) -> list[str]:
    rows = [
        "| tool | cycle | wall time | CPU (user+sys) | peak RSS | requests (304) | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in cycles:
        rows.append(
            f"| {c.tool} | {c.label} | {c.seconds:.1f} s | {c.cpu:.1f} s | {c.rss_mib:.0f} MiB "
            f"| {c.requests} ({c.not_modified}) | {c.status} |"
        )
    return rows


def verdicts(cycles: list[Cycle]) -> list[str]:
    """The issue-4 targets, each with the measured figure and yes/no."""
    by = {(c.tool, c.label): c for c in cycles}
    first, repeat = by.get(("monitor", "first")), by.get(("monitor", "repeat"))
    if first is None or repeat is None:
        return []
    peak_mb = max(first.rss_mib, repeat.rss_mib) * 1.048576  # MiB -> MB
    lines = [
        _verdict(
            f"first cycle {first.seconds:.1f} s <= {FIRST_LIMIT:.0f} s",
            first.seconds <= FIRST_LIMIT,
        ),
        _verdict(
            f"repeat {repeat.seconds:.1f} s <= {REPEAT_LIMIT:.0f} s", repeat.seconds <= REPEAT_LIMIT
        ),
        _verdict(f"peak RSS {peak_mb:.0f} MB <= {RSS_LIMIT_MB:.0f} MB", peak_mb <= RSS_LIMIT_MB),
    ]
    if (theirs := by.get(("rss2email", "first"))) and theirs.status == "ok":
        ratio = theirs.seconds / first.seconds
        text = f"first cycle: rss2email's time / monitor's = {ratio:.2f} (>= {SPEEDUP:.0f})"
        lines.append(_verdict(text, ratio >= SPEEDUP))
    return lines


def _verdict(text: str, ok: bool) -> str:
    return f"- {'met' if ok else 'MISSED'}: {text}"


def report(args: argparse.Namespace, server: Server, cycles: list[Cycle]) -> None:
    print(
        f"{args.feeds} feeds x {args.items} items, {server.plain_bytes / args.feeds / 1000:.1f} kB "
        f"per feed ({server.gzip_bytes / args.feeds / 1000:.1f} kB gzipped); "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}"
    )
    print("\n".join(table(cycles)))
    if (args.feeds, args.items) == (1000, 50):
        print("\n".join(verdicts(cycles)))
    else:
        print("issue 4's targets are for 1,000 feeds x 50 items; not judged here")
    for c in cycles:
        print(f"{c.tool} {c.label}: {json.dumps(c.detail, ensure_ascii=False)}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--connections", type=int, default=20, help="monitor's fetch pool")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per cycle, then kill")
    parser.add_argument(
        "--r2e", type=Path, help=f"the r2e program (default: {r2e.DEFAULT_VENV}/bin/r2e)"
    )
    parser.add_argument(
        "--install-r2e", action="store_true", help=f"create {r2e.DEFAULT_VENV} if missing"
    )
    parser.add_argument("--skip-r2e", action="store_true")
    parser.add_argument(
        "--profile", type=Path, help="folder for cProfile stats of monitor's cycles"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    server = Server(args.feeds, args.items)
    try:
        urls = [f"http://127.0.0.1:{server.port}{path(f)}" for f in range(args.feeds)]
        with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
            cycles = monitor_cycles(args, server, urls, Path(tmp) / "monitor")
            if not args.skip_r2e:
                cycles += r2e_cycles(args, server, urls, Path(tmp) / "r2e")
    finally:
        server.close()
    for cycle in cycles:
        check(cycle, args.feeds)
    report(args, server, cycles)
    if any(c.status != "ok" for c in cycles):
        raise SystemExit("a cycle did not finish: see the table")


if __name__ == "__main__":
    main()
