"""The bounds that keep parsing cheap on hostile or huge input.

In: nothing. Out: constants read by the parse modules (sizes in bytes or characters). A
feed's items are not counted: every item within the body cap is read, however many (a cap
on items would leave the rest of a long, unchanging feed unread for good).
"""

# Bodies larger than this are cut before parsing (a cut feed still yields its first items).
MAX_BODY_BYTES = 16 * 1024 * 1024
# Plain text kept per article, in characters; the text is cut at a paragraph end.
MAX_TEXT_CHARS = 200_000
# Markup handed to the HTML parser per entry or page, in characters.
MAX_MARKUP_CHARS = 1_000_000
# A page's markup handed to trafilatura (lxml parses a megabyte in about 20 ms; pages
# carrying inline scripts and styles reach 1.5 MB before the article starts).
MAX_PAGE_MARKUP_CHARS = 8_000_000
# Markup per document that goes through BeautifulSoup (1.5-5 s per MB, by tag density);
# past it, entries are converted by quicktext's string search instead.
MAX_MARKUP_PER_DOCUMENT = 1_000_000
# Internal DTD entities survive only if short and literal: expansion stays within ~20x.
MAX_ENTITY_VALUE_CHARS = 64
MAX_ENTITIES_KEPT = 256
