"""The values a poll passes between its steps: a feed fetched, a feed read, the batch of
read feeds waiting to be written, and the running tally that becomes the PollReport.

In: feeds, fetch results, parsed articles, workers' matches and candidates. Out: named values (no
positional tuples), the thresholds that decide when a batch is worth a transaction, and the
document each new match was found in (for the evidence archive).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from monitor.discover import Sighting
from monitor.match import MatchKey
from monitor.model import Article, Document, Feed, FeedState, FetchResult, Match, RuleSet
from monitor.store import Ingested

# A batch is written once it holds this many articles or feeds (or when nothing else is
# ready): large enough that a statement's fixed cost and a commit are shared by hundreds of
# articles, small enough that a transaction stays short and its memory bounded.
BATCH_ARTICLES = 2000
BATCH_FEEDS = 200
# Waiting for the workers, a batch is written early only from this size: smaller writes
# would take CPU the workers need (the commits alone cost as much as the rows).
EARLY_ARTICLES = 500
# The pages a batch holds for evidence (full_text pages, a channel's older pages) are
# written once they reach this size, so that memory stays bounded on a poll of long pages.
BATCH_PAGE_BYTES = 64 * 1024 * 1024

Matched = dict[MatchKey, tuple[Match, ...]]
Sighted = dict[MatchKey, tuple[Sighting, ...]]


@dataclass(frozen=True)
class Fetched:
    """A feed, its state before this poll and what fetching it gave."""

    feed: Feed
    state: FeedState | None
    result: FetchResult


@dataclass(frozen=True)
class Read:
    """A fetched feed's articles (parsed, enriched), the document each one's text was read
    from (the evidence of its matches) and the feed's own <ttl> hint."""

    fetched: Fetched
    articles: tuple[Article, ...] = ()
    ttl: timedelta | None = None
    origins: tuple[Document, ...] = ()  # one per article

    def pages(self) -> int:
        """Bytes of the documents held beyond the feed's own (its articles' pages)."""
        own = {id(document) for document in self.fetched.result.documents}
        held = {id(d): len(d.body) for d in self.origins if id(d) not in own}
        return sum(held.values())


@dataclass(frozen=True)
class PollReport:
    feeds_read: int = 0
    feeds_failed: tuple[str, ...] = ()  # "name: why"
    new_articles: int = 0
    matches: int = 0


@dataclass
class Tally:
    advance: Callable[[int], object]  # told of each feed done (a progress bar)
    read: int = 0
    failed: list[str] = field(default_factory=list)
    new: int = 0
    matches: int = 0

    def report(self) -> PollReport:
        return PollReport(self.read, tuple(self.failed), self.new, self.matches)


@dataclass
class Batch:
    """Feeds read but not yet written, and the matches and candidates workers found under
    `rules`."""

    rules: RuleSet | None = None
    feeds: list[Read] = field(default_factory=list)
    articles: int = 0
    page_bytes: int = 0
    matched: Matched = field(default_factory=dict)
    sighted: Sighted = field(default_factory=dict)

    def add(
        self,
        read: Read,
        matched: Mapping[MatchKey, tuple[Match, ...]] | None = None,
        sighted: Mapping[MatchKey, tuple[Sighting, ...]] | None = None,
    ) -> None:
        self.feeds.append(read)
        self.articles += len(read.articles)
        self.page_bytes += read.pages()
        self.matched.update(matched or {})
        self.sighted.update(sighted or {})

    def full(self) -> bool:
        return (self.articles >= BATCH_ARTICLES or len(self.feeds) >= BATCH_FEEDS
                or self.page_bytes >= BATCH_PAGE_BYTES)  # fmt: skip

    def worth_writing(self) -> bool:
        return self.articles >= EARLY_ARTICLES or len(self.feeds) >= BATCH_FEEDS

    def take(self) -> tuple[list[Read], Matched, Sighted]:
        taken = self.feeds, self.matched, self.sighted
        self.feeds, self.articles, self.matched, self.sighted = [], 0, {}, {}
        self.page_bytes = 0
        return taken


def origins_of(feeds: Sequence[Read]) -> dict[str, Document]:
    """The document each article's text was read from, by article key (the first read)."""
    origins: dict[str, Document] = {}
    for read in feeds:
        for article, document in zip(read.articles, read.origins, strict=True):
            origins.setdefault(article.key, document)
    return origins


def evidence_of(
    articles: Sequence[Article], done: Ingested, origins: Mapping[str, Document]
) -> list[tuple[int, str, Document]]:
    """The new matches with the document each was found in: (match id, feed, document)."""
    by_id = {saved.article_id: article for article, saved in zip(articles, done.saved, strict=True)}
    owed = []
    for match in done.matches:
        article = by_id[match.article_id]
        if article.key in origins:
            owed.append((match.id, article.feed, origins[article.key]))
    return owed
