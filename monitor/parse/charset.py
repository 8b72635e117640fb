"""Turn body bytes into text: byte-order mark, declared charsets, UTF-8, then a guess.

In: bytes plus the charsets declared by HTTP and by the document itself. Out: str without
control characters. Never raises: the last resort is windows-1252 with replacement.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# An XML document without a BOM still starts with "<" in its own encoding (XML 1.0 app. F).
_WIDE_STARTS = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]{1,40})["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?([\w.:-]{1,40})""", re.I)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_GUESS_BYTES = 64 * 1024  # charset_normalizer reads a sample; the whole body adds nothing


def xml_encoding(body: bytes) -> str | None:
    """The encoding named by an XML declaration at the very start, if any."""
    found = _XML_ENCODING.match(body[:400])
    return found[1].decode("ascii") if found else None


def meta_charset(body: bytes) -> str | None:
    """The charset named by an HTML <meta> tag near the top, if any."""
    found = _META_CHARSET.search(body[: 16 * 1024])
    return found[1].decode("ascii") if found else None


def wide_encoding(body: bytes) -> str | None:
    """UTF-16/32 named by a byte-order mark or by the zero bytes around a leading "<"."""
    for prefix, name in (*_BOMS, *_WIDE_STARTS):
        if body.startswith(prefix) and name != "utf-8":
            return name
    return None


def decode(body: bytes, declared: Iterable[str | None] = ()) -> str:
    """Decode with the first encoding that fits: BOM, declared ones, UTF-8, a guess."""
    return _CONTROL.sub("", _decode(body, declared))


def _decode(body: bytes, declared: Iterable[str | None]) -> str:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace")
    wide = wide_encoding(body)
    if wide:
        return body.decode(wide, errors="replace")
    for name in filter(None, map(_codec_name, declared)):
        text = _try_declared(body, name)
        if text is not None:
            return text
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return _mostly_utf8(body) or _guess(body)


def _mostly_utf8(body: bytes) -> str | None:
    """UTF-8 with a few stray bytes (a bad copy-paste) stays UTF-8, the strays replaced."""
    sample = body[:_GUESS_BYTES].decode("utf-8", errors="replace")
    bad = sample.count("\ufffd")
    good = sum(char > "\x7f" for char in sample) - bad
    return body.decode("utf-8", errors="replace") if good >= 10 * bad else None


def _try_declared(body: bytes, name: str) -> str | None:
    """Decode with a declared codec, unless the label is a known lie.

    Non-ASCII text in a legacy charset is almost never valid UTF-8 by accident, while
    servers that label UTF-8 as ISO-8859-1 or windows-1251 are common: valid UTF-8 wins.
    """
    if name.startswith(("utf-16", "utf-32")):
        return None  # no BOM and no zero bytes: the label is wrong
    if not body.isascii():
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        return body.decode(name)
    except UnicodeDecodeError:
        return None


def _codec_name(label: str | None) -> str | None:
    """Python's canonical codec name for a charset label, or None if unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'").lower()).name
    except (LookupError, ValueError):
        return None


def _guess(body: bytes) -> str:
    best = charset_normalizer.from_bytes(body[:_GUESS_BYTES]).best()
    name = _codec_name(best.encoding) if best else None
    return body.decode(name or "cp1252", errors="replace")
