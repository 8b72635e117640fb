"""Schema.org JSON-LD blocks of an HTML page, reduced to the article they describe.

In: a BeautifulSoup tree. Out: the first NewsArticle/Article-like object (a dict, possibly
empty) and helpers to read its loosely typed fields as strings.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from bs4 import BeautifulSoup

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
        "blogposting", "liveblogposting", "opinionnewsarticle", "report",
    }
)  # fmt: skip
_MAX_NODES = 2_000  # objects visited across all blocks: bounds hostile nesting


def find_article(soup: BeautifulSoup) -> dict[str, Any]:
    """The JSON-LD object with an articleBody, else the first article-typed one, else {}."""
    candidates = [node for block in _blocks(soup) for node in _objects(block)]
    with_body = [node for node in candidates if ld_text(node.get("articleBody"))]
    typed = [node for node in candidates if _types(node) & ARTICLE_TYPES]
    return (with_body or typed or [{}])[0]


def ld_text(value: object) -> str:
    """A string field that may come as a string, a list of strings or {"@value": ...}."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        return ld_text(value[0])
    if isinstance(value, dict):
        return ld_text(value.get("@value") or value.get("name") or value.get("@id"))
    return ""


def ld_names(value: object) -> str:
    """Author-like fields: a name, an object with a name, or a list of either, comma-joined."""
    items = value if isinstance(value, list) else [value]
    names = [ld_text(item) for item in items[:20]]
    return ", ".join(name.strip() for name in names if name.strip())


def _blocks(soup: BeautifulSoup) -> list[object]:
    blocks = []
    for script in soup.find_all("script"):
        if "ld+json" not in str(script.get("type") or "").lower():
            continue
        try:
            blocks.append(json.loads(script.string or ""))
        except (ValueError, RecursionError):
            continue
    return blocks


def _objects(root: object) -> list[dict[str, Any]]:
    """Every dict inside `root` (lists and @graph included), breadth first, bounded."""
    found: list[dict[str, Any]] = []
    queue: deque[object] = deque([root])
    while queue and len(found) < _MAX_NODES:
        node = queue.popleft()
        if isinstance(node, dict):
            found.append(node)
            queue.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            queue.extend(node[:_MAX_NODES])
    return found


def _types(node: dict[str, Any]) -> set[str]:
    kinds = node.get("@type")
    listed = kinds if isinstance(kinds, list) else [kinds]
    return {kind.lower() for kind in listed if isinstance(kind, str)}
