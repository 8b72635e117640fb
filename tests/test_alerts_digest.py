"""The digest stage: which alerts a digest shows when more arrive than a reader can take,
and that a flood of 10,000 matches still makes one small, honest, deliverable digest."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.alerts.digest import choose, measure
from monitor.model import DeliveryStatus, Pending
from tests.conftest import RULES, SEEDS
from tests.support.pipelines import pipeline_factory

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def pending(rule: str, n: int, start: int = 0, sources: int = 1) -> list[Pending]:
    return [
        Pending(start + i, rule, rule.title(), sources, NOW - timedelta(hours=i)) for i in range(n)
    ]


def test_each_rule_shows_its_strongest_up_to_the_caps() -> None:
    items = pending("babaryka", 30) + pending("vlasova", 30, start=100)
    items[5] = Pending(5, "babaryka", "Babaryka", 9, NOW - timedelta(days=3))  # widely seen
    chosen = choose(items, high=set(), per_rule=3, shown=5)
    assert chosen == [5, 0, 1, 100, 101]  # most sources first, then the newest


def test_high_priority_rules_come_first_when_room_runs_out() -> None:
    items = pending("alpha", 5) + pending("zulu", 5, start=100)
    assert choose(items, high={"zulu"}, per_rule=3, shown=4) == [100, 101, 102, 0]


def test_what_is_not_shown_is_counted_by_rule() -> None:
    items = pending("babaryka", 30) + pending("vlasova", 4, start=100)
    volume = measure(items, [0, 1], broad=())
    assert (volume.total, volume.more, volume.hidden) == (34, {"babaryka": 28}, (("Vlasova", 4),))


def flood(folder: Path, feeds: int, items: int) -> None:
    folder.mkdir()
    for f in range(feeds):
        body = "".join(
            f"<item><title>Story {f}-{i} about the court</title>"
            f"<link>https://news.example/{f}/{i}</link><description>Viktar Babaryka was "
            f"seen in court again, case {f}-{i}.</description></item>"
            for i in range(items)
        )
        (folder / f"{f:03}.xml").write_text(f"<rss version='2.0'><channel>{body}</channel></rss>")


def test_a_flood_of_10000_matches_makes_one_small_digest_that_states_the_total(
    tmp_path: Path,
) -> None:
    flood(tmp_path / "news", feeds=200, items=50)
    (tmp_path / "rules.yaml").write_text("people:\n  - name: Viktar Babaryka\n", "utf-8")
    data = {"data_dir": str(tmp_path / "var"), "rules": [str(tmp_path / "rules.yaml")],
            "feeds": [{"name": "news", "url": str(tmp_path / "news")}],
            "routes": [{"name": "desk", "outbox": True}]}  # fmt: skip
    with pipeline_factory(lambda: NOW) as make:
        pipeline = make(data)
        summary = pipeline.run_once()
        again = pipeline.run_once()
    assert summary.poll.matches == 10_000 and len(summary.outcomes) == 1
    assert again.outcomes == ()  # every alert was carried by the first digest
    [eml] = (tmp_path / "var" / "outbox").glob("*.eml")
    assert eml.stat().st_size <= 2_000_000
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert message["Subject"].startswith("monitor: 10,000 new mentions — Viktar Babaryka")
    assert "Showing the 20 strongest of 10,000 new mentions" in text
    assert "… and 9,980 more mentions, not shown" in text
    assert "Viktar Babaryka matched 10,000 of the 10,000 articles seen in the last 24 hours" in text
    assert text.count("\n* Story ") == 20


def test_the_footer_names_a_dead_delivery_once_with_its_reason(tmp_path: Path) -> None:
    """The channel and target lead the line; the error does not repeat them."""
    clock = lambda: datetime(2024, 4, 23, 6, 0, tzinfo=UTC)  # noqa: E731
    with pipeline_factory(clock) as make:
        pipeline = make({"data_dir": str(tmp_path / "var"), "rules": [str(RULES)],
                         "feeds": [{"name": "seeds", "url": str(SEEDS)}],
                         "routes": [{"name": "desk", "outbox": True}]})  # fmt: skip
        pipeline.run_once()
        store, folder = pipeline.store, tmp_path / "var" / "outbox"
        [record] = store.deliveries.records([DeliveryStatus.SENT])
        store.deliveries.mark_failed(record.id, f"outbox {folder}: Read-only file system", None)
        assert pipeline.footer().dead_deliveries == (f"outbox {folder}: Read-only file system",)
