"""full_text feeds: the feed chooses the links, so a hostile one cannot make the daemon read
local files or internal pages into the store or a digest."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import RULES
from tests.support.feedserver import FeedServer, Reply
from tests.support.pipelines import pipeline_factory

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def hostile_feed(folder: Path, links: list[str]) -> None:
    items = "".join(
        f"<item><title>Viktar Babaryka news {i}</title><link>{link}</link><guid>g{i}</guid>"
        f"<description>Viktar Babaryka appeal.</description></item>"
        for i, link in enumerate(links)
    )
    folder.mkdir()
    (folder / "news.xml").write_text(
        f"<rss version='2.0'><channel><title>News</title>{items}</channel></rss>", "utf-8"
    )


def stored_text(db: Path) -> str:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT title || ' ' || text FROM articles")).scalars()
        text = " ".join(rows)
    engine.dispose()
    return text


def test_links_to_files_loopback_and_metadata_are_not_fetched(
    tmp_path: Path, feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("FILE-SECRET Babaryka", encoding="utf-8")
    feed_server.routes["/secret.html"] = Reply(body=b"<p>PAGE-SECRET Viktar Babaryka</p>")
    links = [
        f"file://localhost{secret}",
        feed_server.url("/secret.html"),
        feed_server.url("/secret.html", "localhost"),
        "http://169.254.169.254/latest/",
    ]
    hostile_feed(tmp_path / "feed", links)
    data = {
        "data_dir": str(tmp_path / "var"),
        "rules": [str(RULES)],
        "feeds": [{"name": "news", "url": str(tmp_path / "feed"), "full_text": True}],
        "routes": [{"name": "desk", "outbox": True}],
    }
    with pipeline_factory(lambda: NOW) as make:
        summary = make(data).run_once()
    assert summary.poll.new_articles == 4 and summary.poll.matches == 4  # feed text kept
    assert feed_server.hits("/secret.html") == []
    found = stored_text(tmp_path / "var" / "monitor.db")
    outbox = " ".join(p.read_text("utf-8") for p in (tmp_path / "var" / "outbox").glob("*.html"))
    assert "SECRET" not in found + outbox
    refused = [r.getMessage() for r in caplog.records if "page not fetched" in r.getMessage()]
    assert len(refused) == 4 and all("keeping the feed's text" in m for m in refused)


def test_a_feed_may_allow_its_own_network(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/story.html"] = Reply(
        body=b"<html><body><article><p>Viktar Babaryka was moved to another colony, "
        b"his lawyer said on Tuesday.</p></article></body></html>"
    )
    hostile_feed(tmp_path / "feed", [feed_server.url("/story.html")])
    data = {
        "data_dir": str(tmp_path / "var"),
        "rules": [str(RULES)],
        "feeds": [{"name": "intranet", "url": str(tmp_path / "feed"), "full_text": True,
                   "allow_networks": ["127.0.0.0/8"]}],
        "routes": [{"name": "desk", "outbox": True}],
    }  # fmt: skip
    with pipeline_factory(lambda: NOW) as make:
        make(data).run_once()
    assert len(feed_server.hits("/story.html")) == 1
    assert "another colony" in stored_text(tmp_path / "var" / "monitor.db")
