"""parse/telegram.py: a channel's public web preview, read by its markup, one story a post."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor.errors import ParseError
from monitor.model import Document
from monitor.parse import parse_document
from tests.support.channel import CARD, START, Post, page

TITLE = "Праваабарончы цэнтр «Вясна»"


def posts_of(*posts: Post, location: str = "https://mirror.example/s/spring96") -> list:  # type: ignore[type-arg]
    body = page("spring96", TITLE, list(posts)).encode()
    return list(parse_document(Document(location, body, "text/html"), feed="vyasna"))


def test_each_post_with_words_is_a_story_with_its_permanent_link_date_and_channel() -> None:
    [story] = posts_of(Post(1011, "Алеся Бяляцкага зноў пакаралі карцарам.\nДругі радок."))
    assert story.url == "https://t.me/spring96/1011"
    assert story.guid == "spring96/1011"
    assert story.published == START + timedelta(hours=11)
    assert story.source == TITLE and story.feed == "vyasna"
    assert story.title == "Алеся Бяляцкага зноў пакаралі карцарам."
    assert story.text == "Алеся Бяляцкага зноў пакаралі карцарам.\nДругі радок."


def test_service_posts_and_posts_without_words_are_skipped() -> None:
    stories = posts_of(Post(1001, "Channel created", "service"), Post(1002, "", "photo"),
                       Post(1003, "Photo caption: the court in Homiel", "photo"))  # fmt: skip
    assert [s.url for s in stories] == ["https://t.me/spring96/1003"]
    assert stories[0].text == "Photo caption: the court in Homiel"


def test_captions_links_previews_and_forwards_are_read() -> None:
    stories = posts_of(
        Post(1010, "Album: three photos from the trial", "album"),
        Post(1014, "Repost of the verdict", "forward", extra={"from": "nashaniva"}),
        Post(1018, "Read more", "preview", extra={"url": "https://spring96.org/be/news/1",
             "site": "Вясна", "title": "Палітвязні", "description": "Спіс палітвязняў"}),
        Post(1019, "Statement:", extra={"link": "https://x.example/s", "link_text": "full text"}),
    )  # fmt: skip
    album, forward, preview, link = (s.text for s in stories)
    assert album == "Album: three photos from the trial"
    assert forward == "Forwarded from nashaniva\n\nRepost of the verdict"
    assert preview == "Read more\n\nВясна\n\nПалітвязні\n\nСпіс палітвязняў"
    assert link == "Statement: full text"


def test_a_reply_is_its_own_words_not_the_quoted_post() -> None:
    [story] = posts_of(Post(1020, "Our answer", "reply", extra={"quoted": "Earlier post"}))
    assert story.text == "Our answer"


def test_a_long_first_line_is_cut_at_a_word_for_the_title() -> None:
    [story] = posts_of(Post(1021, "word " * 60))
    assert story.title.endswith("…") and len(story.title) <= 121


def test_a_channel_without_a_public_preview_is_an_error_that_says_so() -> None:
    with pytest.raises(ParseError, match="Telegram channel without a public preview"):
        parse_document(Document("https://t.me/closed", CARD.encode(), "text/html"))


def test_an_ordinary_page_is_still_read_as_one_article() -> None:
    body = b"<html><head><title>News</title></head><body><article><p>" + b"Text. " * 50
    [article] = parse_document(Document("https://x.example/a", body + b"</p></article>"))
    assert article.title == "News"
