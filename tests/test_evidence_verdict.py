"""judge: is a page fetched again still what was archived? Text that matters, not bytes."""

from __future__ import annotations

import hashlib

from monitor.evidence import judge
from monitor.model import Document, FetchResult, FetchStatus

URL = "https://news.example/a/1.html"
STORY = (
    "<h1>Appeal rejected</h1><p>The Supreme Court rejected the appeal of Ales Bialiatski, "
    "the Nobel laureate, on Tuesday.</p><p>"
    + "His wife said the family would go on. " * 12
    + "</p>"
)


def page(story: str = STORY, aside: str = "Advert: buy a car") -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Appeal rejected</title>"
            f"</head><body><nav>Home | World</nav><aside>{aside}</aside><article>{story}"
            f"</article><footer>(c) Example News</footer></body></html>").encode()  # fmt: skip


ARCHIVED = Document(URL, page(), "text/html", "utf-8")
SHA = hashlib.sha256(ARCHIVED.body).hexdigest()


def fetched(body: bytes, location: str = URL) -> FetchResult:
    document = Document(location, body, "text/html", "utf-8")
    return FetchResult(URL, FetchStatus.OK, (document,), http_status=200)


def failed(status: int | None, error: str, kind: FetchStatus = FetchStatus.ERROR) -> FetchResult:
    return FetchResult(URL, kind, http_status=status, error=error)


def state(result: FetchResult, archived: Document = ARCHIVED, stories: tuple[str, ...] = ()) -> str:
    sha = hashlib.sha256(archived.body).hexdigest()
    return judge(archived, sha, True, stories, result).state


def test_the_same_page_is_unchanged() -> None:
    assert state(fetched(ARCHIVED.body)) == "unchanged"


def test_a_rotating_ad_and_new_markup_are_no_change() -> None:
    again = page(aside="Advert: fly to Vilnius").replace(b"<article>", b"<article class='v2'>")
    verdict = judge(ARCHIVED, SHA, True, (), fetched(again))
    assert (verdict.state, verdict.detail) == ("unchanged", "the same text")


def test_a_rewritten_sentence_is_a_change_and_says_what_changed() -> None:
    again = page(STORY.replace("rejected the appeal of", "upheld the sentence of"))
    verdict = judge(ARCHIVED, SHA, True, (), fetched(again))
    assert verdict.state == "changed"
    assert '"rejected the appeal" is now "upheld the sentence"' in verdict.detail


def test_not_found_gone_and_legal_removal_are_removals() -> None:
    assert state(failed(404, "HTTP 404 Not Found")) == "removed"
    assert state(failed(410, "HTTP 410 Gone", FetchStatus.GONE)) == "removed"
    assert state(failed(451, "HTTP 451 Unavailable For Legal Reasons")) == "removed"


def test_a_failure_is_not_a_removal() -> None:
    results = [failed(None, "timed out after 30 s in total"), failed(503, "HTTP 503"),
               failed(None, "connection refused"), failed(403, "HTTP 403 Forbidden")]  # fmt: skip
    for result in results:
        verdict = judge(ARCHIVED, SHA, True, (), result)
        assert verdict.state == "unreachable" and verdict.detail == result.error


def test_a_redirect_to_a_page_without_the_article_is_a_removal() -> None:
    home = page("<h1>Example News</h1><p>Top stories of the day: weather, sport.</p>")
    verdict = judge(ARCHIVED, SHA, True, (), fetched(home, "https://news.example/"))
    assert verdict.state == "removed" and "https://news.example/" in verdict.detail
    moved = fetched(ARCHIVED.body.replace(b"Home", b"Start"), "https://news.example/a/1")
    assert judge(ARCHIVED, SHA, True, (), moved).state == "unchanged"  # the article moved


def feed(*items: tuple[str, str, str]) -> bytes:
    xml = "".join(f"<item><title>{t}</title><link>https://news.example/{k}</link><guid>{k}</guid>"
                  f"<description>{t} text</description><pubDate>{d}</pubDate></item>"
                  for k, t, d in items)  # fmt: skip
    return f"<rss version='2.0'><channel><title>N</title>{xml}</channel></rss>".encode()


OLD = ("a0", "Older story", "Mon, 07 Dec 2026 01:00:00 GMT")
OURS = ("a1", "Bialiatski appeal", "Mon, 07 Dec 2026 02:00:00 GMT")
NEWER = ("a2", "Newer story", "Mon, 07 Dec 2026 03:00:00 GMT")
FEED = Document("https://news.example/feed.xml", feed(NEWER, OURS, OLD), "application/rss+xml")


def test_in_a_feed_the_matched_story_is_what_is_compared() -> None:
    ours = ("https://news.example/a1",)
    newest = ("a3", "Newest story", "Mon, 07 Dec 2026 04:00:00 GMT")
    assert state(fetched(feed(newest, NEWER, OURS, OLD)), FEED, ours) == "unchanged"
    edited = ("a1", "Bialiatski appeal rejected", OURS[2])
    assert state(fetched(feed(NEWER, edited, OLD)), FEED, ours) == "changed"
    # Gone while an older story is still listed: deleted, not scrolled away.
    assert state(fetched(feed(NEWER, OLD)), FEED, ours) == "removed"
    # Only newer stories listed: it may simply have scrolled away.
    assert (
        state(fetched(feed(("a9", "x", "Tue, 08 Dec 2026 01:00:00 GMT"), NEWER)), FEED, ours)
        == "unknown"
    )


def test_without_the_archived_body_only_the_bytes_can_be_compared() -> None:
    assert judge(ARCHIVED, SHA, False, (), fetched(ARCHIVED.body)).state == "unchanged"
    assert judge(ARCHIVED, SHA, False, (), fetched(page("<p>other</p>"))).state == "unknown"
