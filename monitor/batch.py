"""Article and match writes inside one open transaction, a feed document's worth at a time.

In: a Connection and Articles or Matches. Out: what each save did (Saved) and new match ids,
in a handful of set-based statements per document instead of several per article.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from monitor import rows
from monitor import schema as T
from monitor.model import Article, Match

# Bound parameters per `IN (...)`: far below SQLite's limit, large enough for any feed.
CHUNK = 500


@dataclass(frozen=True)
class Saved:
    """What saving an article did: `changed` is False for an article seen before unchanged."""

    article_id: int
    new: bool
    changed: bool


@dataclass(frozen=True)
class Batch:
    """Article writes inside one open transaction (see Store.batch)."""

    conn: Connection

    def save_article(self, article: Article, now: datetime) -> Saved:
        """Insert a new article, or update one whose text changed; report which.

        The same story reached through another feed (same canonical URL, or the same body
        text) is not a new article: it only gains a source, so it alerts once.
        """
        return self.save_articles([article], now)[0]

    def save_articles(self, articles: Sequence[Article], now: datetime) -> list[Saved]:
        """save_article for each article in order, as if one after the other, in a few
        statements: two items of one document with the same key or body are one story."""
        stories = _Stories(self._stored(articles))
        outcomes = [stories.save(article, now) for article in articles]
        self._write(stories)
        saved = [
            (story.ident, article)
            for article, (story, _, _) in zip(articles, outcomes, strict=True)
        ]
        self._add_sources(saved, stories.stored)
        return [Saved(story.ident, new, changed) for story, new, changed in outcomes]

    def add_matches(self, article_id: int, matches: Sequence[Match], now: datetime) -> list[int]:
        """Record matches an article did not have before; return the new match ids."""
        return self.add_matches_many([(article_id, matches)], now)

    def add_matches_many(
        self, found: Sequence[tuple[int, Sequence[Match]]], now: datetime
    ) -> list[int]:
        """add_matches for many articles: one SELECT of known pairs, one multi-row INSERT."""
        wanted: dict[tuple[int, str], dict[str, Any]] = {}
        for article_id, matches in found:
            for match in matches:
                wanted.setdefault(
                    (article_id, match.rule_id), rows.match_row(article_id, match, now)
                )
        if not wanted:
            return []
        columns = (T.matches.c.article_id, T.matches.c.rule_id)
        known = set(
            map(tuple, self._select_in(columns, T.matches.c.article_id, {a for a, _ in wanted}))
        )
        fresh = [values for pair, values in wanted.items() if pair not in known]
        if not fresh:
            return []
        query = sa.insert(T.matches).returning(T.matches.c.id, sort_by_parameter_order=True)
        return [int(i) for i in self.conn.execute(query, fresh).scalars()]

    def _stored(self, articles: Sequence[Article]) -> list[Any]:
        """Stored rows with one of the articles' keys, or the body of one that has none."""
        columns = (
            T.articles.c.id,
            T.articles.c.key,
            T.articles.c.content_hash,
            T.articles.c.fingerprint,
        )
        found = self._select_in(columns, T.articles.c.key, {a.key for a in articles})
        keys = {row.key for row in found}
        fingerprints = {a.fingerprint for a in articles if a.key not in keys and a.fingerprint}
        found += self._select_in(columns, T.articles.c.fingerprint, fingerprints)
        return found

    def _write(self, stories: _Stories) -> None:
        """Insert the new stories (learning their ids) and update the edited ones."""
        if stories.new:
            query = sa.insert(T.articles).returning(T.articles.c.key, T.articles.c.id)
            inserted = self.conn.execute(query, [s.values for s in stories.new])
            ids = {row.key: int(row.id) for row in inserted}
            for story in stories.new:
                story.id = ids[story.key]
        for story in stories.edited.values():
            where = T.articles.c.id == story.ident
            self.conn.execute(sa.update(T.articles).where(where), story.values)

    def _add_sources(self, saved: Iterable[tuple[int, Article]], stored_ids: set[int]) -> None:
        """Each (article, feed source, url) once; only stored articles can know some already."""
        wanted: dict[tuple[int, str, str], str] = {}
        for article_id, article in saved:
            wanted.setdefault((article_id, article.source, article.url or ""), article.feed)
        columns = (
            T.article_sources.c.article_id,
            T.article_sources.c.source,
            T.article_sources.c.url,
        )
        known = set(
            map(tuple, self._select_in(columns, T.article_sources.c.article_id, stored_ids))
        )
        fresh = [
            {"article_id": article_id, "feed": feed, "source": source, "url": url}
            for (article_id, source, url), feed in wanted.items()
            if (article_id, source, url) not in known
        ]
        if fresh:
            self.conn.execute(sa.insert(T.article_sources), fresh)

    def _select_in(
        self, columns: Sequence[sa.ColumnElement[Any]], column: sa.Column[Any], values: set[Any]
    ) -> list[Any]:
        found: list[Any] = []
        for chunk in _chunks(sorted(values)):
            found += self.conn.execute(sa.select(*columns).where(column.in_(chunk))).all()
        return found


@dataclass(eq=False)
class _Story:
    """An article row as this batch sees it: stored (id known) or about to be inserted."""

    id: int | None
    key: str
    content_hash: str
    fingerprint: str | None
    values: dict[str, Any] = field(default_factory=dict)  # to insert, or to update with

    @property
    def ident(self) -> int:
        assert self.id is not None, "a new story has an id once the batch wrote it"
        return self.id


class _Stories:
    """The stories a document's articles can be, by key and by body; saving one changes them
    the way a row-at-a-time save would, so a later article of the document sees it."""

    def __init__(self, found: Sequence[Any]) -> None:
        self.by_key: dict[str, _Story] = {}
        self.by_fingerprint: dict[str, list[_Story]] = {}
        self.new: list[_Story] = []
        self.edited: dict[int, _Story] = {}
        self.stored = {row.id for row in found}
        for row in sorted({row.id: row for row in found}.values(), key=lambda r: r.id):
            self._index(_Story(row.id, row.key, row.content_hash, row.fingerprint))

    def save(self, article: Article, now: datetime) -> tuple[_Story, bool, bool]:
        """(story, new, changed) for the article, as Batch.save_article defines them."""
        story = self._find(article)
        values = rows.article_row(article, now)
        if story is None:
            story = _Story(None, article.key, article.content_hash, article.fingerprint, values)
            self.new.append(story)
            self._index(story)
            return story, True, True
        if story.key != article.key or story.content_hash == article.content_hash:
            return story, False, False
        if story.id is not None:
            del values["first_seen"]
            self.edited[story.id] = story
        story.values, story.content_hash = values, article.content_hash
        story.fingerprint = article.fingerprint
        self._index(story)
        return story, False, True

    def _find(self, article: Article) -> _Story | None:
        story = self.by_key.get(article.key)
        if story is None and (fingerprint := article.fingerprint):
            same = self.by_fingerprint.get(fingerprint, [])
            story = next((s for s in same if s.fingerprint == fingerprint), None)
        return story

    def _index(self, story: _Story) -> None:
        self.by_key[story.key] = story
        if story.fingerprint:
            self.by_fingerprint.setdefault(story.fingerprint, []).append(story)


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]
