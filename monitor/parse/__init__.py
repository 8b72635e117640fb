"""The parse stage: fetched documents in, clean plain-text articles out.

In: a Document (feed, HTML page or plain-text article, as bytes). Out: a tuple of Articles;
`parse_documents` does a fetch's documents at once (and reads the feed's <ttl>), and
`ParsePool` runs it in worker processes. See limits.py for the bounds on hostile input.
"""

from monitor.parse.document import parse_document
from monitor.parse.identity import canonical_url
from monitor.parse.workers import Parsed, ParsedFeed, ParsePool, parse_documents

__all__ = [
    "ParsePool",
    "Parsed",
    "ParsedFeed",
    "canonical_url",
    "parse_document",
    "parse_documents",
]
