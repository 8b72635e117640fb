"""A fetch's documents parsed at once, as a poll's worker processes do
(monitor/match/documents.py).

In: a FetchResult's documents with their feed's name and language. Out: a ParsedFeed (each
document's articles or its ParseError, and the feed's <ttl> hint).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from monitor.errors import ParseError
from monitor.model import Article, Document
from monitor.parse.document import parse_document
from monitor.parse.ttl import feed_ttl

log = logging.getLogger(__name__)

# A document's outcome: its articles, or why it could not be parsed (logged by the caller).
Parsed = tuple[Article, ...] | ParseError


@dataclass(frozen=True)
class ParsedFeed:
    """What one fetch's documents hold: an outcome per document, and the feed's TTL hint."""

    outcomes: tuple[Parsed, ...]
    ttl: timedelta | None = None


def parse_documents(documents: Sequence[Document], feed: str, language: str | None) -> ParsedFeed:
    """parse_document for each document; runs in a worker, so the articles' derived values
    (key, hashes, fingerprint) are computed there too and travel back with them."""
    parsed: list[Parsed] = []
    for document in documents:
        try:
            articles = parse_document(document, feed=feed, language=language)
        except ParseError as exc:
            parsed.append(exc)
            continue
        for article in articles:
            _ = (article.key, article.content_hash, article.fingerprint)
        parsed.append(articles)
    ttls = [ttl for document in documents if (ttl := feed_ttl(document))]
    return ParsedFeed(tuple(parsed), max(ttls, default=None))
