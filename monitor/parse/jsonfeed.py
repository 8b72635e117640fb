"""JSON Feed 1.0/1.1 documents to articles.

In: decoded JSON text. Out: a tuple of Articles (empty if the feed has no items), or None
when the text is not a JSON object with an `items` list or a jsonfeed.org version.
"""

from __future__ import annotations

import json
from typing import Any

from monitor.model import Article
from monitor.oneline import one_line
from monitor.parse.cleantext import plain_to_text
from monitor.parse.dates import parse_datetime
from monitor.parse.entry import Entry, build_article
from monitor.parse.quicktext import MarkupBudget


def parse_json_feed(text: str, feed: str, language: str | None) -> tuple[Article, ...] | None:
    """Articles of a JSON Feed; None if the text is not one."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not _is_json_feed(data):
        return None
    items = data.get("items")
    source = one_line(_str(data.get("title")))
    lang = language or _str(data.get("language")) or None
    budget = MarkupBudget()
    items = items if isinstance(items, list) else []
    articles = (
        _item_article(item, source=source, feed=feed, language=lang, budget=budget)
        for item in items  # every one: the body cap bounds the work
        if isinstance(item, dict)
    )
    return tuple(article for article in articles if article is not None)


def _is_json_feed(data: dict[str, Any]) -> bool:
    return "jsonfeed.org" in _str(data.get("version")) or isinstance(data.get("items"), list)


def _item_article(
    item: dict[str, Any], *, source: str, feed: str, language: str | None, budget: MarkupBudget
) -> Article | None:
    html = _str(item.get("content_html"))
    text = budget.to_text(html) if html else plain_to_text(_str(item.get("content_text")))
    found = Entry(
        title=one_line(_str(item.get("title"))),
        text=text or plain_to_text(_str(item.get("summary"))),
        link=_str(item.get("url")) or _str(item.get("external_url")),
        guid=_guid(item.get("id")),
        author=_author(item),
        published=parse_datetime(_str(item.get("date_published"))),
        updated=parse_datetime(_str(item.get("date_modified"))),
        language=_str(item.get("language")) or language,
        empty=not item,
    )
    return build_article(found, source=source, feed=feed)


def _author(item: dict[str, Any]) -> str | None:
    """Names from 1.1 `authors` (a list) or 1.0 `author` (one object), comma-joined."""
    people = item.get("authors")
    if not isinstance(people, list):
        people = [item.get("author")]
    names = [one_line(_str(p.get("name"))) for p in people if isinstance(p, dict)]
    return ", ".join(name for name in names if name) or None


def _guid(value: object) -> str | None:
    """The item id; the spec says string, but numbers are common in the wild."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value) or None


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""
