"""A cheap markup-to-text path: for simple feed descriptions, and for documents too large
for BeautifulSoup within budget.

In: HTML fragments. Out: the same kind of plain text as text.html_to_text (paragraphs as
blank lines, scripts and styles dropped), made with string search and regexes, linear time.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from monitor.parse.cleantext import BLOCK_TAGS, LINE_MARK, PARA_MARK, html_to_text, marks_to_text
from monitor.parse.limits import MAX_MARKUP_CHARS, MAX_MARKUP_PER_DOCUMENT

_SKIPPED = ("script", "style", "noscript", "template", "svg", "nav", "form", "button",
            "iframe", "select", "object", "canvas")  # fmt: skip
_SKIPPED_START = re.compile(rf"<({'|'.join(_SKIPPED)})\b")
_BLOCK = re.compile(rf"</?(?:{'|'.join(sorted(BLOCK_TAGS))})\b[^>]*>", re.IGNORECASE)
_BREAK = re.compile(r"<br\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


@dataclass
class MarkupBudget:
    """How much markup one document may still send through BeautifulSoup (the slow path)."""

    remaining: int = MAX_MARKUP_PER_DOCUMENT

    def to_text(self, markup: str) -> str:
        if is_simple(markup) or len(markup) > self.remaining:
            return strip_markup(markup)
        self.remaining -= len(markup)
        return html_to_text(markup)


# Tags whose text strip_markup renders exactly as BeautifulSoup does (checked against every
# description of the parse corpus and the seeds in tests/test_parse.py).
SIMPLE_TAGS = frozenset(
    (
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "cite",
        "code",
        "div",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "u",
        "ul",
    )
)
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
_BARE_AMP = re.compile(r"&(?![A-Za-z]+;|#\d+;|#x[0-9A-Fa-f]+;)")


def is_simple(markup: str) -> bool:
    """True for the everyday feed description (paragraphs, links, emphasis, images), which
    the cheap path turns into the same text as BeautifulSoup at a sixth of the cost."""
    if "<" not in markup or markup.count("<") != markup.count(">") or _BARE_AMP.search(markup):
        return False
    leftover = _ANY_TAG.sub("", markup)
    if "<" in leftover or ">" in leftover:
        return False
    return all(name.lower() in SIMPLE_TAGS for _, name in _ANY_TAG.findall(markup))


def strip_markup(markup: str) -> str:
    """Plain text of an HTML fragment without building a tree."""
    text = _drop_skipped(markup[:MAX_MARKUP_CHARS].replace(PARA_MARK, "").replace(LINE_MARK, ""))
    text = _BREAK.sub(LINE_MARK, _BLOCK.sub(PARA_MARK, text))
    text = html.unescape(_TAG.sub("", text))
    return marks_to_text(text)


def _drop_skipped(markup: str) -> str:
    """Without <script>, <style>... elements; an unclosed one runs to the end."""
    lowered, pos = markup.lower(), 0
    kept: list[str] = []
    while start := _SKIPPED_START.search(lowered, pos):
        kept.append(markup[pos : start.start()])
        end = lowered.find(f"</{start[1]}", start.end())
        pos = len(markup) if end < 0 else (lowered.find(">", end) + 1 or len(markup))
    return "".join([*kept, markup[pos:]])
