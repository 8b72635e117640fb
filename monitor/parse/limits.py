"""The bounds that keep parsing cheap on hostile or huge input.

In: nothing. Out: constants read by the parse modules (sizes in bytes or characters), and
the warning that says when a feed was cut at one of them.
"""

import logging

log = logging.getLogger(__name__)

# Bodies larger than this are cut before parsing (a cut feed still yields its first items).
MAX_BODY_BYTES = 16 * 1024 * 1024
# Entries read from one feed; the rest are ignored (feeds normally carry 10-100).
MAX_ENTRIES = 1_000
# Plain text kept per article, in characters; the text is cut at a paragraph end.
MAX_TEXT_CHARS = 200_000
# Markup handed to the HTML parser per entry or page, in characters.
MAX_MARKUP_CHARS = 1_000_000
# Markup per document that goes through BeautifulSoup (1.5-5 s per MB, by tag density);
# past it, entries are converted by quicktext's string search instead.
MAX_MARKUP_PER_DOCUMENT = 1_000_000
# Internal DTD entities survive only if short and literal: expansion stays within ~20x.
MAX_ENTITY_VALUE_CHARS = 64
MAX_ENTITIES_KEPT = 256


def warn_if_cut(items: int, feed: str) -> None:
    """Say so when a feed carries more items than are read: nothing is dropped silently."""
    if items > MAX_ENTRIES:
        log.warning(
            "the feed has %d items; only the first %d are read (raise the feed's polling "
            "frequency if it publishes this much between polls)",
            items,
            MAX_ENTRIES,
            extra={"feed": feed},
        )
