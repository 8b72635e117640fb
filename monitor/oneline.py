"""Text made safe for one line: titles, names, subjects and mail headers.

In: any string. Out: the same words on one line: control characters, line breaks and
Unicode line/paragraph separators become spaces and runs of space collapse, so no article
text can start a new header or a new line in a digest.
"""

from __future__ import annotations

import re

# C0/C1 controls and Unicode line/paragraph separators: none may reach a header or a line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")


def one_line(text: str) -> str:
    """'A\\r\\nBcc: x' -> 'A Bcc: x'; surrounding space stripped."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def shorten(text: str, limit: int) -> str:
    """Cut at the last ', ' (else space) that fits and end with '…'."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    for separator in (", ", " "):
        if (at := head.rfind(separator)) > limit // 2:
            return head[:at] + (", …" if separator == ", " else " …")
    return head + "…"
