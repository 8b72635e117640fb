"""The main text of an HTML page, as trafilatura (the well-kept library of the field) finds it.

In: decoded HTML, at most MAX_PAGE_MARKUP_CHARS of it. Out: the article's text with paragraphs as
blank lines, or "" when trafilatura finds none. trafilatura is imported on first use: a
poll of feeds alone never pays for it (lxml and its models, about 25 MiB a process).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from monitor.parse.cleantext import plain_to_text
from monitor.parse.limits import MAX_PAGE_MARKUP_CHARS

log = logging.getLogger(__name__)


# trafilatura and its date finder log their own misses ("empty HTML tree", "discarding
# data") as errors. For monitor a page without a main text is an outcome, not an error (the
# page's story element is read instead), so only their critical messages reach the log.
_QUIET = ("trafilatura", "htmldate", "courlan", "justext")


@functools.cache
def _trafilatura() -> Any:
    """trafilatura, imported and quieted once per process."""
    import trafilatura

    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return trafilatura


def main_text(markup: str) -> str:
    try:
        text = _trafilatura().extract(
            markup[:MAX_PAGE_MARKUP_CHARS],
            include_comments=False,
            include_tables=True,
            deduplicate=False,
            favor_recall=True,
        )
    except Exception as exc:  # a library bug on one page must cost only this page's text
        log.warning("trafilatura failed on a page (%s: %s)", type(exc).__name__, exc)
        return ""
    return plain_to_text(text.replace("\n", "\n\n")) if text else ""
