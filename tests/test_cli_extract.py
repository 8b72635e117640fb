"""`monitor extract`: the title, date, language and text monitor will match, from files,
folders, feeds and URLs, as the daemon reads them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.feedserver import FeedServer, Reply
from tests.test_cli import monitor
from tests.test_parse import TRIAL

PAGE = (
    "<html lang='be'><head><title>Суд над «Вясной» | Навіны</title>"
    "<meta property='article:published_time' content='2024-04-20T08:00:00+02:00'></head>"
    "<body><nav><a href='/'>Галоўная</a></nav><article><h1>Суд над «Вясной»</h1>"
    f"{TRIAL}</article><footer>© 2024</footer></body></html>"
)


def test_extract_shows_what_will_be_matched_from_a_url(feed_server: FeedServer) -> None:
    html = {"Content-Type": "text/html; charset=utf-8"}
    feed_server.routes["/news/1"] = Reply(body=PAGE.encode(), headers=html)
    result = monitor("extract", "--json", feed_server.url("/news/1"))
    assert result.returncode == 0, result.stderr
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["file"] == feed_server.url("/news/1")
    assert record["title"] == "Суд над «Вясной»"
    assert record["published"] == "2024-04-20T06:00:00+00:00"
    assert record["language"] == "be"
    assert record["text"].count("The trial of the Viasna staff") == 5
    assert "Галоўная" not in record["text"] and "© 2024" not in record["text"]


def test_extract_reads_a_feed_as_its_articles_and_says_what_it_cannot_read(
    tmp_path: Path,
) -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds" / "rfe-belarus.rss.xml"
    result = monitor("extract", str(seeds), str(tmp_path / "missing.html"))
    assert result.returncode == 2 and "missing.html" in result.stderr
    assert result.stdout.count(f"== {seeds}: ") >= 2
