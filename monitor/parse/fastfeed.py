"""A fast reader for the everyday RSS 2.0 and Atom 1.0 feed: ElementTree, then feedparser's
own rules for the few fields monitor reads.

In: the bytes feed.py would give feedparser (`to_safe_xml`) and the feed's location. Out: the
channel and its entries as the dicts feedparser would make (the keys feed.py reads), so the
one article builder of feed.py runs on either; or None (decline), and feedparser reads it.

What is accepted: a well-formed document without DTD whose root is RSS (one <channel>) or
Atom 1.0, whose items hold only elements whose effect is reproduced here (title, link, guid/id,
description/summary/content, dates, author, language) or known to touch nothing monitor
reads; no xml:base, no XHTML or base64 content. Anything else is declined; the parse corpus
test checks that every accepted file gives feedparser's articles.

Security: ElementTree's expat never fetches anything (it resolves no external entity or
DTD), and a document that carries "<!DOCTYPE" or "<!ENTITY" anywhere is declined before
parsing, so no entity is ever defined, let alone expanded; a reference to an undefined one
is a parse error, hence a decline. Bodies are capped by limits.MAX_BODY_BYTES upstream, and
nothing here recurses on the document's nesting.
"""

from __future__ import annotations

import contextlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri

from monitor.parse.fastnames import (
    AUTHORS,
    CONTAINERS,
    CONTENTS,
    IMAGE_PARTS,
    ITEMS,
    LANGUAGES,
    NOT_IN_CHANNEL,
    PERSON_PARTS,
    PUBLISHED,
    SUMMARIES,
    TITLES,
    UPDATED,
    Decline,
    Names,
    attributes,
    breaks_with_attributes,
    has_handler,
    is_harmless,
)

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_LINK_ENTITY = re.compile("&([A-Za-z0-9_]+);")
_C1 = re.compile("[\x80-\x9f]")  # what feedparser maps as windows-1252
_looks_like_html = _FeedParserMixin.looks_like_html
_content_type = _FeedParserMixin.map_content_type
_HTML_TYPES = _FeedParserMixin.html_types


@dataclass(frozen=True)
class FeedDicts:
    """feedparser's `feed` and `entries` (from fastfeed: only the keys feed.py reads)."""

    channel: dict[str, Any]
    entries: list[dict[str, Any]] = field(default_factory=list)


def read_feed(xml: bytes, location: str) -> FeedDicts | None:
    """The feed as feedparser would give it, or None where this reader declines."""
    if _DTD.search(xml):
        return None
    try:
        root, declarations = _parse(xml)
        return _Reader(Names(declarations), location).read(root)
    except (ET.ParseError, Decline):
        return None


def _parse(xml: bytes) -> tuple[ET.Element, list[tuple[str, str]]]:
    """The tree and the namespace declarations in document order."""
    parser: ET.XMLPullParser[Any] = ET.XMLPullParser(events=("start-ns", "start"))
    parser.feed(xml)
    parser.close()
    root: ET.Element | None = None
    declarations: list[tuple[str, str]] = []
    events = cast(Iterator[tuple[str, Any]], parser.read_events())
    for _, value in events:
        if isinstance(value, tuple):  # ("start-ns", (prefix, uri))
            declarations.append(value)
        elif root is None and isinstance(value, ET.Element):
            root = value
    if root is None:
        raise Decline("no element")
    return root, declarations


@dataclass
class _Entry:
    """One item being read: feedparser's entry dict and the state its handlers keep."""

    data: dict[str, Any] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)  # kinds met: one title, one author...

    def once(self, kind: str) -> None:
        if kind in self.seen:
            raise Decline(f"two {kind} elements in one item")
        self.seen.add(kind)


class _Reader:
    def __init__(self, names: Names, location: str) -> None:
        self.names = names
        self.base = _base_uri(location)
        self.atom = False
        self.handlers: dict[str, Callable[[_Entry, ET.Element, str], None]] = {
            **dict.fromkeys(TITLES, self._title),
            **dict.fromkeys(SUMMARIES, self._summary),
            **dict.fromkeys(CONTENTS, self._content),
            **dict.fromkeys(PUBLISHED, self._date),
            **dict.fromkeys(UPDATED, self._date),
            **dict.fromkeys(AUTHORS, self._author),
            **dict.fromkeys(LANGUAGES, self._language),
            "link": self._link,
            "guid": self._guid,
            "id": self._guid,
        }

    def read(self, root: ET.Element) -> FeedDicts:
        if any(_local(key) == "base" for node in root.iter() for key in node.attrib):
            raise Decline("xml:base")
        channel = self._root(root)
        feed: dict[str, Any] = {}
        lang = attributes(root.attrib)
        if language := lang.get("xml:lang", lang.get("lang")):
            feed["language"] = language.replace("_", "-")
        entries = [self._channel_child(feed, child) for child in channel]
        return FeedDicts(feed, [entry.data for entry in entries if entry is not None])

    def _root(self, root: ET.Element) -> ET.Element:
        """The element whose children are the items: RSS's only <channel>, Atom's <feed>."""
        tag = self._tag(root)
        if tag == "rss" and attributes(root.attrib).get("version", "").startswith("2."):
            children = list(root)
            if len(children) == 1 and self._tag(children[0]) == "channel":
                _no_attributes_but_lang(children[0])
                return children[0]
        if tag == "feed" and self.names.version == "atom10":
            self.atom = True
            return root
        raise Decline(f"root <{tag}>")

    def _channel_child(self, feed: dict[str, Any], child: ET.Element) -> _Entry | None:
        tag = self._tag(child)
        if tag in ITEMS:
            return self._entry(child)
        if tag in TITLES:
            if "title" in feed:
                raise Decline("two channel titles")
            value, kind = self._text(child, "title", _kind(child, "text/plain"))
            feed["title"], feed["title_detail"] = value, {"type": kind, "value": value}
        elif tag in LANGUAGES:
            feed["language"] = self._text(child, "language")[0]
        elif tag in IMAGE_PARTS and not self.atom:
            if any(len(part) or self._tag(part) not in IMAGE_PARTS[tag] for part in child):
                raise Decline(f"unusual <{tag}>")
        else:
            self._inert_in_channel(child)
        return None

    def _inert_in_channel(self, top: ET.Element) -> None:
        """Any other channel element is fine unless it holds what changes the feed's title
        or language or starts an entry, or would crash feedparser."""
        for node in top.iter():
            tag = self._tag(node)
            if tag in NOT_IN_CHANNEL or (node.attrib and breaks_with_attributes(tag)):
                raise Decline(f"<{tag}> in the channel")

    def _entry(self, item: ET.Element) -> _Entry:
        _no_attributes_but_lang(item)
        entry = _Entry()
        for child in item:
            names = self.names.tags(child.tag)
            handler = self.handlers.get(names[0]) if len(names) == 1 else None
            if handler is not None:
                handler(entry, child, names[0])
            elif not self._harmless(child):
                raise Decline(f"<{names[0]}> in an item")
        inner = (self.names.tags(node.tag) for node in item.iter() if node is not item)
        if not entry.data and any(names != ("media:group",) for names in inner):
            entry.data["other"] = True  # feedparser stores any other element: not empty
        return entry

    def _harmless(self, top: ET.Element) -> bool:
        """Whether feedparser's handling of the element touches nothing monitor reads."""
        todo = [top]
        while todo:
            node = todo.pop()
            names = self.names.tags(node.tag)
            if not all(is_harmless(name) for name in names):
                return False
            if node.attrib and any(breaks_with_attributes(name) for name in names):
                return False
            if len(node) and names[0] not in CONTAINERS and has_handler(names[0]):
                return False
            todo.extend(node)
        return True

    def _tag(self, node: ET.Element) -> str:
        names = self.names.tags(node.tag)
        if len(names) != 1:
            raise Decline(f"{node.tag}: prefixes {names}")
        return names[0]

    # --- the elements monitor reads, as feedparser's handlers treat them ---------------

    def _title(self, entry: _Entry, node: ET.Element, name: str) -> None:
        entry.once("title")
        value, kind = self._text(node, "title", _kind(node, "text/plain"))
        entry.data["title"], entry.data["title_detail"] = value, {"type": kind, "value": value}

    def _summary(self, entry: _Entry, node: ET.Element, name: str) -> None:
        entry.once("summary")
        value, kind = self._text(node, "summary", _kind(node, SUMMARIES[name]))
        entry.data["summary"] = value
        entry.data["summary_detail"] = {"type": kind, "value": value}

    def _content(self, entry: _Entry, node: ET.Element, name: str) -> None:
        entry.once("content")
        declared = _kind(node, CONTENTS[name])
        if "src" in attributes(node.attrib):
            raise Decline("content by reference")
        value, kind = self._text(node, "content", declared)
        entry.data["content"] = [{"type": kind, "value": value}]
        if declared in ("text/plain", *_HTML_TYPES):
            entry.data.setdefault("summary", value)

    def _date(self, entry: _Entry, node: ET.Element, name: str) -> None:
        key = "published_parsed" if name in PUBLISHED else "updated_parsed"
        entry.data[key] = _parse_date(self._text(node, key)[0])

    def _language(self, entry: _Entry, node: ET.Element, name: str) -> None:
        entry.data["language"] = self._text(node, "language")[0]

    def _link(self, entry: _Entry, node: ET.Element, name: str) -> None:
        attrs = attributes(node.attrib)
        href = attrs.get("url", attrs.get("uri", attrs.get("href")))
        if len(node) or (href is not None and not href) or "url" in attrs or "uri" in attrs:
            raise Decline("unusual <link>")
        if href is None:
            value = self._text(node, "link")[0].replace("&amp;", "&")
            entry.data["link"] = _LINK_ENTITY.sub(r"&\g<1>", value) if "&" in value else value
            return
        rel = attrs.get("rel", "alternate")
        kind = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html")
        if rel == "alternate" and _content_type(kind) in _HTML_TYPES:
            entry.data["link"] = _urljoin(self.base, href)

    def _guid(self, entry: _Entry, node: ET.Element, name: str) -> None:
        entry.once("guid")
        is_link = attributes(node.attrib).get("ispermalink", "true") == "true"
        value = self._text(node, "id" if is_link else "guid")[0]
        entry.data["id"] = value
        if is_link:
            entry.data.setdefault("link", value)

    def _author(self, entry: _Entry, node: ET.Element, name: str) -> None:
        """Text (RSS), or Atom's <name>/<email>/<uri>: "name (email)", name or email."""
        entry.once("author")
        entry.data["author"] = self._text(node, "author", children=True)[0]
        parts: dict[str, str] = {}
        for part in node:
            tag = self._tag(part)
            if tag not in PERSON_PARTS or len(part):
                raise Decline(f"<{tag}> in an author")
            parts[tag] = (part.text or "").strip()  # feedparser keeps these raw
        if len(node) and (node.text or "").strip():
            raise Decline("an author with both text and parts")
        name, email = parts.get("name", ""), parts.get("email", "")
        if name and email:
            entry.data["author"] = f"{name} ({email})"
        elif name or email:
            entry.data["author"] = name or email

    def _text(
        self, node: ET.Element, element: str, kind: str | None = None, children: bool = False
    ) -> tuple[str, str | None]:
        """feedparser's value of a text element and its (possibly corrected) media type:
        stripped, URI-like elements joined to the base, HTML guessed where RSS says plain
        text, UTF-8 read as Latin-1 repaired, windows-1252 C1 controls mapped."""
        if len(node) and not children:
            raise Decline(f"markup inside <{element}>")
        output = "".join([node.text or "", *(part.tail or "" for part in node)]).strip()
        if element in ("link", "id") and output and not _ABSOLUTE.fullmatch(output):
            output = _urljoin(self.base, output)
        if not self.atom and kind == "text/plain" and _looks_like_html(output):
            kind = "text/html"
        if output.isascii():  # both repairs below leave ASCII as it is; skip their cost
            return output, kind
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            output = output.encode("iso-8859-1").decode("utf-8")
        return (output.translate(_cp1252) if _C1.search(output) else output), kind


# An absolute http(s) address that feedparser's _urljoin gives back unchanged whatever the
# base (no slashes to fix after "://", a lower-case scheme and host, nothing urlparse would
# split off and put back differently: no query, fragment or ;params). Most links are so.
_ABSOLUTE = re.compile(r"https?://[a-z0-9.-]+(?:/[^\s?#;]*)?")


def _kind(node: ET.Element, default: str) -> str:
    """The media type feedparser gives a text construct; XHTML and base64 are declined."""
    attrs = attributes(node.attrib)
    kind: str = _content_type(attrs.get("type", default))
    plain = kind.startswith("text/") or kind.endswith(("+xml", "/xml"))
    if attrs.get("mode") == "base64" or not plain or kind == "application/xhtml+xml":
        raise Decline(f"{kind} content")
    return kind


def _no_attributes_but_lang(node: ET.Element) -> None:
    """Attributes of <channel> and <item> (rdf:about, lastmod, href) set fields."""
    if set(attributes(node.attrib)) - {"xml:lang", "lang"}:
        raise Decline(f"attributes on <{node.tag}>")


def _local(key: str) -> str:
    return key.rpartition("}")[2].lower()


def _base_uri(location: str) -> str:
    """The base feedparser resolves links against: the location for http(s), else none;
    declined unless stable (feedparser re-derives it at every element)."""
    if not location.startswith(("http://", "https://")):
        return ""
    base = make_safe_absolute_uri(location, location) or location
    if (make_safe_absolute_uri(base, base) or base) != base:
        raise Decline("unstable base URI")
    return base
