"""An HTML page (one article) to an Article.

In: decoded HTML and where it came from. Out: an Article whose text is JSON-LD articleBody
if present, else the main content (<article>, <main>, the densest block of <p>), with
navigation, ads, scripts and footers removed; None if the page has no title and no text.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import islice
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from monitor.model import Article
from monitor.parse.cleantext import html_to_text, is_credit, parse_html, plain_to_text, tree_to_text
from monitor.parse.identity import canonical_url
from monitor.parse.jsonld import find_article, ld_text
from monitor.parse.pagemeta import read_meta
from monitor.parse.plaintext import read_stamp

_NOISE = re.compile(
    r"(?:^|[\s_-])(ads?|advert\w*|banner|promo\w*|share|sharing|social|related|recommended"
    r"|comments?|cookies?|newsletter|subscribe|sidebar|breadcrumbs?|menu|navbar|footer"
    r"|header|popup|modal|widget|teaser)(?:$|[\s_-])",
    re.IGNORECASE,
)
_NOISE_TAGS = ("header", "footer", "aside", "nav")
_KEEP_TAGS = frozenset({"html", "body", "article", "main"})
_MIN_DENSE_CHARS = 200
# Candidates weighed by text length; more only come from hostile nesting (cost n * depth).
_MAX_CANDIDATES = 20
_MAX_NOISE_BLOCKS = 300
_STORY_TAGS = ("article", "main", "h1")
_MAX_STAMP_LINES = 200  # a dateline sits near the top
_MAX_STAMP_CHARS = 80


def parse_page(markup: str, location: str, feed: str, language: str | None) -> Article | None:
    """One article from an HTML page; None if it yields neither title nor text."""
    soup = parse_html(markup)
    ld = find_article(soup)
    meta = read_meta(soup, ld)
    raw_text = _body_text(soup, ld)
    stamps = _visible_stamps(raw_text)
    text = _drop_meta_paragraphs(raw_text, meta.title)
    if not (meta.title or text):
        return None
    url = _page_url(meta.url, location)
    updated = meta.updated or stamps.get("updated")
    return Article(
        title=meta.title or text.split("\n", 1)[0][:100],
        text=text,
        url=url,
        source=meta.site or (urlsplit(url).hostname or "" if url else ""),
        author=meta.author,
        published=meta.published or stamps.get("published") or updated,
        updated=updated,
        language=language or meta.language,
        feed=feed,
    )


def _body_text(soup: BeautifulSoup, ld: dict[str, object]) -> str:
    """articleBody from JSON-LD if there is one, else the text of the main container."""
    body = ld_text(ld.get("articleBody"))
    if body.strip():
        return html_to_text(body) if "<" in body else plain_to_text(body)
    _remove_noise(soup)
    return tree_to_text(_main_container(soup))


def _remove_noise(soup: BeautifulSoup) -> None:
    """Drop page furniture: header/footer/aside/nav and blocks classed as ads, menus...

    A wrapper that holds the story (an <article>, <main>, <h1>) stays even if its class
    says "sidebar" or "menu": class names describe layout as often as content.
    """
    furniture = [tag for tag in soup.find_all(_NOISE_TAGS) if not _in_article_header(tag)]
    classed = [
        tag
        for tag in soup.find_all(True)
        if tag.name not in _KEEP_TAGS and _NOISE.search(_class_and_id(tag))
    ]
    for tag in [*furniture, *classed][:_MAX_NOISE_BLOCKS]:
        if not tag.decomposed and tag.find(_STORY_TAGS) is None:
            tag.decompose()


def _in_article_header(tag: Tag) -> bool:
    """An <article>'s own <header> holds its title and dateline, not site furniture."""
    return tag.name == "header" and tag.find_parent("article") is not None


def _class_and_id(tag: Tag) -> str:
    classes = tag.get_attribute_list("class")
    return " ".join([*map(str, classes), str(tag.get("id") or ""), str(tag.get("role") or "")])


def _main_container(soup: BeautifulSoup) -> Tag:
    """The most specific element that holds the story."""
    body = soup.find(itemprop="articleBody")
    if isinstance(body, Tag):
        return body
    articles = soup.find_all("article", limit=_MAX_CANDIDATES)
    if articles:
        return max(articles, key=lambda tag: len(tag.get_text()))
    main = soup.find("main") or soup.find(role="main")
    if isinstance(main, Tag):
        return main
    return _densest_block(soup) or soup.body or soup


def _densest_block(soup: BeautifulSoup) -> Tag | None:
    """The parent of the most paragraph text, if it holds a real story's worth.

    One pass over the strings (each credited to its nearest <p>), so nested paragraphs
    in hostile markup do not make it quadratic.
    """
    scores: dict[int, tuple[int, Tag]] = {}
    for node in soup.descendants:
        if type(node) is not NavigableString:
            continue
        paragraph = next((p for p in islice(node.parents, 8) if p.name == "p"), None)
        parent = paragraph.parent if paragraph else None
        if parent is not None:
            old = scores.get(id(parent), (0, parent))[0]
            scores[id(parent)] = (old + len(node), parent)
    best = max(scores.values(), key=lambda pair: pair[0], default=None)
    return best[1] if best and best[0] >= _MIN_DENSE_CHARS else None


def _drop_meta_paragraphs(text: str, title: str) -> str:
    """Without the title repeated, timestamp lines and photo credits."""
    paragraphs = [p for p in text.split("\n\n") if not (is_credit(p) or _stamp(p))]
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)


def _visible_stamps(text: str) -> dict[str, datetime]:
    """Visible "Updated at 13:52,22-04-2024" lines, for pages without machine dates."""
    stamps: dict[str, datetime] = {}
    for line in text.split("\n")[:_MAX_STAMP_LINES]:
        stamp = _stamp(line)
        if stamp:
            stamps.setdefault(*stamp)
    return stamps


def _stamp(line: str) -> tuple[str, datetime] | None:
    return read_stamp(line) if len(line) < _MAX_STAMP_CHARS else None


def _page_url(declared: str, location: str) -> str | None:
    """The canonical link the page declares (resolved against where it came from)."""
    base = location if location.startswith(("http://", "https://")) else ""
    url = urljoin(base, declared) if declared else base
    return canonical_url(url) if url else None
