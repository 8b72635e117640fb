"""Full text for `full_text` feeds, before anything is stored: a feed's articles in, the
same articles with the main text of their pages out.

Feeds often carry only a teaser. The pages of new articles are fetched concurrently through
the Fetcher (so the global and per-host limits hold) and parsed; the page's text replaces
the teaser when it is longer. The feed chooses these links, so they are fetched as links,
not as feeds: http(s) only, public addresses only unless the feed's `allow_networks` says
otherwise (fetch/guard.py). An article the store already has keeps its stored text: its
page was read when it was new, and the feed's teaser must not count as an edit. Each page
whose text was taken is given back too, by the article's key: the evidence of its matches.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

from monitor.errors import ParseError
from monitor.fetch import Fetcher
from monitor.model import Article, Document, Feed, FetchResult, FetchStatus

log = logging.getLogger(__name__)


def with_pages(
    articles: Sequence[Article],
    stored: Mapping[str, Article],
    fetcher: Fetcher,
    feed: Feed,
) -> tuple[tuple[Article, ...], dict[str, Document]]:
    """The articles, each with its page's text (new ones) or its stored text (known ones);
    the pages whose text they took, by article key."""
    wanted = {a.url for a in articles if a.key not in stored and a.url}
    pages = dict(fetcher.fetch_pages(sorted(wanted), feed.allow_networks))
    language = feed.language
    enriched, origins = [], {}
    for article in articles:
        if article.key in stored:
            enriched.append(replace(article, text=stored[article.key].text))
        elif article.url in pages:
            paged = _with_page(article, pages[article.url], language)
            if paged is not article:
                origins[article.key] = pages[article.url].documents[0]
            enriched.append(paged)
        else:
            enriched.append(article)
    return tuple(enriched), origins


def _with_page(article: Article, result: FetchResult, language: str | None) -> Article:
    """The article with its page's main text, when the page has more to say (else the
    very same article)."""
    context = {"feed": article.feed, "url": article.url}
    if result.status is not FetchStatus.OK or not result.documents:
        why = result.error or result.status.value
        log.warning("page not fetched (%s); keeping the feed's text", why, extra=context)
        return article
    from monitor.parse import parse_document  # the parse stack: see workers._parse

    try:
        [page, *_] = parse_document(result.documents[0], feed=article.feed, language=language)
    except (ParseError, ValueError) as exc:
        log.warning("page not parsed (%s); keeping the feed's text", exc, extra=context)
        return article
    return replace(article, text=page.text) if len(page.text) > len(article.text) else article
