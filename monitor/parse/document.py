"""Any fetched document to articles: sniff what it is, decode it, hand it to its reader.

In: a Document (bytes plus the transport's hints). Out: a tuple of Articles; ParseError
when nothing at all can be made of it. No other exception escapes.
"""

from __future__ import annotations

import codecs
import enum
import logging
import re
from dataclasses import replace

from monitor.errors import ParseError
from monitor.model import Article, Document
from monitor.parse.charset import decode, meta_charset, wide_encoding, xml_encoding
from monitor.parse.feed import parse_feed
from monitor.parse.jsonfeed import parse_json_feed
from monitor.parse.limits import MAX_BODY_BYTES
from monitor.parse.page import parse_page
from monitor.parse.plaintext import parse_plain
from monitor.parse.telegram import channel_card, is_channel_preview, parse_channel

logger = logging.getLogger(__name__)

_SNIFF_BYTES = 4096
_FEED_ROOT = re.compile(r"<(?:[\w-]+:)?(?:rss|feed|rdf|channel)[\s>/]")
_HTML_ROOT = re.compile(r"<(?:html|head|body)[\s>/]|<!doctype\s+html")
_JSON_START = re.compile(r"\{|\[\s*[\[\]{\"\d-]")  # not "[Updated] ..." in a text file
_CONTROL_BYTES = frozenset(range(9)) | frozenset(range(14, 32))
_MAX_CONTROL_SHARE = 0.1


class Kind(enum.Enum):
    FEED = "feed"  # RSS or Atom
    JSON = "json"  # JSON Feed
    HTML = "html"  # one article page
    TEXT = "text"  # one plain-text article


def parse_document(
    doc: Document, *, feed: str = "", language: str | None = None
) -> tuple[Article, ...]:
    """The articles in `doc`. `language`, if given, wins over what the document declares;
    either is reduced to its primary subtag ("ru-RU" -> "ru")."""
    try:
        return _parse(doc, feed, language)
    except ParseError:
        raise
    except Exception as error:  # a reader bug must cost one document, not the whole poll
        logger.warning("parse failed unexpectedly", exc_info=True, extra={"feed": feed})
        message = f"{doc.location}: cannot parse ({type(error).__name__}: {error})"
        raise ParseError(message) from error


def sniff(body: bytes, content_type: str | None = None) -> Kind:
    """What the bytes are: markup roots and JSON braces first, the media type as a tie-break."""
    start = body[:_SNIFF_BYTES].removeprefix(codecs.BOM_UTF8)
    head = start.decode(wide_encoding(body) or "latin-1", errors="replace")
    head = head.lstrip("\ufeff \t\r\n").lower()
    media = (content_type or "").lower()
    feed_at, html_at = _position(_FEED_ROOT, head), _position(_HTML_ROOT, head)
    if _JSON_START.match(head):
        return Kind.JSON
    if feed_at < html_at:
        return Kind.FEED
    if html_at < len(head) or (head.startswith("<") and "html" in media):
        return Kind.HTML
    if head.startswith("<"):
        return Kind.FEED  # some other XML: feedparser says whether it is a feed
    return Kind.JSON if "json" in media else Kind.TEXT


def _position(pattern: re.Pattern[str], head: str) -> int:
    found = pattern.search(head)
    return found.start() if found else len(head) + 1


def _parse(doc: Document, feed: str, language: str | None) -> tuple[Article, ...]:
    body = doc.body[:MAX_BODY_BYTES]  # fetch has decompressed it already
    if not body.strip():
        raise ParseError(f"{doc.location}: the document is empty")
    if _looks_binary(body):
        raise ParseError(f"{doc.location}: binary content, not a feed, page or text")
    kind = sniff(body, doc.content_type)
    articles = _read(kind, body, doc, feed, language)
    if articles is None:
        raise ParseError(f"{doc.location}: no {kind.value} could be read from the document")
    return tuple(replace(a, language=primary_language(a.language)) for a in articles)


def primary_language(tag: str | None) -> str | None:
    """The primary subtag of a language tag, lowercased: "ru-RU" and "RU" -> "ru".

    Matchers choose inflection rules by language, not by region.
    """
    primary = (tag or "").strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and len(primary) <= 8 else None


def document_text(doc: Document) -> str:
    """The document's bytes as text, decoded as its reader decodes them: the charset HTTP
    declared, else the document's own (XML declaration, <meta>), UTF-8, a guess."""
    return decode(doc.body, (doc.charset, xml_encoding(doc.body) or meta_charset(doc.body)))


def _read(
    kind: Kind, body: bytes, doc: Document, feed: str, language: str | None
) -> tuple[Article, ...] | None:
    """Dispatch to the reader for `kind`; None if that reader finds nothing."""
    if kind is Kind.FEED:
        text = decode(body, (doc.charset, xml_encoding(body)))
        return parse_feed(text, doc.location, feed, language)
    if kind is Kind.HTML:
        text = decode(body, (doc.charset, meta_charset(body)))
        if is_channel_preview(text):
            return parse_channel(text, feed, language)
        if channel_card(text):
            raise ParseError(
                f"{doc.location}: a Telegram channel without a public preview (the page is "
                "the channel's card, not its posts)"
            )
        return _one(parse_page(text, doc.location, feed, language))
    text = decode(body, (doc.charset,))
    if kind is Kind.JSON:
        return parse_json_feed(text, feed, language)
    return _one(parse_plain(text, feed, language))


def _one(article: Article | None) -> tuple[Article, ...] | None:
    return None if article is None else (article,)


def _looks_binary(body: bytes) -> bool:
    """NUL or control bytes in the head of a body that is not UTF-16/32 text."""
    if wide_encoding(body):
        return False
    head = body[:1024]
    controls = sum(byte in _CONTROL_BYTES for byte in head)
    return b"\x00" in head or controls > _MAX_CONTROL_SHARE * len(head)
