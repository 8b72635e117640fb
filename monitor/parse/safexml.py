"""Make untrusted bytes safe to hand to an XML parser.

In: XML bytes. Out: the same bytes whose DOCTYPE keeps only short literal entities (no
external entities, no entity bombs).
"""

from __future__ import annotations

import re

from monitor.parse.limits import MAX_ENTITIES_KEPT, MAX_ENTITY_VALUE_CHARS

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_DOCTYPE_NAME = re.compile(rb"<!DOCTYPE\s+([A-Za-z_][\w:.-]*)", re.IGNORECASE)
# A general entity whose value is literal text or character references: it cannot nest, so
# expanding it costs at most MAX_ENTITY_VALUE_CHARS per reference.
_SAFE_ENTITY = re.compile(
    rb"""<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(["'])((?:&\#\w{1,8};|[^&<>\]%"'])*)\2\s*>"""
)
_DECLARATION_TOKEN = re.compile(rb""""[^"]*"|'[^']*'|[\[\]>]""")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


def neutralise_dtd(xml: bytes) -> bytes:
    """Rewrite the prolog's DOCTYPEs to keep only safe entities (ASCII-compatible bytes).

    Only the prolog (comments, processing instructions and declarations before the first
    element) matters: XML parsers and feedparser's fallback read entity declarations there.
    """
    kept, pos = [], 0
    while (start := xml.find(b"<", pos)) >= 0:
        end = _prolog_item_end(xml, start)
        if end is None:
            break
        item = xml[start:end]
        is_doctype = _DOCTYPE.match(item) is not None
        kept += [xml[pos:start], _safe_doctype(item) if is_doctype else _defuse(item)]
        pos = end
    return b"".join(kept) + xml[pos:]


def _prolog_item_end(xml: bytes, start: int) -> int | None:
    """End of the comment, PI or declaration at `start`; None at the first element."""
    if xml.startswith(b"<!--", start):
        end = xml.find(b"-->", start + 4)
        return len(xml) if end < 0 else end + 3
    if xml.startswith(b"<?", start):
        end = xml.find(b"?>", start + 2)
        return len(xml) if end < 0 else end + 2
    if xml.startswith(b"<!", start) and not xml.startswith(b"<![CDATA[", start):
        return _declaration_end(xml, start)
    return None


def _defuse(prolog: bytes) -> bytes:
    """Break stray entity declarations (feedparser reads them even inside comments)."""
    return _ENTITY_DECL.sub(b"<!-ENTITY", prolog)


def _declaration_end(xml: bytes, start: int) -> int:
    """Index just past the `>` closing the declaration at `start` (quotes and [...] skipped)."""
    depth = 0
    for token in _DECLARATION_TOKEN.finditer(xml, start + 2):
        mark = token[0]
        if mark == b"[":
            depth += 1
        elif mark == b"]":
            depth = max(depth - 1, 0)
        elif mark == b">" and depth == 0:
            return token.end()
    return len(xml)


def _safe_doctype(declaration: bytes) -> bytes:
    """`<!DOCTYPE name [short literal entities]>`, or b"" when nothing is worth keeping."""
    name = _DOCTYPE_NAME.match(declaration)
    entities = [
        b'<!ENTITY %s "%s">' % (m[1], m[3])
        for m in _SAFE_ENTITY.finditer(declaration)
        if len(m[3]) <= MAX_ENTITY_VALUE_CHARS
    ][:MAX_ENTITIES_KEPT]
    if not entities:
        return b""
    root = name[1] if name else b"feed"
    # feedparser only finds a DOCTYPE at the start of a line, and each ENTITY on its own.
    return b"\n<!DOCTYPE %s [\n%s\n]>" % (root, b"\n".join(entities))
