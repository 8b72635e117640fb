"""Element and attribute names as feedparser's strict (SAX) parser sees them, for fastfeed.

In: the namespace declarations of a document, then ElementTree tags and attributes. Out:
feedparser's name for an element ("title", "content:encoded", "slash:comments"), whether
feedparser has a handler for it, its attribute dict, and the vocabulary tables (which names
set which field, which are harmless), so the fast reader can follow feedparser exactly or
decline (Decline) where the names would be ambiguous.
"""

from __future__ import annotations

from feedparser.api import StrictFeedParser
from feedparser.mixin import _FeedParserMixin

# feedparser maps known namespace URIs (compared in lower case) to its own prefixes;
# "" means the core RSS/Atom vocabulary.
KNOWN = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
_KNOWN_PREFIXES = frozenset(KNOWN.values())
_USERLAND = "backend.userland.com/rss"  # any URI containing it is core RSS to feedparser
VERSIONS = {
    "http://purl.org/rss/1.0/": "rss10",
    "http://www.w3.org/2005/atom": "atom10",
}
_NETSCAPE = "http://my.netscape.com/rdf/simple/0.9/"

# feedparser's names of the elements the fast reader follows, by what they set.
ITEMS = frozenset(("item", "entry"))
TITLES = frozenset(("title", "dc:title"))
LANGUAGES = frozenset(("language", "dc:language"))
SUMMARIES = {"description": "text/html", "dc:description": "text/html", "summary": "text/plain"}
CONTENTS = {"content": "text/plain", "content:encoded": "text/html"}
PUBLISHED = frozenset(("pubdate", "published", "issued", "dcterms:issued"))
UPDATED = frozenset(("updated", "modified", "lastbuilddate", "dc:date", "dcterms:modified"))
AUTHORS = frozenset(("author", "dc:creator", "dc:author", "itunes:author", "managingeditor"))
PERSON_PARTS = frozenset(("name", "email", "uri"))
# Channel-level elements whose subtree may hold none of these (they would change the
# feed's title or language, or start an entry, where this reader does not follow).
NOT_IN_CHANNEL = ITEMS | TITLES | LANGUAGES | {"media:title", "source", "image", "textinput"}
IMAGE_PARTS = {
    "image": frozenset(("title", "url", "link", "width", "height", "description")),
    "textinput": frozenset(("title", "description", "name", "link")),
}
# Item elements feedparser handles without touching what monitor reads; containers may
# hold more such elements.
HARMLESS = frozenset((
    "category", "dc:subject", "enclosure", "source", "rights", "copyright", "dc:rights",
    "dc:publisher", "created", "dcterms:created", "expirationdate", "media:content",
    "media:thumbnail", "media:category", "media:credit", "media:rating", "media:restriction",
    "media:license", "media:player", "itunes:subtitle", "itunes:image", "itunes:explicit",
    "itunes:block", "itunes:duration", "name", "email", "uri",
))  # fmt: skip
CONTAINERS = frozenset(("media:group", "media:content", "contributor"))
# Keys feedparser's handlers write; an unhandled element stored under one would clash.
RESERVED_PREFIXES = ("media_", "itunes_", "psc_", "validity_")
RESERVED_SUFFIXES = ("_detail", "_parsed")
CORE_UNHANDLED = frozenset(("comments",))  # RSS 2.0 item element with no handler


class Decline(Exception):
    """The document is outside what the fast reader reproduces exactly: use feedparser."""


class Names:
    """feedparser's names for one document's elements, from its namespace declarations.

    feedparser keeps one global prefix map per document (not XML's scoped one) and gives an
    element of an unknown namespace the first prefix declared for it. Documents where that
    differs from XML's view (a prefix bound to an unknown URI and another one, an unknown
    default namespace, a URI under another known URI's prefix) are declined.
    """

    def __init__(self, declarations: list[tuple[str, str]]) -> None:
        self.version = ""
        self._unknown: dict[str, list[str]] = {}  # URI -> prefixes declared for it
        self._cache: dict[str, tuple[str, ...]] = {}
        bound: dict[str, set[str]] = {}
        for prefix, uri in declarations:
            bound.setdefault(prefix.lower(), set()).add(uri)
            self._declare(prefix, uri)
        for prefix, uris in bound.items():
            if len(uris) > 1 and any(_known(uri) is None for uri in uris):
                raise Decline(f"prefix {prefix!r} bound to an unknown and another namespace")

    def _declare(self, prefix: str, uri: str) -> None:
        lower = uri.lower()
        if not self.version:
            version = "rss090" if (prefix, lower) == ("", _NETSCAPE) else VERSIONS.get(lower)
            self.version = version or ""
        known = _known(uri)
        if known is None and not prefix:
            raise Decline(f"unknown default namespace {uri}")
        if prefix and prefix.lower() in _KNOWN_PREFIXES and prefix != known:
            raise Decline(f"prefix {prefix!r} is feedparser's name for another namespace")
        if known is None:
            self._unknown.setdefault(uri, []).append(prefix)

    def tags(self, tag: str) -> tuple[str, ...]:
        """feedparser's name(s) for an ElementTree tag: one, or one per prefix of an
        unknown namespace (feedparser takes the first; callers must accept them all)."""
        found = self._cache.get(tag)
        if found is None:
            found = self._cache[tag] = self._tags(tag)
        return found

    def _tags(self, tag: str) -> tuple[str, ...]:
        uri, _, local = tag[1:].rpartition("}") if tag[0] == "{" else ("", "", tag)
        local = local.lower()
        if not uri:
            return (local,)
        known = _known(uri)
        if known is not None:
            return (f"{known}:{local}" if known else local,)
        return tuple(f"{prefix.lower()}:{local}" for prefix in self._unknown[uri])


def _known(uri: str) -> str | None:
    """feedparser's prefix for a namespace URI ("" for core RSS/Atom), None if unknown."""
    lower = uri.lower()
    return "" if _USERLAND in lower else KNOWN.get(lower)


def has_handler(name: str) -> bool:
    """Whether feedparser does anything special with the element (else it stores its text
    under its name: "slash:comments" -> entry["slash_comments"])."""
    method = name.replace(":", "_")
    return hasattr(StrictFeedParser, f"_start_{method}") or hasattr(
        StrictFeedParser, f"_end_{method}"
    )


def breaks_with_attributes(name: str) -> bool:
    """An element feedparser only handles at its end: with attributes nothing was pushed at
    its start, and some end handlers then crash (<itunes:keywords a="1">)."""
    method = name.replace(":", "_")
    return hasattr(StrictFeedParser, f"_end_{method}") and not hasattr(
        StrictFeedParser, f"_start_{method}"
    )


def attributes(attrib: dict[str, str]) -> dict[str, str]:
    """The attribute dict feedparser's handlers get: names lowercased, a known namespace's
    prefix kept ("xml:lang"), then every attribute again under its bare local name; the
    values of rel and type lowercased."""
    prefixed: dict[str, str] = {}
    bare: dict[str, str] = {}
    for key, value in attrib.items():
        uri, _, local = key[1:].rpartition("}") if key[0] == "{" else ("", "", key)
        local = local.lower()
        if local in bare:
            raise Decline(f"two attributes named {local!r}")
        prefix = KNOWN.get(uri.lower(), "")
        prefixed[f"{prefix}:{local}" if prefix else local] = value
        bare[local] = value
    merged = prefixed | bare
    for name in ("rel", "type"):
        if name in merged:
            merged[name] = merged[name].lower() or merged[name]
    return merged


def is_harmless(name: str) -> bool:
    """Whether feedparser's handling of the element (by its name) touches no field that
    monitor reads and no key a handler writes; containers may hold more such elements."""
    if name in HARMLESS or name in CONTAINERS:
        return True
    if has_handler(name):
        return False
    key = name.replace(":", "_")
    if ":" not in name:
        return key in CORE_UNHANDLED
    return not key.startswith(RESERVED_PREFIXES) and not key.endswith(RESERVED_SUFFIXES)
