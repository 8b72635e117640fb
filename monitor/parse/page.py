"""An HTML page (one article) to an Article.

In: decoded HTML and where it came from. Out: an Article whose text is the page's main
text as trafilatura finds it (maintext.py), or JSON-LD's articleBody where that is longer,
with its title, dates, author and language from the page's metadata; None if the page has
no title and no text.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import Tag

from monitor.model import Article
from monitor.parse.cleantext import html_to_text, is_credit, parse_html, plain_to_text, tree_to_text
from monitor.parse.identity import canonical_url
from monitor.parse.jsonld import find_article, ld_text
from monitor.parse.maintext import main_text
from monitor.parse.pagemeta import read_meta
from monitor.parse.plaintext import read_stamp

_MAX_STAMP_LINES = 200  # a dateline sits near the top
_MAX_STAMP_CHARS = 80


def parse_page(markup: str, location: str, feed: str, language: str | None) -> Article | None:
    """One article from an HTML page; None if it yields neither title nor text."""
    soup = parse_html(markup)
    ld = find_article(soup)
    meta = read_meta(soup, ld)
    raw_text = _body_text(soup, ld, markup)
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


def _body_text(soup: BeautifulSoup, ld: dict[str, object], markup: str) -> str:
    """The main text as trafilatura finds it, or JSON-LD's articleBody where the page has
    one and it is longer; the main container's text where neither has any."""
    body = ld_text(ld.get("articleBody"))
    stated = (html_to_text(body) if "<" in body else plain_to_text(body)) if body.strip() else ""
    found = main_text(markup)
    if stated or found:
        return stated if len(stated) > len(found) else found
    # trafilatura finds no main text in a bare page: its story element, else its body
    story = soup.find(itemprop="articleBody") or soup.find("article") or soup.find("main")
    return tree_to_text(story if isinstance(story, Tag) else soup.body or soup)


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
