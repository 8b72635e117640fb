"""The command line as users and scripts meet it: real processes, exit codes, stdout/stderr."""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, RULES, SAMPLE, SAMPLE_PEOPLE_IDS, SEEDS
from tests.support.wait import wait_for

COMMANDS = ("run", "check", "rules check", "replay", "feeds", "deliveries", "digest", "matches",
            "names", "candidates", "extract",
            "status", "worker")  # fmt: skip


def monitor(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    environment.pop("MONITOR_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder like a fresh checkout: seeds/ and rules/, nothing else."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(RULES, tmp_path / "rules")
    return tmp_path


def test_help_lists_every_command_with_an_example() -> None:
    result = monitor("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        line = next(line for line in result.stdout.splitlines() if line.startswith(f"  {command} "))
        assert "monitor " in line, f"no example for {command}"


def test_check_json_contract_on_the_sample_article() -> None:
    result = monitor("check", "--rules", str(RULES), "--json", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    record = json.loads(line)
    assert record["file"] == str(SAMPLE)
    assert record["title"] == "Lukashenka Meets With Jailed Belarusian Opposition Leaders"
    by_rule = {m["rule"]: m for m in record["matches"]}
    assert set(by_rule) >= SAMPLE_PEOPLE_IDS
    babaryka = by_rule["babaryka"]
    assert (babaryka["kind"], babaryka["name"]) == ("person", "Viktar Babaryka")
    text = "Lukashenka Meets With Jailed Belarusian Opposition Leaders"
    for evidence in babaryka["evidence"]:
        assert set(evidence) == {"text", "snippet", "start", "end"}
        assert evidence["text"] in evidence["snippet"]
        assert evidence["end"] - evidence["start"] == len(evidence["text"])
    assert record["title"] == text


def test_check_a_feed_gives_one_line_per_entry() -> None:
    result = monitor("check", "--rules", str(RULES), "--json",
                     str(SEEDS / "belarus-cp1251.rss.xml"))  # fmt: skip
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0 and len(records) >= 2
    assert any(m["rule"] == "tsikhanouski" for r in records for m in r["matches"])


def test_check_without_matches_still_exits_zero(tmp_path: Path) -> None:
    article = tmp_path / "weather.txt"
    article.write_text("Sunny in Minsk\n\nThe weather will be warm all week.\n", encoding="utf-8")
    result = monitor("check", "--rules", str(RULES), "--json", str(article))
    assert result.returncode == 0
    assert json.loads(result.stdout)["matches"] == []


def test_check_explain_says_why(tmp_path: Path) -> None:
    result = monitor("check", "--rules", str(RULES), "--explain", str(SAMPLE))
    assert result.returncode == 0
    assert "babaryka" in result.stdout and "Viktar Babaryka" in result.stdout


def test_check_with_bad_rules_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    rules = tmp_path / "bad.yaml"
    rules.write_text("people:\n  - name: X Y\n    aka: 5: 6\n", encoding="utf-8")
    result = monitor("check", "--rules", str(rules), "--json", str(SAMPLE))
    assert result.returncode == 2
    assert f"{rules}:3" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_check_unreadable_input_exits_2_and_goes_on(tmp_path: Path) -> None:
    result = monitor("check", "--rules", str(RULES), "--json", str(tmp_path / "missing.txt"),
                     str(SAMPLE))  # fmt: skip
    assert result.returncode == 2
    assert "missing.txt" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == 1  # the readable file was still checked


def test_rules_check(tmp_path: Path) -> None:
    good = monitor("rules", "check", str(RULES))
    assert good.returncode == 0 and "ok:" in good.stdout
    (tmp_path / "r.yaml").write_text("people:\n  - name: A B\n    akka: [C]\n", encoding="utf-8")
    bad = monitor("rules", "check", str(tmp_path))
    assert bad.returncode == 2
    assert f"{tmp_path / 'r.yaml'}:3: people[0].akka: unknown key (did you mean 'aka'?)" in (
        bad.stderr
    )


def test_a_bad_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text('[[feeds]]\nname = "x"\nurl = "seeds"\ninterval = "often"\n', "utf-8")
    result = monitor("--config", str(config), "run", "--once", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "feeds[0].interval: expected a duration" in result.stderr


def test_run_once_on_defaults_then_nothing_new(workdir: Path) -> None:
    first = monitor("run", "--once", cwd=workdir)
    assert first.returncode == 0, first.stderr
    assert "digests delivered: 1" in first.stdout
    [eml] = (workdir / "var" / "outbox").glob("*.eml")
    assert (workdir / "var" / "outbox" / eml.with_suffix(".html").name).exists()
    text = eml.read_bytes().decode("utf-8", "replace")
    assert "multipart/alternative" in text
    assert (workdir / "var" / "monitor.db").exists()

    second = monitor("run", "--once", cwd=workdir)
    assert second.returncode == 0
    assert "new articles: 0" in second.stdout and "digests delivered: 0" in second.stdout
    assert len(list((workdir / "var" / "outbox").glob("*.eml"))) == 1

    feeds = monitor("feeds", cwd=workdir)
    assert feeds.returncode == 0 and feeds.stdout.startswith("seeds: ok")
    owed = monitor("deliveries", cwd=workdir)
    assert "nothing owed" in owed.stdout
    renamed = monitor("outbox", cwd=workdir)  # the command's old name still works, and says so
    assert "nothing owed" in renamed.stdout
    assert "`monitor outbox` is now `monitor deliveries`" in renamed.stderr


def test_replay_and_digest_preview(workdir: Path) -> None:
    monitor("run", "--once", cwd=workdir)
    (workdir / "rules" / "more.yaml").write_text("people:\n  - name: Alyaksandr Lukashenka\n",
                                                 encoding="utf-8")  # fmt: skip
    replay = monitor("replay", "--since", "3650d", cwd=workdir)
    assert replay.returncode == 0 and "new match(es)" in replay.stdout
    assert " 0 new match" not in replay.stdout
    preview = monitor("digest", "preview", "digest", cwd=workdir)
    assert preview.returncode == 0 and "Alyaksandr Lukashenka" in preview.stdout
    unknown = monitor("digest", "preview", "nope", cwd=workdir)
    assert unknown.returncode == 2 and "no route named 'nope'" in unknown.stderr
    html = monitor("digest", "preview", "digest", "-o", str(workdir / "next.html"), cwd=workdir)
    assert html.returncode == 0 and "Lukashenka" in (workdir / "next.html").read_text("utf-8")
    assert len(list((workdir / "var" / "outbox").glob("*.eml"))) == 1  # previews send nothing

    send = monitor("digest", "send", "digest", cwd=workdir)
    assert send.returncode == 0, send.stderr
    assert len(list((workdir / "var" / "outbox").glob("*.eml"))) == 2
    again = monitor("digest", "send", "digest", cwd=workdir)
    assert again.returncode == 0
    assert len(list((workdir / "var" / "outbox").glob("*.eml"))) == 2  # nothing new to send


def test_matches_lists_what_was_found_whether_shown_or_not(workdir: Path) -> None:
    monitor("run", "--once", cwd=workdir)
    listed = monitor("matches", "--since", "3650d", "--json", cwd=workdir)
    assert listed.returncode == 0, listed.stderr
    records = [json.loads(line) for line in listed.stdout.splitlines()]
    assert {r["rule"] for r in records} >= SAMPLE_PEOPLE_IDS
    one = monitor("matches", "--since", "3650d", "--rule", "babaryka", cwd=workdir)
    assert one.stdout.startswith(tuple("0123456789")) and " babaryka: " in one.stdout
    assert " vlasova: " not in one.stdout
    none = monitor("matches", "--since", "1d", "--route", "digest", "--rule", "nobody", cwd=workdir)
    assert none.stdout.startswith("no matches since ")


def test_the_daemon_alerts_urgent_matches_and_stops_cleanly_on_sigterm(workdir: Path) -> None:
    """`monitor run` polls at once; Tsikhanouski is `priority: high` in the bundled rules, so
    his alert reaches the outbox without waiting for the daily digest."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MONITOR_CONFIG", None)
    log_path = workdir / "daemon.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen([sys.executable, "-m", "monitor", "run"], cwd=workdir,
                                   env=env, stderr=log_file)  # fmt: skip
        outbox = workdir / "var" / "outbox"

        def alerted() -> bool:
            assert process.poll() is None, f"exited before it alerted:\n{log_path.read_text()}"
            return any(outbox.glob("*.eml"))

        try:
            wait_for(alerted, 60, "the urgent alert in the outbox")
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        finally:
            process.kill()  # only if the test failed: it has exited by now otherwise
    log = log_path.read_text()
    assert process.returncode == 0, log
    assert "monitor running" in log and "monitor stopped" in log
    [eml] = outbox.glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "== Syarhey Tsikhanouski (" in text
    assert "== Viktar Babaryka (" not in text  # normal priority: waits for the digest


def test_a_database_this_version_cannot_read_is_a_clear_error(workdir: Path) -> None:
    (workdir / "var").mkdir()
    with sqlite3.connect(workdir / "var" / "monitor.db") as db:
        db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied TEXT)")
        db.execute("INSERT INTO schema_version VALUES (1, '2024-01-01 00:00:00')")
        db.execute("CREATE TABLE feeds (id INTEGER PRIMARY KEY)")  # not the schema v1 makes
    result = monitor("feeds", cwd=workdir)
    assert result.returncode == 2
    assert "monitor: cannot open database" in result.stderr and "Traceback" not in result.stderr


def test_two_runs_started_together_send_each_digest_once(workdir: Path) -> None:
    """One store, one daemon: the second `run --once` is refused (or finds nothing left),
    and the outbox gets one copy of the digest; no traceback either way."""
    command = [sys.executable, "-m", "monitor", "run", "--once"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MONITOR_CONFIG", None)
    runs = [subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    results = [(run.wait(120), *run.communicate()) for run in runs]
    assert sorted(code for code, _, _ in results) in ([0, 0], [0, 2])
    for code, _, err in results:
        assert "Traceback" not in err
        if code == 2:
            assert "another monitor is running on" in err and "one daemon per store" in err
    assert len(list((workdir / "var" / "outbox").glob("*.eml"))) == 1


def test_rules_check_warns_of_noisy_rules_and_counts_fires_against_the_store(
    workdir: Path,
) -> None:
    (workdir / "rules" / "new.yaml").write_text(
        "people:\n  - name: Un\n  - name: Lilia Vlasova\n    id: vlasova-again\n", "utf-8"
    )
    monitor("run", "--once", cwd=workdir)
    result = monitor("rules", "check", "--against-store", "--since", "3650d", cwd=workdir)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning: ")]
    assert any("new.yaml:2: un: surname 'Un' is shorter than 4 letters" in w for w in warnings)
    fired = result.stdout.split("surnames that are everyday words")[0]  # the counts part
    counts = dict(line.strip().split(": ", 1) for line in fired.splitlines()
                  if line.startswith("  "))  # fmt: skip
    assert counts["babaryka"].startswith(("1", "2", "3", "4", "5", "6", "7", "8", "9"))
    assert counts["un"].startswith("0")


@pytest.mark.parametrize("command", [("status",), ("matches", "--json"), ("deliveries", "--all")])
def test_a_reader_that_stops_early_gets_no_traceback(
    workdir: Path, command: tuple[str, ...]
) -> None:
    """`monitor status | head -1`: the reader has gone before monitor writes; monitor says
    nothing of it and exits 0."""
    assert monitor("run", "--once", cwd=workdir).returncode == 0
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("MONITOR_CONFIG", None)
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before anything is written
    done = subprocess.run([sys.executable, "-m", "monitor", *command], cwd=workdir,
                          env=environment, stdout=writer, stderr=subprocess.PIPE, text=True,
                          timeout=120)  # fmt: skip
    os.close(writer)
    assert (done.returncode, done.stderr) == (0, "")


def test_digest_preview_uses_the_last_good_rules_while_a_rule_file_is_broken(
    workdir: Path,
) -> None:
    """The daemon runs on the last good rules while a file is broken; so does the preview,
    and it says so (before: exit 2, nothing to see)."""
    assert monitor("run", "--once", cwd=workdir).returncode == 0  # the rules were good
    (workdir / "rules" / "belarus.yaml").write_text("people:\n  - nam: x\n", encoding="utf-8")
    preview = monitor("digest", "preview", "digest", cwd=workdir)
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.startswith("Subject: ")
    assert "previewed with the last good rules, as the daemon runs" in preview.stderr
    assert "belarus.yaml:2: people[0].nam: unknown key" in preview.stderr
    fresh = workdir / "elsewhere"  # never ran with good rules: nothing to fall back on
    shutil.copytree(workdir / "rules", fresh / "rules")
    broken = monitor("digest", "preview", "digest", cwd=fresh)
    assert broken.returncode == 2 and "people[0].nam: unknown key" in broken.stderr
