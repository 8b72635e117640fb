"""Plain-text article files (a copied web page) to one article.

In: decoded text. Out: an Article whose title is the first line that is not metadata.
Metadata lines: a timestamp ("Updated at 13:52,22-04-2024": UTC unless a zone is given),
a short publisher line right after the title ("RFE/RL": the source), a "By ..." byline,
and photo credits ("Photo: ...", dropped). A repeat of the title in the body is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from monitor.model import Article
from monitor.oneline import one_line
from monitor.parse.cleantext import is_credit, truncate
from monitor.parse.dates import parse_datetime

_STAMP = re.compile(
    r"^(?P<kind>updated|modified|published|posted|date|обновлено|опубликовано|дата)"
    r"(?:\s+(?:at|on))?\s*:?\s*(?P<when>.*\d.*)$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:by|автор:?)\s+(?P<name>[^\d]{2,80})$", re.IGNORECASE)
_UPDATE_WORDS = ("updated", "modified", "обновлено")
_PUBLISHER_MAX_CHARS = 40
_PUBLISHER_MAX_WORDS = 4
_WRAP_MIN, _WRAP_MAX = 40, 100  # widths of hand- or tool-wrapped text lines


@dataclass
class _Header:
    """What the metadata lines said, gathered while the lines are read."""

    title: str = ""
    source: str = ""
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    body: list[str] = field(default_factory=list)


def parse_plain(text: str, feed: str, language: str | None) -> Article | None:
    """One article from plain text; None if there is no line to use as a title."""
    header = _Header()
    for line in _lines(text):
        _take(header, line)
    if not header.title:
        return None
    return Article(
        title=header.title,
        text=truncate(_paragraphs(header.body, header.title)),
        source=header.source,
        author=header.author,
        published=header.published or header.updated,
        updated=header.updated,
        language=language,
        feed=feed,
    )


def read_stamp(line: str) -> tuple[str, datetime] | None:
    """("updated" or "published", when) for a timestamp line, else None."""
    found = _STAMP.match(line.strip())
    when = parse_datetime(found["when"]) if found else None
    if found is None or when is None:
        return None
    kind = "updated" if found["kind"].lower() in _UPDATE_WORDS else "published"
    return kind, when


def _lines(text: str) -> list[str]:
    """Lines with whitespace collapsed; "" stands for a paragraph break."""
    return [one_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _take(header: _Header, line: str) -> None:
    """File one line under metadata, title or body."""
    stamp = read_stamp(line) if len(line) < 80 else None
    byline = _BYLINE.match(line) if not header.body else None
    if stamp and not getattr(header, stamp[0]):
        setattr(header, stamp[0], stamp[1])
    elif byline and header.author is None:
        header.author = byline["name"].strip()
    elif is_credit(line) or (not header.title and not line):
        return
    elif not header.title:
        header.title = line
    elif _is_publisher(header, line):
        header.source = line
    else:
        header.body.append(line)


def _is_publisher(header: _Header, line: str) -> bool:
    """A short name-like line before any body text, e.g. "RFE/RL" or "Nasha Niva"."""
    if header.source or any(header.body) or not line or line == header.title:
        return False
    short = len(line) <= _PUBLISHER_MAX_CHARS and len(line.split()) <= _PUBLISHER_MAX_WORDS
    return short and not line.endswith((".", "!", "?", ":", ",", ";"))


def _paragraphs(lines: list[str], title: str) -> str:
    """Body paragraphs from blank-line blocks, the title repeat dropped."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line and line != title:
            blocks[-1].append(line)
        elif not line and blocks[-1]:
            blocks.append([])
    return "\n\n".join(paragraph for block in blocks for paragraph in _unwrap(block))


def _unwrap(block: list[str]) -> list[str]:
    """A hard-wrapped block (lines of similar width) is one paragraph; else one per line."""
    wrapped = len(block) > 1 and all(_WRAP_MIN <= len(line) <= _WRAP_MAX for line in block[:-1])
    return [" ".join(block)] if wrapped else block
