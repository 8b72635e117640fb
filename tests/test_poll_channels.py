"""A Telegram channel as a feed, end to end: a loopback server gives its public preview in
the preview's markup (tests/support/channel.py), the poll reads back to the last post
stored, a first poll only so far, an edit is matched again, a channel without a preview
fails saying so, and the digest links the posts."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.support.channel import CARD, Post, route
from tests.support.feedserver import FeedServer, Reply
from tests.support.pipelines import Clock
from tests.test_cli import monitor

FORMS = [
    "Суд над Алесем Беляцким перенесли.",
    "Алесь Бяляцкі застаецца ў калоніі.",
    "Ales Bialiatski's letters do not arrive.",
    "Адвокат Алеся Беляцкого не допущен.",
]


def channel(clock: Clock, first: int, last: int) -> list[Post]:
    """Posts an hour apart, the newest an hour before now; every one names Bialiatski."""
    return [Post(i, f"{FORMS[i % 4]} #{i}", when=clock() - timedelta(hours=last - i + 1))
            for i in range(first, last + 1)]  # fmt: skip


def config(tmp_path: Path, server: FeedServer, **feed: Any) -> dict[str, Any]:
    rules = tmp_path / "rules"
    rules.mkdir(parents=True)
    (rules / "r.yaml").write_text("people:\n  - id: bialiatski\n    name: Ales Bialiatski\n"
                                  "  - id: rabkova\n    name: Marfa Rabkova\n")  # fmt: skip
    return {
        "data_dir": str(tmp_path / "var"),
        "rules": [str(rules)],
        "feeds": [{"name": "vyasna", "url": server.url("/s/spring96"), **feed}],
        "routes": [{"name": "desk", "outbox": True, "schedule": "daily 07:00"}],
    }


def matched_posts(pipeline: Any, rule: str) -> list[int]:
    found = pipeline.store.articles.matched(pipeline.clock() - timedelta(days=3650), {rule}, 10_000)
    return sorted(int(article.url.rsplit("/", 1)[1]) for _, _, article in found)


def test_every_new_post_is_read_however_many_arrived(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    posts = channel(clock, 1001, 1030)
    feed_server.routes["/s/spring96"] = route("spring96", "Вясна", posts)
    # No re-checks of the archived channel pages: only the poll's own requests are counted.
    pipeline = make_pipeline({**config(tmp_path, feed_server), "evidence_checks": []})
    pipeline.run_once()
    assert matched_posts(pipeline, "bialiatski") == list(range(1001, 1031))
    clock.advance(timedelta(hours=50))
    posts += channel(clock, 1031, 1075)  # more than two pages
    pipeline.run_once()
    assert matched_posts(pipeline, "bialiatski") == list(range(1001, 1076))
    pages = [hit.path for hit in feed_server.requests if hit.path.startswith("/s/spring96")]
    assert pages[-3:] == ["/s/spring96", "/s/spring96?before=1056", "/s/spring96?before=1036"]


def test_an_edited_post_alerts_only_for_its_new_match(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    posts = channel(clock, 1001, 1005)
    feed_server.routes["/s/spring96"] = route("spring96", "Вясна", posts)
    pipeline = make_pipeline(config(tmp_path, feed_server))
    pipeline.run_once()
    posts[-1].text += " Разам з ім у спісе — Марфа Рабкова."
    posts[-1].edited = True
    summary = pipeline.run_once()
    assert summary.poll.matches == 1
    assert matched_posts(pipeline, "rabkova") == [1005]
    assert matched_posts(pipeline, "bialiatski") == [1001, 1002, 1003, 1004, 1005]


def test_a_first_poll_reads_back_only_so_far(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    posts = channel(clock, 1001, 1100)
    feed_server.routes["/s/spring96"] = route("spring96", "Вясна", posts)
    pipeline = make_pipeline(config(tmp_path, feed_server, history_posts=30))
    pipeline.run_once()
    assert matched_posts(pipeline, "bialiatski") == list(range(1071, 1101))
    by_days = make_pipeline(config(tmp_path / "b", feed_server, history="1d"))
    by_days.run_once()  # posts are an hour apart: a day back is 24 of them
    assert matched_posts(by_days, "bialiatski") == list(range(1077, 1101))


def test_a_channel_without_a_public_preview_fails_saying_so(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any
) -> None:
    feed_server.routes["/s/spring96"] = Reply(302, headers={"Location": "/closed"})
    feed_server.routes["/closed"] = Reply(body=CARD.encode(), headers={"Content-Type": "text/html"})
    pipeline = make_pipeline(config(tmp_path, feed_server))
    summary = pipeline.run_once()
    [failed] = summary.poll.feeds_failed
    assert failed.startswith("vyasna:") and "without a public preview" in failed
    state = pipeline.store.feeds.state("vyasna")
    assert state is not None and state.failures == 1


def test_the_digest_links_each_post(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    feed_server.routes["/s/spring96"] = route("spring96", "Вясна", channel(clock, 1001, 1003))
    pipeline = make_pipeline(config(tmp_path, feed_server))
    pipeline.run_once()
    [eml] = (tmp_path / "var" / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    text = "".join(p.get_content() for p in message.walk() if p.get_content_maintype() == "text")
    assert all(f"https://t.me/spring96/{i}" in text for i in (1001, 1002, 1003))
    assert "Вясна" in text  # the channel names the source


def test_check_shows_each_post_of_a_channel_as_an_article(
    tmp_path: Path, feed_server: FeedServer, clock: Clock
) -> None:
    feed_server.routes["/s/spring96"] = route("spring96", "Вясна", channel(clock, 1001, 1003))
    rules = config(tmp_path, feed_server)["rules"][0]
    result = monitor("check", "--rules", rules, "--json", feed_server.url("/s/spring96"))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["title"] for r in records] == [f"{FORMS[i % 4]} #{i}" for i in (1001, 1002, 1003)]
    assert all(r["matches"][0]["rule"] == "bialiatski" for r in records)


def test_a_429_with_retry_after_holds_back_every_channel_on_that_host(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    feed_server.routes["/s/spring96"] = Reply(429, headers={"Retry-After": "3600"})
    feed_server.routes["/s/other"] = route("other", "Other", channel(clock, 1001, 1002))
    data = config(tmp_path, feed_server, interval="1m")
    data["feeds"].append({"name": "other", "url": feed_server.url("/s/other"), "interval": "1m"})
    pipeline = make_pipeline(data)
    pipeline.run_once()
    for name in ("vyasna", "other"):  # the one that answered too
        state = pipeline.store.feeds.state(name)
        assert state is not None and state.next_check >= clock() + timedelta(hours=1)
    clock.advance(timedelta(minutes=5))
    assert pipeline.poll_due().feeds_read == 0  # nothing on that host is due yet
    clock.advance(timedelta(hours=2))  # past the pause and the 429'd feed's own jitter
    assert pipeline.poll_due().feeds_read == 2
