"""A feed's own polling hint: RSS `<ttl>` (minutes), read from the document's head.

In: a Document. Out: a timedelta, or None when the feed gives no (sane) TTL. A byte search
of the first 64 KiB, not a parse: the channel's ttl precedes its items, and this runs
before parsing on every fetch.
"""

from __future__ import annotations

import re
from datetime import timedelta

from monitor.model import Document

_TTL = re.compile(rb"<ttl>\s*(\d{1,6})\s*</ttl>", re.IGNORECASE)
HEAD = 64 * 1024


def feed_ttl(doc: Document) -> timedelta | None:
    match = _TTL.search(doc.body, 0, HEAD)
    if match is None or int(match[1]) == 0:
        return None
    return timedelta(minutes=int(match[1]))
