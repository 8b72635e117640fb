"""A public Telegram channel's web preview (the page at t.me/s/<channel>) to one Article per
post.

In: decoded HTML of a preview page, recognised by its markup (the `tgme_widget_message`
blocks with `data-post`), not by its host, so a mirror or a test server reads the same.
Out: an Article per post with words: its permanent link https://t.me/<channel>/<id>, date,
text (line breaks and links' text kept), a photo's or album's caption, a link preview's
site, title and description, and whom it was forwarded from; the channel's title is the
source. Service posts (channel created, pinned) and posts without words are skipped.
A channel without a public preview sends its card instead: `channel_card` says so.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup
from bs4.element import Tag

from monitor.model import Article
from monitor.parse.cleantext import parse_html, plain_to_text, tree_to_text
from monitor.parse.dates import parse_datetime

_PREVIEW = re.compile(r"tgme_widget_message\b[^>]*data-post=|data-post=[^>]*tgme_widget_message")
_CARD = re.compile(r'class="tgme_page_action|class="tgme_action_button')
TITLE_CHARS = 120  # a post has no title: its first line, cut at a word


def is_channel_preview(markup: str) -> bool:
    """Whether the page is a channel's message history (its posts' markup)."""
    return bool(_PREVIEW.search(markup))


def channel_card(markup: str) -> bool:
    """Whether the page is a channel's card ("View in Telegram"), shown where a channel has
    no public preview."""
    return bool(_CARD.search(markup)) and "tgme_widget_message" not in markup


def parse_channel(markup: str, feed: str, language: str | None) -> tuple[Article, ...]:
    """The posts of a preview page with words, oldest first (as the page lists them)."""
    soup = parse_html(markup)
    source = _channel_title(soup)
    articles = []
    for block in soup.select("div.tgme_widget_message[data-post]"):
        if "service_message" in (block.get("class") or []):
            continue
        if article := _post(block, source, feed, language):
            articles.append(article)
    return tuple(articles)


def _post(block: Tag, source: str, feed: str, language: str | None) -> Article | None:
    channel, _, post = str(block.get("data-post", "")).partition("/")
    if not channel or not post.isdigit():
        return None
    own = [part for part in (*_texts(block), *_preview(block)) if _words(part)]
    if not own:
        return None  # a photo alone, a sticker, a poll without words
    text = "\n\n".join(part for part in (_forwarded(block), *own) if part)
    moment = block.select_one("a.tgme_widget_message_date time[datetime]")
    when = parse_datetime(str(moment["datetime"])) if moment else None
    return Article(
        title=_title(own[0]),
        text=text,
        url=f"https://t.me/{channel}/{post}",
        guid=f"{channel}/{post}",
        source=source or channel,
        published=when,
        language=language,
        feed=feed,
    )


def _texts(block: Tag) -> list[str]:
    """The post's own text or caption (Telegram marks both js-message_text), line breaks and
    the text of its links kept."""
    found = block.select(".tgme_widget_message_text")
    return [
        tree_to_text(node)
        for node in found
        if not node.find_parent(class_="tgme_widget_message_reply")
    ]


def _preview(block: Tag) -> list[str]:
    """A link preview's site, title and description."""
    preview = block.select_one(".tgme_widget_message_link_preview")
    if preview is None:
        return []
    names = ("link_preview_site_name", "link_preview_title", "link_preview_description")
    return [
        plain_to_text(node.get_text(" "))
        for name in names
        if (node := preview.select_one(f".{name}"))
    ]


def _forwarded(block: Tag) -> str:
    source = block.select_one(".tgme_widget_message_forwarded_from_name")
    return f"Forwarded from {source.get_text(' ').strip()}" if source else ""


def _channel_title(soup: BeautifulSoup) -> str:
    node = soup.select_one(".tgme_channel_info_header_title")
    if node is not None:
        return node.get_text(" ").strip()
    meta = soup.find("meta", attrs={"property": "og:title"})
    return str(meta.get("content", "")).strip() if isinstance(meta, Tag) else ""


def _title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if _words(line)), "")
    if len(first) <= TITLE_CHARS:
        return first
    cut = first.rfind(" ", 0, TITLE_CHARS)
    return first[: cut if cut > TITLE_CHARS // 2 else TITLE_CHARS].rstrip() + "…"


def _words(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]{2}", text))


def older_page(url: str, oldest: int) -> str:
    """The preview page of the posts before `oldest` (the preview's own ?before=<id>)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "before"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("before", str(oldest))])))
