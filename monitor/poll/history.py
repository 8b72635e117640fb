"""Telegram channels read back to the last post already stored, before anything is stored: a
channel preview's newest page of posts in, with the posts of the older pages it needs out.

A preview page shows the newest 20 posts; more may have arrived since the last poll. While no
post of the page read last is stored, the page before it (`?before=<oldest id>`) is fetched
too, through the Fetcher, as the feed itself is. A channel polled for the first time is read
back only so far: `history_posts` posts or `history` time (per feed; 100 posts, 7 days).
The older pages are given back too, by the key of each post read from them: the evidence of
their matches.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from monitor.errors import ParseError
from monitor.fetch import Fetcher
from monitor.model import Article, Document, Feed, FetchStatus

log = logging.getLogger(__name__)

MAX_PAGES = 50  # 1,000 posts in one poll at most; the older ones are read at the next


# A post's permanent link, as the channel reader (parse/telegram.py) gives each post.
POST_URL = re.compile(r"^https://t\.me/(\w+)/(\d+)$")


def post_ids(articles: Sequence[Article]) -> list[int] | None:
    """The channel post numbers of the articles, or None unless all are channel posts."""
    found = [POST_URL.match(a.url or "") for a in articles]
    if not found or not all(found):
        return None
    return [int(m.group(2)) for m in found if m]


def with_history(
    articles: Sequence[Article],
    feed: Feed,
    url: str,
    fetcher: Fetcher,
    known: Callable[[Sequence[Article]], Collection[str]],
    since: datetime | None,
) -> tuple[tuple[Article, ...], dict[str, Document]]:
    """The newest page's posts with the older ones this poll needs, and the older pages by
    the keys of their posts. `known` gives the keys of stored articles; `since` is set on a
    channel's first poll: read no further back."""
    page, collected = list(articles), list(articles)
    pages: dict[str, Document] = {}
    for _ in range(MAX_PAGES):
        ids = post_ids(page)
        if not ids or known(page):
            return tuple(collected), pages  # not a channel, or reached what is stored
        if since is not None and (len(collected) >= feed.history_posts or _before(page, since)):
            return tuple(_bounded(collected, feed, since)), pages
        page, document = _older(feed, url, min(ids), fetcher)
        if document is not None:
            pages.update(dict.fromkeys((post.key for post in page), document))
        collected = page + collected
    log.warning("more than %d pages of new posts; the rest at the next poll", MAX_PAGES,
                extra={"feed": feed.name})  # fmt: skip
    return tuple(collected), pages


def _older(
    feed: Feed, url: str, oldest: int, fetcher: Fetcher
) -> tuple[list[Article], Document | None]:
    """The posts of the page before post `oldest` and that page ([] and None if it cannot
    be read: logged)."""
    from monitor.parse import older_page, parse_document  # the parse stack, when paging

    page_url = older_page(url, oldest)
    [(_, result)] = list(fetcher.fetch_many([(page_url, None)]))
    context = {"feed": feed.name, "url": page_url}
    if result.status is not FetchStatus.OK or not result.documents:
        log.warning("older posts not read (%s)", result.error or result.status.value, extra=context)
        return [], None
    document = result.documents[0]
    try:
        posts = parse_document(document, feed=feed.name, language=feed.language)
    except ParseError as exc:
        log.warning("older posts not read (%s)", exc, extra=context)
        return [], None
    ids = post_ids(posts) or []
    return [post for post, number in zip(posts, ids, strict=False) if number < oldest], document


def _before(page: Sequence[Article], since: datetime) -> bool:
    dates = [a.published for a in page if a.published]
    return bool(dates) and min(dates) < since


def _bounded(posts: list[Article], feed: Feed, since: datetime) -> list[Article]:
    """A first poll's posts: the newest `history_posts`, none older than `since`."""
    recent = [a for a in posts if a.published is None or a.published >= since]
    return recent[-feed.history_posts :]
