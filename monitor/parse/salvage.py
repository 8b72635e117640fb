"""A last resort for feeds that crash feedparser: items cut out by plain string search.

In: feed text on which feedparser raised. Out: Articles built from the common RSS/Atom
elements (title, link, guid/id, description/content, dates, author); () if none is found.
Every search starts where the last one ended, so the cost stays linear in the input.
"""

from __future__ import annotations

import html
import re

from monitor.model import Article
from monitor.oneline import one_line
from monitor.parse.cleantext import html_to_text
from monitor.parse.dates import parse_datetime
from monitor.parse.entry import Entry, build_article
from monitor.parse.quicktext import MarkupBudget

_ITEM_START = re.compile(r"<(?:[\w-]+:)?(item|entry)[\s>]", re.IGNORECASE)
_HREF = re.compile(r"""<(?:[\w-]+:)?link\b[^>]*?\bhref\s*=\s*["']([^"']+)""", re.IGNORECASE)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)(?:\]\]>|$)", re.DOTALL)
TEXT_ELEMENTS = ("content:encoded", "content", "description", "summary")
PUBLISHED_ELEMENTS = ("pubDate", "published", "dc:date", "issued")
UPDATED_ELEMENTS = ("updated", "modified")


def salvage_feed(text: str, feed: str, language: str | None) -> tuple[Article, ...]:
    """Articles of the <item>/<entry> blocks of `text`, read without an XML parser."""
    first = _ITEM_START.search(text)
    source = one_line(_element(text[: first.start()] if first else text, ("title",)))
    blocks = _blocks(text)
    budget = MarkupBudget()
    articles = (_article(block, source, feed, language, budget) for block in blocks)
    return tuple(article for article in articles if article is not None)


def _blocks(text: str) -> list[str]:
    """The bodies of the item or entry elements (an unclosed one: to the end)."""
    found: list[str] = []
    pos = 0
    while start := _ITEM_START.search(text, pos):
        end = _find_close(text, start[1], start.end())
        found.append(text[start.end() : end])
        pos = end
    return found


def _find_close(text: str, name: str, start: int) -> int:
    close = re.compile(rf"</(?:[\w-]+:)?{name}\s*>", re.IGNORECASE).search(text, start)
    return close.start() if close else len(text)


def _element(block: str, names: tuple[str, ...]) -> str:
    """Text of the first of `names` present in `block`, entities and CDATA resolved."""
    for name in names:
        start = re.search(rf"<{re.escape(name)}(?:\s[^>]*)?>", block, re.IGNORECASE)
        if start is None:
            continue
        close = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE).search(block, start.end())
        raw = block[start.end() : close.start() if close else len(block)]
        cdata = _CDATA.search(raw)
        value = cdata[1] if cdata else html.unescape(raw)
        if value.strip():
            return value
    return ""


def _article(
    block: str, source: str, feed: str, language: str | None, budget: MarkupBudget
) -> Article | None:
    href = _HREF.search(block)
    link = one_line(_element(block, ("link",))) or (html.unescape(href[1]) if href else "")
    found = Entry(
        title=one_line(html_to_text(_element(block, ("title",)))),
        text=budget.to_text(_element(block, TEXT_ELEMENTS)),
        link=link,
        guid=one_line(_element(block, ("guid", "id"))) or None,
        author=one_line(html_to_text(_element(block, ("dc:creator", "name", "author")))) or None,
        published=parse_datetime(_element(block, PUBLISHED_ELEMENTS)),
        updated=parse_datetime(_element(block, UPDATED_ELEMENTS)),
        language=language,
        empty=not block.strip(),
    )
    return build_article(found, source=source, feed=feed)
