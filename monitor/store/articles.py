"""Articles and their matches: a document's articles in, stored once per story, out.

`ingest` is the unit of work of polling: a document's articles are saved, the new and
edited ones matched, and their new matches recorded, all in one transaction and in a
handful of set-based statements, however many items the document has. The same story seen
through another feed (same canonical URL, or the same body) only gains a source.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from monitor.model import Article, Match
from monitor.store import rows
from monitor.store import tables as T
from monitor.store.engine import write
from monitor.store.stories import Stories

# What matching an article gives; the store calls it only for new and edited articles.
MatchFn = Callable[[Article], Sequence[Match]]
# Articles re-matched per transaction by a replay: bounds memory on a large store.
REPLAY_CHUNK = 500


@dataclass(frozen=True)
class Saved:
    """What saving one article did: `changed` is False for an article seen before unchanged
    (another feed's copy of a stored story only gains a source)."""

    article_id: int
    new: bool
    changed: bool


class NewMatch(NamedTuple):
    id: int
    rule_id: str
    article_id: int


@dataclass(frozen=True)
class Ingested:
    """What one `ingest` did, article by article, and the new matches."""

    saved: tuple[Saved, ...] = ()
    matches: tuple[NewMatch, ...] = ()

    @property
    def match_ids(self) -> tuple[int, ...]:
        return tuple(match.id for match in self.matches)

    @property
    def new(self) -> int:
        return sum(s.new for s in self.saved)

    def new_by_group(self, sizes: Sequence[int]) -> list[int]:
        """New stories among each run of `sizes` consecutive articles (the documents or
        feeds ingested together, in order)."""
        counts, start = [], 0
        for size in sizes:
            counts.append(sum(s.new for s in self.saved[start : start + size]))
            start += size
        return counts

    @property
    def changed(self) -> int:
        """Stored stories whose text changed (new ones not counted)."""
        return sum(s.changed and not s.new for s in self.saved)


class ArticleStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def ingest(self, articles: Sequence[Article], now: datetime, match: MatchFn) -> Ingested:
        """Save articles (of one document or of several, in order), match the new and
        edited ones, record their new matches."""
        with write(self._engine) as conn:
            stories = Stories(_stored(conn, articles))
            outcomes = [stories.save(article, now) for article in articles]
            _write_stories(conn, stories)
            ids = [story.ident for story, _, _ in outcomes]
            _touch(conn, {i for i, (_, new, changed) in zip(ids, outcomes, strict=True)
                          if not new and not changed}, now)  # fmt: skip
            _add_sources(conn, zip(ids, articles, strict=True), stories.stored)
            found = [
                (story.ident, match(article))
                for article, (story, _, changed) in zip(articles, outcomes, strict=True)
                if changed
            ]
            matches = _add_matches(conn, found, now)
        saved = tuple(Saved(story.ident, new, changed) for story, new, changed in outcomes)
        return Ingested(saved, tuple(matches))

    def stored_versions(self, articles: Sequence[Article]) -> dict[str, Article]:
        """The stored story each article is (by key, else by body), keyed by article key."""
        with self._engine.connect() as conn:
            found = _stored(conn, articles, columns=tuple(T.articles.c))
        by_key = {row.key: row for row in found}
        by_body = {row.fingerprint: row for row in found if row.fingerprint}
        known = {}
        for article in articles:
            row = by_key.get(article.key) or by_body.get(article.fingerprint or "")
            if row is not None:
                known[article.key] = rows.article(row)
        return known

    def rematch(
        self,
        since: datetime,
        match: MatchFn,
        now: datetime,
        advance: Callable[[int], object] = lambda n: None,
    ) -> tuple[int, int]:
        """Match articles first seen since `since` again; record only matches they did not
        have. Returns (articles checked, new matches). Chunked: memory stays flat;
        `advance(n)` is told of each chunk done (a progress bar)."""
        checked = added = 0
        for chunk in self.since(since):
            found = [(article_id, match(article)) for article_id, article in chunk]
            with write(self._engine) as conn:
                added += len(_add_matches(conn, found, now))
            checked += len(chunk)
            advance(len(chunk))
        return checked, added

    def matched(
        self, since: datetime, rule_ids: Collection[str] | None, limit: int
    ) -> list[tuple[datetime, str, Article]]:
        """The newest matches since `since` (of these rules, when given): when each was
        found, its rule id and the article (body text left out), newest first."""
        columns = [c for c in T.articles.c if c.name != "text"]
        query = (
            sa.select(T.matches.c.created, T.matches.c.rule_id, *columns)
            .join(T.articles, T.articles.c.id == T.matches.c.article_id)
            .where(T.matches.c.created >= since)
            .order_by(T.matches.c.created.desc(), T.matches.c.id.desc())
            .limit(limit)
        )
        if rule_ids is not None:
            query = query.where(T.matches.c.rule_id.in_(sorted(rule_ids)))
        with self._engine.connect() as conn:
            found = conn.execute(query).all()
        return [
            (row.created, row.rule_id, rows.build(Article, dict(row._mapping), text=""))
            for row in found
        ]

    def prune(self, before: datetime) -> tuple[int, int]:
        """Forget stories last seen before `before`: those never matched go with their
        sources; matched ones stay for audit (their matches and deliveries point at them)
        with their body text dropped. Returns (deleted, emptied). Space is given back by
        the database (SQLite reuses free pages; PostgreSQL autovacuum), not here."""
        old = T.articles.c.last_seen < before
        matched = T.articles.c.id.in_(sa.select(T.matches.c.article_id))
        unmatched = sa.select(T.articles.c.id).where(old, ~matched)
        with write(self._engine) as conn:
            sources = T.article_sources.c.article_id.in_(unmatched)
            conn.execute(sa.delete(T.article_sources).where(sources))
            deleted = conn.execute(sa.delete(T.articles).where(old, ~matched)).rowcount
            emptied = conn.execute(
                sa.update(T.articles).where(old, matched, T.articles.c.text != "").values(text="")
            ).rowcount
        return int(deleted), int(emptied)

    def count(self, since: datetime | None = None) -> int:
        """How many stories are stored (first seen since `since`, when given)."""
        query = sa.select(sa.func.count()).select_from(T.articles)
        if since is not None:
            query = query.where(T.articles.c.first_seen >= since)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def since(self, since: datetime) -> Iterator[list[tuple[int, Article]]]:
        """Articles first seen since `since`, in chunks of REPLAY_CHUNK (ids ascending)."""
        last = 0
        while True:
            query = (
                sa.select(T.articles)
                .where(T.articles.c.first_seen >= since, T.articles.c.id > last)
                .order_by(T.articles.c.id)
                .limit(REPLAY_CHUNK)
            )
            with self._engine.connect() as conn:
                chunk = [(row.id, rows.article(row)) for row in conn.execute(query)]
            if not chunk:
                return
            yield chunk
            last = chunk[-1][0]


def _stored(
    conn: Connection, articles: Sequence[Article], columns: Sequence[Any] | None = None
) -> list[Any]:
    """Stored rows with one of the articles' keys, or the body of one that has none."""
    columns = columns or (
        T.articles.c.id,
        T.articles.c.key,
        T.articles.c.content_hash,
        T.articles.c.fingerprint,
    )
    found = rows.select_in(conn, columns, T.articles.c.key, {a.key for a in articles})
    keys = {row.key for row in found}
    bodies = {a.fingerprint for a in articles if a.key not in keys and a.fingerprint}
    return found + rows.select_in(conn, columns, T.articles.c.fingerprint, bodies)


def _write_stories(conn: Connection, stories: Stories) -> None:
    """Insert the new stories (learning their ids) and update the edited ones."""
    if stories.new:
        query = sa.insert(T.articles).returning(T.articles.c.key, T.articles.c.id)
        inserted = conn.execute(query, [s.values for s in stories.new])
        ids = {row.key: int(row.id) for row in inserted}
        for story in stories.new:
            story.id = ids[story.key]
    for story in stories.edited.values():
        conn.execute(sa.update(T.articles).where(T.articles.c.id == story.ident), story.values)


def _touch(conn: Connection, article_ids: set[int], now: datetime) -> None:
    """Stories seen again unchanged: their last sighting (what retention goes by) moves on."""
    ids = sorted(article_ids)
    for start in range(0, len(ids), rows.CHUNK):
        chunk = ids[start : start + rows.CHUNK]
        conn.execute(sa.update(T.articles).where(T.articles.c.id.in_(chunk)).values(last_seen=now))


def _add_sources(
    conn: Connection, saved: Iterable[tuple[int, Article]], stored_ids: set[int]
) -> None:
    """Each (article, feed source, url) once; only stored articles can know some already."""
    wanted: dict[tuple[int, str, str], str] = {}
    for article_id, article in saved:
        wanted.setdefault((article_id, article.source, article.url or ""), article.feed)
    columns = (T.article_sources.c.article_id, T.article_sources.c.source, T.article_sources.c.url)
    known = set(
        map(tuple, rows.select_in(conn, columns, T.article_sources.c.article_id, stored_ids))
    )
    fresh = [
        {"article_id": article_id, "feed": feed, "source": source, "url": url}
        for (article_id, source, url), feed in wanted.items()
        if (article_id, source, url) not in known
    ]
    if fresh:
        conn.execute(sa.insert(T.article_sources), fresh)


def _add_matches(
    conn: Connection, found: Sequence[tuple[int, Sequence[Match]]], now: datetime
) -> list[NewMatch]:
    """Record matches the articles did not have: one SELECT of known pairs, one INSERT.
    Returns the new matches."""
    wanted: dict[tuple[int, str], dict[str, Any]] = {}
    for article_id, matches in found:
        for match in matches:
            wanted.setdefault((article_id, match.rule_id), rows.match_row(article_id, match, now))
    if not wanted:
        return []
    columns = (T.matches.c.article_id, T.matches.c.rule_id)
    known = set(
        map(tuple, rows.select_in(conn, columns, T.matches.c.article_id, {a for a, _ in wanted}))
    )
    fresh = [values for pair, values in wanted.items() if pair not in known]
    if not fresh:
        return []
    query = sa.insert(T.matches).returning(T.matches.c.id, sort_by_parameter_order=True)
    ids = conn.execute(query, fresh).scalars()
    return [
        NewMatch(int(i), values["rule_id"], values["article_id"])
        for i, values in zip(ids, fresh, strict=True)
    ]
