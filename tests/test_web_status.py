"""The status read model: feeds' health, the deliveries, next digests and latest mentions, as the
page and `monitor status` show them; from a real SQLite store and a config file."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.cli.screen import cmd_status, lines
from monitor.model import Digest, Feed, FeedState
from monitor.poll.health import FeedHealth
from monitor.rules import KEPT
from monitor.rules.live import LiveRules
from monitor.store import Store
from monitor.web.status import feed_line, gather
from tests.conftest import RULES
from tests.support.settings import settings_from
from tests.support.stored import ARTICLE, BABARYKA, NOW, ingest

HOUR = timedelta(hours=1)
FEEDS = [
    {"name": "healthy", "url": "https://example.org/ok.xml"},
    {"name": "broken", "url": "https://example.org/broken.xml"},
    {"name": "quiet", "url": "https://example.org/quiet.xml"},
    {"name": "gone", "url": "https://example.org/gone.xml"},
    {"name": "paused", "url": "https://example.org/paused.xml", "enabled": False},
    {"name": "fresh", "url": "https://example.org/fresh.xml"},
]
STATES = {
    "healthy": FeedState("https://example.org/ok.xml", last_success=NOW - HOUR,
                         next_check=NOW + HOUR),
    "broken": FeedState("https://example.org/broken.xml", failures=3, last_error="HTTP 503",
                        failing_since=datetime(2024, 4, 21, 9, 30, tzinfo=UTC),
                        last_success=NOW - 30 * HOUR, next_check=NOW + 2 * HOUR),
    "quiet": FeedState("https://example.org/quiet.xml", last_success=NOW - HOUR,
                       last_new=NOW - timedelta(days=10), usual_gap=timedelta(hours=6)),
    "gone": FeedState("https://example.org/gone.xml", disabled=True, failures=1,
                      last_error="HTTP 410 Gone", last_success=NOW - 50 * HOUR,
                      next_check=NOW + HOUR),
    "paused": FeedState("https://example.org/paused.xml", last_success=NOW - 99 * HOUR),
}  # fmt: skip


def data(tmp_path: Path) -> dict[str, object]:
    return {
        "data_dir": str(tmp_path / "var"),
        "rules": [str(RULES)],
        "feeds": FEEDS,
        "routes": [
            {"name": "morning", "outbox": True, "schedule": "daily 07:00",
             "timezone": "Europe/Minsk"},
            {"name": "weekly", "outbox": True, "schedule": "weekly mon 09:00"},
        ],
    }  # fmt: skip


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Store]:
    """A store with every kind of feed state, a mention and a dead and an owed delivery."""
    settings = settings_from(data(tmp_path))
    store = Store.open(settings.config.db_url)
    for name, state in STATES.items():
        store.feeds.save(name, state, state.url)
    ingest(store, [ARTICLE], [BABARYKA])
    ids = tuple(p.match_id for p in store.deliveries.pending("morning", None))
    digest = Digest("morning", "dg_1", "s", "t", "<p>h</p>", NOW, {}, ids)
    owed = store.deliveries.create_digest(
        digest, [("email", "a@example.org"), ("outbox", "x")], NOW
    )
    assert owed is not None
    store.deliveries.mark_failed(owed[0], "550 mailbox unavailable", None)
    store.deliveries.mark_failed(owed[1], "disk full", NOW + 2 * HOUR)
    yield store
    store.close()


def test_gather_reads_every_fact_the_page_shows(tmp_path: Path, filled: Store) -> None:
    settings = settings_from(data(tmp_path))
    active = LiveRules([RULES]).active
    status = gather(
        settings, filled, active.rules, NOW, rule_errors=("rules/x.yaml:3: people[0]: bad",),
        last_tick=NOW - timedelta(seconds=20),
    )  # fmt: skip
    health = {feed.name: (feed.health, feed.state) for feed in status.feeds}
    assert health == {
        "healthy": (FeedHealth.OK, "ok"),
        "broken": (FeedHealth.FAILING, "FAILING x3 since 2024-04-21 09:30 UTC: HTTP 503"),
        "quiet": (FeedHealth.STALE, "stale: nothing new since 2024-04-12 14:00 UTC"),
        "gone": (FeedHealth.DISABLED, "disabled (HTTP 410 Gone)"),
        "paused": (FeedHealth.DISABLED, "disabled in config"),
        "fresh": (FeedHealth.NEW, "never polled"),
    }
    by_name = {feed.name: feed for feed in status.feeds}
    assert by_name["healthy"].last_success == NOW - HOUR
    assert by_name["healthy"].next_check == NOW + HOUR
    assert by_name["gone"].next_check is None  # not polled again: no next check to show
    assert status.count(FeedHealth.DISABLED) == 2
    owed = status.deliveries
    assert (owed.pending, owed.dead, owed.next_attempt) == (1, 1, NOW + 2 * HOUR)
    assert [r.last_error for r in owed.dead_records] == ["550 mailbox unavailable"]
    [morning, weekly] = status.digests
    assert morning.at is not None and morning.at.isoformat() == "2024-04-23T07:00:00+03:00"
    assert weekly.at is not None and weekly.at.isoformat() == "2024-04-29T09:00:00+00:00"
    assert [(m.rule_id, m.title) for m in status.latest] == [("babaryka", ARTICLE.title)]
    assert status.rules == (6, 2)
    assert status.rule_errors == ("rules/x.yaml:3: people[0]: bad",)
    assert status.last_tick == NOW - timedelta(seconds=20)


def test_a_feed_row_made_before_its_first_poll_is_never_polled() -> None:
    feed = Feed(name="new", url="https://example.org/new.xml")
    line = feed_line(feed, FeedState(feed.url, next_check=NOW), NOW)
    assert (line.health, line.state, line.next_check) == (FeedHealth.NEW, "never polled", None)


def test_the_screen_lists_the_same_facts(tmp_path: Path, filled: Store) -> None:
    status = gather(settings_from(data(tmp_path)), filled, None, NOW)
    text = "\n".join(lines(status))
    assert text.startswith("monitor status at 2024-04-22 14:00 UTC\n")
    assert "feeds: 1 ok, 1 failing, 1 stale, 2 disabled, 1 new" in text
    assert "  broken: FAILING x3 since 2024-04-21 09:30 UTC: HTTP 503" in text
    assert "last success 2024-04-21 08:00 UTC; next check 2024-04-22 16:00 UTC" in text
    assert "deliveries: 1 owed, 0 sending, 1 dead; next attempt 2024-04-22 16:00 UTC" in text
    assert "  dead #1 route=morning email a@example.org: 550 mailbox unavailable" in text
    assert "  morning: 2024-04-23 07:00 +03 (daily 07:00)" in text
    assert f"  2024-04-22 14:00 UTC babaryka: {ARTICLE.title} (RFE/RL)" in text
    assert "rules:" not in text  # not known outside the daemon


def test_the_screen_keeps_hostile_titles_on_one_line(tmp_path: Path) -> None:
    settings = settings_from(data(tmp_path))
    store = Store.open(settings.config.db_url)
    try:
        hostile = replace(ARTICLE, title="Babaryka\x1b[2J\r\nfake: line")
        ingest(store, [hostile], [BABARYKA])
        text = lines(gather(settings, store, None, NOW))
    finally:
        store.close()
    assert "  2024-04-22 14:00 UTC babaryka: Babaryka [2J fake: line (RFE/RL)" in text
    assert not any("\x1b" in line or "\r" in line for line in text)


def test_cmd_status_prints_one_screen_from_the_config(
    tmp_path: Path, filled: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "var"}"\nrules = ["{RULES}"]\n'
        '[[feeds]]\nname = "broken"\nurl = "https://example.org/broken.xml"\n',
        encoding="utf-8",
    )
    assert cmd_status(argparse.Namespace(config=str(config))) == 0
    out = capsys.readouterr().out
    assert "feeds: 0 ok, 1 failing, 0 stale, 0 disabled, 0 new" in out
    assert "deliveries: 1 owed, 0 sending, 1 dead" in out
    assert "  digest: " in out and "(daily 07:00)" in out
    assert "babaryka: Lukashenka Meets With Jailed Opposition Leaders" in out
    assert len(out.splitlines()) <= 40
    assert "rules: 6 people, 2 events" in out  # read from the rule files


def test_cmd_status_names_broken_rule_files_and_the_rules_still_in_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the status page shows of rule files, the screen shows too: their problems, and
    the last good rules the daemon runs with (kept in the data folder)."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    config = tmp_path / "monitor.toml"
    config.write_text(f'data_dir = "{tmp_path / "var"}"\nrules = ["{rules}"]\n', encoding="utf-8")
    LiveRules([rules], tmp_path / "var" / KEPT)  # what the daemon did when they were good
    (rules / "belarus.yaml").write_text("people:\n  - nam: Babaryka\n", encoding="utf-8")
    assert cmd_status(argparse.Namespace(config=str(config))) == 0
    out = capsys.readouterr().out
    assert "rules: 6 people, 2 events" in out
    assert f"RULE ERROR: {rules / 'belarus.yaml'}:2: people[0].nam: unknown key" in out

