"""The metadata of an HTML page: title, link, site, author, dates, language.

In: a BeautifulSoup tree and its JSON-LD article object. Out: a PageMeta, each field taken
from the most reliable place that has it (Open Graph / article:* meta, JSON-LD, markup).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bs4 import BeautifulSoup, Tag

from monitor.oneline import one_line
from monitor.parse.dates import parse_datetime
from monitor.parse.jsonld import ld_names, ld_text

# Most trusted first; JSON-LD dates go between Open Graph and the looser meta names.
_PUBLISHED_OG = ("article:published_time", "og:published_time")
_PUBLISHED_OTHER = ("datepublished", "pubdate", "publishdate", "date", "dc.date", "dcterms.created")
_UPDATED_OG = ("article:modified_time", "og:updated_time")
_UPDATED_OTHER = ("datemodified", "dcterms.modified", "last-modified")


@dataclass(frozen=True)
class PageMeta:
    title: str = ""
    url: str = ""
    site: str = ""
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    language: str | None = None


def read_meta(soup: BeautifulSoup, ld: dict[str, Any]) -> PageMeta:
    """Everything about the page except its text; call before the tree is pruned."""
    meta = _meta_tags(soup)
    return PageMeta(
        title=_title(soup, meta, ld),
        url=_link(soup, "canonical") or meta.get("og:url") or ld_text(ld.get("url")),
        site=one_line(meta.get("og:site_name") or ld_names(ld.get("publisher"))),
        author=_author(soup, meta, ld),
        published=_first_date(_published_candidates(soup, meta, ld)),
        updated=_first_date(_updated_candidates(meta, ld)),
        language=_language(soup, meta, ld),
    )


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """<meta> content by lowercased property/name/itemprop; the first one wins."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        key = key or tag.get("http-equiv")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def _title(soup: BeautifulSoup, meta: dict[str, str], ld: dict[str, Any]) -> str:
    for candidate in (
        meta.get("og:title"),
        ld_text(ld.get("headline")),
        _tag_text(soup.find("h1")),
        _tag_text(soup.find("title")),
        meta.get("twitter:title"),
    ):
        if candidate and one_line(candidate):
            return one_line(candidate)
    return ""


def _author(soup: BeautifulSoup, meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    article_author = meta.get("article:author", "")
    for candidate in (
        meta.get("author"),
        ld_names(ld.get("author")),
        "" if article_author.startswith(("http://", "https://")) else article_author,
        _tag_text(soup.find(rel="author")),
    ):
        if candidate and one_line(candidate):
            return one_line(candidate)
    return None


def _published_candidates(
    soup: BeautifulSoup, meta: dict[str, str], ld: dict[str, Any]
) -> list[str | None]:
    return [
        *(meta.get(key) for key in _PUBLISHED_OG),
        ld_text(ld.get("datePublished")),
        *(meta.get(key) for key in _PUBLISHED_OTHER),
        _time_element(soup),
    ]


def _updated_candidates(meta: dict[str, str], ld: dict[str, Any]) -> list[str | None]:
    return [
        *(meta.get(key) for key in _UPDATED_OG),
        ld_text(ld.get("dateModified")),
        *(meta.get(key) for key in _UPDATED_OTHER),
    ]


def _first_date(candidates: list[str | None]) -> datetime | None:
    for candidate in candidates:
        moment = parse_datetime(candidate)
        if moment is not None:
            return moment
    return None


def _time_element(soup: BeautifulSoup) -> str | None:
    """<time datetime>, preferring one marked as the publication date."""
    marked = soup.find("time", attrs={"itemprop": "datePublished", "datetime": True})
    tag = marked or soup.find("time", attrs={"datetime": True})
    value = tag.get("datetime") if isinstance(tag, Tag) else None
    return value if isinstance(value, str) else None


def _language(soup: BeautifulSoup, meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    html = soup.find("html")
    lang = html.get("lang") if isinstance(html, Tag) else None
    for candidate in (lang, meta.get("content-language"), ld_text(ld.get("inLanguage"))):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip().lower()
    return None


def _link(soup: BeautifulSoup, rel: str) -> str:
    tag = soup.find("link", attrs={"rel": rel, "href": True})
    href = tag.get("href") if isinstance(tag, Tag) else None
    return href.strip() if isinstance(href, str) else ""


def _tag_text(tag: object) -> str:
    return tag.get_text(" ") if isinstance(tag, Tag) else ""
