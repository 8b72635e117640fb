"""The parse stage: fetched documents in, clean plain-text articles out.

In: a Document (feed, HTML page or plain-text article, as bytes). Out: a tuple of Articles;
`parse_documents` does a fetch's documents at once (and reads the feed's <ttl>); a poll
runs it in worker processes (monitor/match/documents.py, started by monitor/poll/pool.py).
See limits.py for the bounds on hostile input.
"""

from monitor.parse.document import document_text, parse_document
from monitor.parse.fetched import Parsed, ParsedFeed, parse_documents
from monitor.parse.identity import canonical_url
from monitor.parse.telegram import older_page

__all__ = [
    "Parsed",
    "ParsedFeed",
    "canonical_url",
    "document_text",
    "older_page",
    "parse_document",
    "parse_documents",
]
