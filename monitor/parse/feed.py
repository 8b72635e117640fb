"""RSS 0.9x/1.0/2.0 and Atom feeds to articles, through feedparser on bytes only.

In: the feed as decoded text and where it came from. Out: a tuple of Articles (empty for a
feed without entries), or None when feedparser recognises no feed in the text at all.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from typing import Any

import feedparser

from monitor.model import Article
from monitor.oneline import one_line
from monitor.parse.cleantext import drop_credits, html_to_text, plain_to_text
from monitor.parse.dates import from_struct
from monitor.parse.entry import Entry, build_article
from monitor.parse.fastfeed import FeedDicts, read_feed
from monitor.parse.quicktext import MarkupBudget
from monitor.parse.safexml import neutralise_dtd
from monitor.parse.salvage import salvage_feed

logger = logging.getLogger(__name__)
_CHARREF = re.compile(r"&#([xX][0-9a-fA-F]+|[0-9]+);")
_MAX_CHARREF_DIGITS = 8  # longer ones cannot be valid, and int() refuses 4,300+ digits
_MAX_CODE_POINT = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)  # no character of their own; UTF-8 cannot encode them
_DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]{0,200}?encoding\s*=\s*["'])[^"']*""")


def parse_feed(
    text: str, location: str, feed: str, language: str | None
) -> tuple[Article, ...] | None:
    """Articles of an RSS or Atom feed; None if the text is no feed feedparser knows.

    Well-formed everyday RSS 2.0 and Atom take fastfeed's reader (the same dicts feedparser
    would make, ~10x cheaper); anything it declines goes through feedparser.
    """
    try:
        xml = to_safe_xml(text)
        found = _fast(xml, location, feed) or read_with_feedparser(xml, location)
    except Exception:  # its namespace handlers crash on some malformed input (KeyError...)
        logger.info("feedparser failed, salvaging items", exc_info=True, extra={"feed": feed})
        return salvage_feed(text, feed, language) or None
    return None if found is None else feed_articles(found, feed, language)


def feed_articles(found: FeedDicts, feed: str, language: str | None) -> tuple[Article, ...]:
    """The articles of a feed read by fastfeed or feedparser (the same builder for both)."""
    channel = found.channel
    source = _detail_text(channel, "title")
    lang = language or _str(channel.get("language")) or None
    budget = MarkupBudget()
    articles = (
        entry_article(entry, source=source, feed=feed, language=lang, budget=budget)
        for entry in found.entries  # every one: the body cap bounds the work
    )
    return tuple(article for article in articles if article is not None)


def _fast(xml: bytes, location: str, feed: str) -> FeedDicts | None:
    """fastfeed's reading; None where it declines, and where it fails (a bug must only
    cost the fast path)."""
    try:
        return read_feed(xml, location)
    except Exception:
        logger.warning("the fast feed reader failed", exc_info=True, extra={"feed": feed})
        return None


def read_with_feedparser(xml: bytes, location: str) -> FeedDicts | None:
    """feedparser on a stream (a bytes or str argument may be fetched or opened as a path);
    None if it recognises no feed at all.

    Its HTML sanitiser and link rewriting are off: we keep plain text only, and together
    they cost 100x the parse itself on large entries.
    """
    parsed = feedparser.parse(
        io.BytesIO(xml),
        response_headers=_headers(location),
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not (parsed.get("version") or parsed.get("entries") or parsed.get("feed")):
        return None
    return FeedDicts(parsed.get("feed", {}), parsed.get("entries", []))


def to_safe_xml(text: str) -> bytes:
    """UTF-8 bytes that say so, every DOCTYPE reduced to short literal entities, and no
    character reference to a code point that cannot exist (feedparser's chr() fails)."""
    relabelled = _DECLARED_ENCODING.sub(r"\g<1>utf-8", text, count=1)
    repaired = _CHARREF.sub(_valid_charref, relabelled)
    return neutralise_dtd(repaired.encode("utf-8", errors="replace"))


def _valid_charref(found: re.Match[str]) -> str:
    digits = found[1]
    if len(digits) > _MAX_CHARREF_DIGITS:
        return "&#xFFFD;"
    code = int(digits[1:], 16) if digits[0] in "xX" else int(digits)
    valid = 0 < code <= _MAX_CODE_POINT and not _SURROGATES[0] <= code <= _SURROGATES[1]
    return found[0] if valid else "&#xFFFD;"


def entry_article(
    entry: dict[str, Any], *, source: str, feed: str, language: str | None, budget: MarkupBudget
) -> Article | None:
    """One feedparser entry as an Article; None only for an empty entry."""
    # dict.get: FeedParserDict's own get() answers `updated` with `published` (deprecated)
    found = Entry(
        title=_detail_text(entry, "title"),
        text=_entry_text(entry, budget),
        link=_str(entry.get("link")),
        guid=_str(entry.get("id")) or None,
        author=one_line(_str(entry.get("author"))) or None,
        published=from_struct(dict.get(entry, "published_parsed")),
        updated=from_struct(dict.get(entry, "updated_parsed")),
        language=_str(entry.get("language")) or language,
        empty=not entry,
    )
    return build_article(found, source=source, feed=feed)


def _entry_text(entry: dict[str, Any], budget: MarkupBudget) -> str:
    """The fullest body: the longest <content>, else the summary/description."""
    details = [d for d in entry.get("content", []) if isinstance(d, dict)]
    if entry.get("summary"):
        details.append(entry.get("summary_detail") or {"value": entry["summary"]})
    best = max(details, key=lambda d: len(_str(d.get("value"))), default=None)
    if best is None:
        return ""
    return _markup_to_text(_str(best.get("value")), _str(best.get("type")), budget.to_text)


def _detail_text(node: dict[str, Any], key: str) -> str:
    """A one-line text field (title), markup removed when feedparser says it is HTML."""
    detail = node.get(f"{key}_detail") or {}
    raw = _str(node.get(key))
    return one_line(_markup_to_text(raw, _str(detail.get("type")), html_to_text))


def _markup_to_text(value: str, media_type: str, convert: Callable[[str], str]) -> str:
    if "html" in media_type or not media_type:
        return drop_credits(convert(value))
    return plain_to_text(value)


def _headers(location: str) -> dict[str, str]:
    """What feedparser would have learnt from HTTP: the charset (we re-encoded) and the base."""
    headers = {"content-type": "application/xml; charset=utf-8"}
    if location.startswith(("http://", "https://")):
        headers["content-location"] = location
    return headers


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""
