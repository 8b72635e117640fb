"""The parse stage: fetched documents in, clean plain-text articles out.

In: a Document (feed, HTML page or plain-text article, as bytes). Out: a tuple of Articles.
See limits.py for the bounds that keep hostile input cheap.
"""

from monitor.parse.document import parse_document
from monitor.parse.identity import canonical_url
from monitor.parse.ttl import feed_ttl

__all__ = ["canonical_url", "feed_ttl", "parse_document"]
