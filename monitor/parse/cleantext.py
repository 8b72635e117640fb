"""Turn markup or raw text into the clean plain text matchers read.

In: an HTML fragment or page (str), or plain text. Out: paragraphs separated by one blank
line, whitespace collapsed, no scripts, styles, navigation or forms; capped in size.
"""

from __future__ import annotations

import html
import re
import warnings
from itertools import islice

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import CData, NavigableString, PageElement, Tag
from bs4.exceptions import ParserRejectedMarkup

from monitor.oneline import one_line
from monitor.parse.limits import MAX_MARKUP_CHARS, MAX_TEXT_CHARS

# Feed fragments often look like a URL or like XML; parsing them as HTML is the intent.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

# Private-use characters mark breaks while the tree is flattened; they are removed from
# the input first, so they cannot be forged.
PARA_MARK = "\ue000"
LINE_MARK = "\ue001"
_MARKS = re.compile(f"[{PARA_MARK}{LINE_MARK}]")
_TAG = re.compile(r"<[^>]*>?")
# bs4 warns about XML when it meets one; an XHTML page or a feed fragment may carry it.
_XML_DECLARATION = re.compile(r"<\?xml[^>]*>", re.IGNORECASE)
_CREDIT = re.compile(
    r"^(?:photo|photos|image|picture|photograph|video|фото|видео|фота)\b\s*:", re.IGNORECASE
)
_MAX_CREDIT_CHARS = 120  # a longer paragraph is a caption worth reading
DROPPED_TAGS = frozenset((
    "script", "style", "noscript", "template", "nav", "form", "button", "iframe",
    "svg", "canvas", "object", "embed", "select", "head", "title", "meta", "link",
))  # fmt: skip
BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote",
    "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "h1", "h2", "h3", "h4",
    "h5", "h6", "figure", "figcaption", "hr", "address", "details", "summary", "center",
))  # fmt: skip
_MARK_RUN = re.compile(f"[{PARA_MARK}{LINE_MARK}][ {PARA_MARK}{LINE_MARK}]*")
_MAX_DEPTH = 64
_CELLS = frozenset(("td", "th"))
_TEXT_TYPES = (NavigableString, CData)


def parse_html(markup: str) -> BeautifulSoup:
    """A tree of at most MAX_MARKUP_CHARS of markup (html.parser: no entity expansion).

    html.parser gives up on some broken declarations ("<![CDATAx"); the text then comes
    from the markup with its tags cut out, which cannot be rejected.
    """
    cleaned = _XML_DECLARATION.sub("", _MARKS.sub("", markup[:MAX_MARKUP_CHARS]))
    try:
        return BeautifulSoup(cleaned, "html.parser")
    except (ParserRejectedMarkup, AssertionError, ValueError):
        stripped = html.unescape(_TAG.sub(" ", cleaned))
        return BeautifulSoup(html.escape(stripped, quote=False), "html.parser")


def html_to_text(markup: str) -> str:
    """The readable text of an HTML fragment, paragraphs kept as blank lines."""
    if "<" not in markup and "&" not in markup:
        return plain_to_text(markup)
    return tree_to_text(parse_html(markup))


def tree_to_text(root: Tag) -> str:
    """The readable text under `root` (dropped tags are removed from the tree first).

    One pass: a string starts a new paragraph when its nearest block ancestor differs
    from the previous string's.
    """
    for tag in root.find_all(DROPPED_TAGS):
        if not tag.decomposed:
            tag.decompose()
    parts: list[str] = []
    last_block: Tag | None = None
    for node in root.descendants:
        if isinstance(node, Tag):
            parts.append(LINE_MARK if node.name == "br" else " " if node.name in _CELLS else "")
        elif type(node) in _TEXT_TYPES:  # not comments, doctypes, processing instructions
            block = _block_of(node, root)
            if block is not last_block:
                parts.append(PARA_MARK)
                last_block = block
            parts.append(str(node))
    return marks_to_text("".join(parts))


def _block_of(node: PageElement, root: Tag) -> Tag:
    """The nearest block ancestor, else `root`; hostile nesting is only followed so far."""
    for parent in islice(node.parents, _MAX_DEPTH):
        if parent is root or parent.name in BLOCK_TAGS:
            return parent
    return root


def plain_to_text(text: str) -> str:
    """Plain text with blank-line paragraphs kept and other whitespace collapsed."""
    unified = _MARKS.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = re.split(r"\n[ \t\f\v\u00a0]*\n", unified)
    return marks_to_text(PARA_MARK.join(paragraphs).replace("\n", LINE_MARK))


def truncate(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """At most `limit` characters, cut at the last paragraph or space before the limit."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n\n", 0, limit)
    if cut < limit // 2:
        cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip()


def marks_to_text(marked: str) -> str:
    """Whitespace collapsed; a run of spaces and marks holding a PARA_MARK becomes a blank
    line, one holding only LINE_MARKs a newline.

    Regexes, not a loop per paragraph: a dense entry has thousands of paragraphs. A run is
    found from its first mark (the search skips straight to marks); the one space that can
    stand before it once whitespace is collapsed goes afterwards: every newline then comes
    from a run, as whitespace was collapsed first.
    """
    text = " ".join(marked.split())  # str.split and the regex \s know the same whitespace
    if PARA_MARK in text or LINE_MARK in text:
        text = _MARK_RUN.sub(_run_break, text).replace(" \n", "\n")
    return truncate(text.strip())


def _run_break(run: re.Match[str]) -> str:
    return "\n\n" if PARA_MARK in run.group() else "\n"


def split_title(text: str, limit: int = 100) -> tuple[str, str]:
    """(title, rest) for an untitled item: a short first paragraph becomes the title;
    a long one is cut at a word for the title and stays in the text."""
    first, _, rest = text.partition("\n\n")
    if len(first) <= limit:
        return one_line(first), rest
    return one_line(first[:limit]).rsplit(" ", 1)[0] + "…", text


def is_credit(line: str) -> bool:
    """Whether a line or paragraph only credits a photo or video ("Photo: AP")."""
    return len(line) < _MAX_CREDIT_CHARS and bool(_CREDIT.match(line.strip()))


def drop_credits(text: str) -> str:
    """Text without paragraphs that only credit a photo or video."""
    return "\n\n".join(p for p in text.split("\n\n") if not is_credit(p))
