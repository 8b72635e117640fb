"""The one Article builder of the feed readers (feedparser entries, JSON Feed items and
salvaged items): the fields a reader found in one item in, an Article out.

Every format gets the same fallbacks: an untitled item takes its first paragraph as title,
the link is canonicalised, `published` falls back to `updated` (Atom often gives only that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from monitor.model import Article
from monitor.parse.cleantext import split_title
from monitor.parse.identity import canonical_url


@dataclass(frozen=True)
class Entry:
    """What a reader found in one item; text fields already clean, "" when absent."""

    title: str = ""
    text: str = ""
    link: str = ""
    guid: str | None = None
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    language: str | None = None
    # The item had nothing in it at all. One with only an author, a date or a category is
    # kept: it is in the feed, and dropping it would hide what the feed carries.
    empty: bool = False


def build_article(entry: Entry, *, source: str, feed: str) -> Article | None:
    """The Article of one item; None only for an empty item."""
    if entry.empty:
        return None
    title, text = entry.title, entry.text
    if not title:
        title, text = split_title(text)
    link = entry.link.strip()
    return Article(
        title=title or canonical_url(link),
        text=text,
        url=canonical_url(link) if link else None,
        guid=entry.guid or None,
        source=source,
        author=entry.author or None,
        published=entry.published or entry.updated,
        updated=entry.updated,
        language=entry.language,
        feed=feed,
    )
