"""Feed lists in and out: an OPML subscription list to `[[feeds]]` TOML, the config's feeds
to OPML. Monitors move their lists between feed readers this way.

In: the bytes of an OPML file (read by listparser, never fetched from a URL it names) and
the feeds the config already has; or the config's feeds. Out: TOML text to paste into the
config (feeds it already has are skipped, names kept unique), or an OPML 2.0 document.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from monitor.errors import ConfigError
from monitor.model import Feed

MAX_OPML_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Imported:
    toml: str  # [[feeds]] tables, one per new feed
    added: int
    skipped: tuple[str, ...]  # URLs the config already has, or given twice


def import_opml(data: bytes, where: str, feeds: Sequence[Feed]) -> Imported:
    """The feeds of an OPML list that the config lacks, as `[[feeds]]` tables."""
    import listparser  # only this command needs it

    if len(data) > MAX_OPML_BYTES:
        raise ConfigError(f"{where}: larger than {MAX_OPML_BYTES // 2**20} MiB; not a feed list")
    parsed: Any = listparser.parse(data)
    if not parsed.feeds:
        why = f" ({parsed.bozo_exception})" if parsed.bozo_exception else ""
        raise ConfigError(f"{where}: no feeds found; is it an OPML subscription list?{why}")
    known = {_same(feed.url) for feed in feeds}
    names = {feed.name for feed in feeds}
    tables, skipped = [], []
    for entry in parsed.feeds:
        url = str(entry.get("url", "")).strip()
        if not url.startswith(("http://", "https://")) or _same(url) in known:
            skipped.append(url)
            continue
        known.add(_same(url))
        name = _unique(_slug(str(entry.get("title") or url)), names)
        names.add(name)
        tags = sorted({str(path[-1]) for path in entry.get("categories", []) if path})
        tables.append(_table(name, url, tags))
    return Imported("\n".join(tables), len(tables), tuple(skipped))


def export_opml(feeds: Sequence[Feed]) -> str:
    """The config's http(s) feeds as an OPML 2.0 subscription list."""
    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = "monitor feeds"
    body = ET.SubElement(root, "body")
    for feed in feeds:
        if feed.url.startswith(("http://", "https://")):
            outline = ET.SubElement(body, "outline", type="rss", text=feed.name, title=feed.name)
            outline.set("xmlUrl", feed.url)
            if feed.tags:
                outline.set("category", ",".join(feed.tags))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _table(name: str, url: str, tags: list[str]) -> str:
    lines = [
        "[[feeds]]",
        f"name = {json.dumps(name, ensure_ascii=False)}",
        f"url = {json.dumps(url)}",
    ]
    if tags:
        lines.append(f"tags = {json.dumps(tags, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def _same(url: str) -> str:
    """A URL as compared with the config's: scheme and host case and a final / ignored."""
    scheme, _, rest = url.strip().partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}".rstrip("/")


def _slug(text: str) -> str:
    return re.sub(r"[\W_]+", "-", text.casefold()).strip("-")[:60] or "feed"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    return candidate
