"""One machine, many hosts: `monitor run --once` beside `r2e run --no-send` (rss2email) in one
run, each feed on its own loopback address, first and repeat cycles, process-tree memory.

In: --feeds (1,000) x --items (50), the monitor command (the venv's `monitor` script) and
rss2email (bench_pipeline_r2e finds or installs it). Out: per cycle, wall seconds, the peak
summed RSS of the command's whole process tree (sampled every 0.25 s), CPU of its main
process and of its other processes; the issue-12 verdicts; with --profile DIR, cProfile
stats of monitor's main process (first cycle) and of the parse work the workers do.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import pstats
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import bench_pipeline_r2e as r2e
from bench import loopback_hosts as hosts

ROOT = Path(__file__).resolve().parent.parent
HZ = os.sysconf("SC_CLK_TCK")
SUMMARY_LINES = ("feeds read:", "new articles:", "feed failed:")
SPEEDUP, RSS_LIMIT_MIB = 4.0, 300.0  # issue 12: first cycle >= 4x rss2email's, tree <= 300 MiB


@dataclass
class Cycle:
    tool: str
    label: str
    seconds: float = 0.0
    peak_mib: float = 0.0  # summed VmRSS of the process tree, sampled
    cpu_main: float = 0.0
    cpu_others: float = 0.0  # workers, fork server...; as last sampled before they ended
    cpu_server: float = 0.0  # the loopback feed server's CPU during the cycle
    status: int = 0
    summary: str = ""  # what the tool printed about the cycle (monitor: feeds read, failed)


def measure(tool: str, label: str, command: list[str], log: Path, server: int) -> Cycle:
    """Run `command` to its end, sampling its process tree's RSS and CPU every 0.25 s."""
    cycle, cpu = Cycle(tool, label), {}
    server_before = _cpu(server)
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        while process.poll() is None:
            rss, seen = _tree(process.pid)
            cycle.peak_mib = max(cycle.peak_mib, rss)
            cpu.update(seen)
            time.sleep(0.25)
    cycle.seconds = time.perf_counter() - started
    cycle.cpu_server = _cpu(server) - server_before
    cycle.status = process.returncode
    printed = log.read_text(encoding="utf-8", errors="replace").splitlines()
    cycle.summary = "; ".join(line for line in printed if line.startswith(SUMMARY_LINES))[:300]
    cycle.cpu_main = cpu.pop(process.pid, (0.0, ""))[0]
    cycle.cpu_others = sum(seconds for seconds, _ in cpu.values())
    return cycle


def _tree(root: int) -> tuple[float, dict[int, tuple[float, str]]]:
    """(summed RSS in MiB, {pid: (CPU seconds, command)}) of `root` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read(f"/proc/{entry}/stat")
            if stat:
                children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    rss_kib, seen, todo = 0, {}, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        status, stat = _read(f"/proc/{pid}/status"), _read(f"/proc/{pid}/stat")
        if not status or not stat:
            continue
        rss = (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        rss_kib += next(rss, 0)
        fields = stat.rsplit(")", 1)[1].split()
        command = _read(f"/proc/{pid}/cmdline").replace("\0", " ")[:60]
        seen[pid] = ((int(fields[11]) + int(fields[12])) / HZ, command)
    return rss_kib / 1024, seen


def _cpu(pid: int) -> float:
    stat = _read(f"/proc/{pid}/stat")
    fields = stat.rsplit(")", 1)[1].split() if stat else ["0"] * 13
    return (int(fields[11]) + int(fields[12])) / HZ


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            return file.read()
    except OSError:
        return ""


def write_config(work: Path, urls: list[str], port: int) -> Path:
    """The acceptance check's config: every feed, the project's rules, SQLite, an outbox."""
    lines = [f'data_dir = "{work / "mon"}"', f'rules = ["{ROOT / "rules"}"]', "[[routes]]",
             'name = "digest"', "outbox = true"]  # fmt: skip
    for n, address in enumerate(urls):
        lines += ["[[feeds]]", f'name = "feed-{n:04d}"', f'url = "{address}"', 'interval = "15m"']
    config = work / "monitor.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def monitor_cycles(args: argparse.Namespace, config: Path, work: Path, server: int) -> list[Cycle]:
    command = [*args.monitor, "--config", str(config), "run", "--once"]
    return [measure("monitor", label, command, work / f"monitor-{label}.log", server)
            for label in ("first", "repeat")]  # fmt: skip


def r2e_cycles(args: argparse.Namespace, urls: list[str], work: Path, server: int) -> list[Cycle]:
    program, version = r2e.find_r2e(args.r2e, args.install_r2e)
    if program is None:
        print(f"skipping rss2email: {version}", file=sys.stderr)
        return []
    r2e.prepare(program, work / "r2e", urls)
    command = r2e.run_command(program, work / "r2e")
    tool = f"rss2email {version.split()[-1]}"
    return [measure(tool, label, command, work / f"r2e-{label}.log", server)
            for label in ("first", "repeat")]  # fmt: skip


def stored_articles(work: Path) -> int:
    with sqlite3.connect(work / "mon" / "monitor.db") as db:
        return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])


def profile(args: argparse.Namespace, config: Path, feeds: Path, work: Path) -> None:
    """cProfile of monitor's main process over a first cycle (a fresh store), and of the
    workers' share of the work (parse and match every feed) in one process."""
    (work / "mon").rename(work / "mon-measured")
    main_stats = args.profile / "monitor-main.prof"
    code = (
        "import cProfile, sys; from monitor.cli import main; profiler = cProfile.Profile(); "
        "profiler.runcall(main, sys.argv[2:]); profiler.dump_stats(sys.argv[1])"
    )
    command = [sys.executable, "-c", code, str(main_stats), "--config", str(config)]
    subprocess.run([*command, "run", "--once"], cwd=ROOT, check=True, capture_output=True)
    from monitor.match import hold_rules, work
    from monitor.model import Document
    from monitor.rules.files import load_rules

    hold_rules(load_rules([ROOT / "rules"]))  # as each worker does when it starts
    bodies = sorted((feeds / "f").glob("*.xml"))
    profiler = cProfile.Profile()
    for n, path in enumerate(bodies):
        document = Document(hosts.url(n, 1), path.read_bytes(), "application/rss+xml")
        profiler.runcall(work, [document], f"feed-{n:04d}", None)
    profiler.dump_stats(args.profile / "workers.prof")
    for name in ("monitor-main.prof", "workers.prof"):
        print(f"\n--- {name} (cumulative, top 25)")
        pstats.Stats(str(args.profile / name)).sort_stats("cumulative").print_stats(25)


def report(args: argparse.Namespace, cycles: list[Cycle], articles: int) -> bool:
    print(f"{args.feeds} feeds x {args.items} items, each feed on its own 127.0.x.y address; "
          f"{os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.2f}")  # fmt: skip
    print("| tool | cycle | wall | peak tree RSS | CPU main | CPU other processes "
          "| CPU of the feed server | exit |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for c in cycles:
        cpu = f"{c.cpu_main:.1f} s | {c.cpu_others:.1f} s | {c.cpu_server:.1f} s"
        print(f"| {c.tool} | {c.label} | {c.seconds:.1f} s | {c.peak_mib:.0f} MiB | {cpu} "
              f"| {c.status} |")  # fmt: skip
    print(f"monitor articles stored: {articles}")
    for c in cycles:
        if c.summary:
            print(f"{c.tool} {c.label}: {c.summary}")
    by = {(c.tool.split()[0], c.label): c for c in cycles}
    first, repeat = by[("monitor", "first")], by[("monitor", "repeat")]
    theirs, theirs_repeat = by.get(("rss2email", "first")), by.get(("rss2email", "repeat"))
    ok = first.peak_mib <= RSS_LIMIT_MIB and first.status == repeat.status == 0
    print(f"- peak tree RSS {first.peak_mib:.0f} MiB <= {RSS_LIMIT_MIB:.0f}: "
          f"{'met' if first.peak_mib <= RSS_LIMIT_MIB else 'MISSED'}")  # fmt: skip
    if theirs and theirs_repeat:
        speedup = theirs.seconds / first.seconds
        ok = ok and speedup >= SPEEDUP and repeat.seconds <= theirs_repeat.seconds
        print(f"- first cycle {speedup:.2f}x faster than rss2email (>= {SPEEDUP:.0f}): "
              f"{'met' if speedup >= SPEEDUP else 'MISSED'}")  # fmt: skip
        print(f"- repeat {repeat.seconds:.1f} s <= rss2email's {theirs_repeat.seconds:.1f} s: "
              f"{'met' if repeat.seconds <= theirs_repeat.seconds else 'MISSED'}")  # fmt: skip
    return ok


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument(
        "--monitor",
        type=shlex.split,
        default=[str(Path(sys.executable).parent / "monitor")],
        help="the monitor command, e.g. 'python -m monitor' (default: the `monitor` script "
        "beside this Python, as the acceptance check runs it)",
    )
    parser.add_argument("--r2e", type=Path, help=f"r2e program ({r2e.DEFAULT_VENV}/bin/r2e)")
    parser.add_argument("--install-r2e", action="store_true", help="create its venv if missing")
    parser.add_argument("--skip-r2e", action="store_true")
    parser.add_argument("--profile", type=Path, help="folder for cProfile stats (after the runs)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-poll-hosts-") as tmp:
        work = Path(tmp)
        hosts.write_feeds(work / "feeds", args.feeds, args.items)
        port = hosts.free_port()
        ready = multiprocessing.Event()
        server = multiprocessing.Process(
            target=hosts.serve, args=(work / "feeds", args.feeds, port, ready), daemon=True
        )
        server.start()
        try:
            if not ready.wait(120):
                raise SystemExit("the feed server did not start within 120 s")
            urls = [hosts.url(n, port) for n in range(args.feeds)]
            config = write_config(work, urls, port)
            pid = server.pid or 0
            cycles = monitor_cycles(args, config, work, pid)
            cycles += [] if args.skip_r2e else r2e_cycles(args, urls, work, pid)
            articles = stored_articles(work)
            ok = report(args, cycles, articles)
            if args.profile:
                args.profile.mkdir(parents=True, exist_ok=True)
                profile(args, config, work / "feeds", work)
        finally:
            server.kill()
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
