"""Candidates in the store: sightings of people beside arrests and trials, and dismissals.

In: an article's `Sighting`s (monitor.discover.spot) with the story's id, or a key to
dismiss. Out: `Candidate`s, one per person key, ranked by distinct sources, then by the
newest sighting; dismissed keys are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from monitor.model import Article, Candidate
from monitor.store import tables as T
from monitor.store.engine import upsert, write

if TYPE_CHECKING:
    from monitor.discover import Sighting

KEPT_SENTENCES = 3


class Candidates:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(
        self, found: Iterable[tuple[int, Article, Sequence[Sighting]]], now: datetime
    ) -> int:
        """Store each story's sightings (a story seen again replaces its own); how many."""
        rows = [
            {"key": s.key, "article_id": ident, "name": s.name,
             "variants": json.dumps(list(s.variants), ensure_ascii=False),
             "sentence": s.sentence, "title": article.title, "url": article.url,
             "source": article.source or article.feed, "seen": now}
            for ident, article, sightings in found
            for s in sightings
        ]  # fmt: skip
        # One row per person and story (PostgreSQL refuses to update a row twice in one
        # statement): the last wins, as a later copy would.
        rows = list({(row["key"], row["article_id"]): row for row in rows}.values())
        if not rows:
            return 0
        # Two processes may record the same story (a feed polled by both): the store
        # arbitrates, the later copy of a story's sighting replaces the earlier.
        with write(self._engine) as conn:
            insert = upsert(conn, T.candidate_sightings)
            changed = {c: insert.excluded[c] for c in ("name", "variants", "sentence", "title",
                                                        "url", "source", "seen")}  # fmt: skip
            conn.execute(
                insert.on_conflict_do_update(index_elements=["key", "article_id"], set_=changed),
                rows,
            )
        return len(rows)

    def dismiss(self, key: str, now: datetime) -> bool:
        """Never list this person again; False if no sighting has that key."""
        table, gone = T.candidate_sightings, T.candidate_dismissals
        with write(self._engine) as conn:
            known = conn.execute(sa.select(table.c.id).where(table.c.key == key).limit(1)).first()
            if known is None:
                return False
            conn.execute(sa.delete(gone).where(gone.c.key == key))
            conn.execute(sa.insert(gone), {"key": key, "dismissed": now})
        return True

    def prune(self, before: datetime) -> int:
        """Forget sightings older than `before` (retention_days); dismissals stay."""
        table = T.candidate_sightings
        with write(self._engine) as conn:
            gone = conn.execute(sa.delete(table).where(table.c.seen < before)).rowcount
        return int(gone or 0)

    def last_digest(self, route: str) -> datetime | None:
        """When the route's last digest was made: its candidates are those seen since."""
        query = sa.select(sa.func.max(T.digests.c.created)).where(T.digests.c.route == route)
        with self._engine.connect() as conn:
            found: datetime | None = conn.execute(query).scalar()
        return found

    def listed(self, since: datetime | None = None) -> list[Candidate]:
        """Every candidate not dismissed, seen since `since`, strongest first."""
        table, gone = T.candidate_sightings, T.candidate_dismissals
        query = sa.select(table).where(table.c.key.not_in(sa.select(gone.c.key)))
        if since is not None:
            query = query.where(table.c.seen >= since)
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(table.c.seen.desc(), table.c.id.desc())).all()
        groups: dict[str, list[Any]] = {}
        for row in rows:
            groups.setdefault(row.key, []).append(row)
        found = [_candidate(key, group) for key, group in groups.items()]
        return sorted(found, key=lambda c: (-len(c.sources), -c.last_seen.timestamp(), c.key))


def _candidate(key: str, rows: list[Any]) -> Candidate:
    """One person from their sightings, the newest first."""
    variants: dict[str, None] = {}
    for row in rows:
        variants.update(dict.fromkeys(json.loads(row.variants)))
        variants[row.name] = None
    names = [row.name for row in rows]
    latin = [n for n in names if n.isascii()]
    name = max(latin or names, key=lambda n: (names.count(n), n))
    return Candidate(
        key=key,
        name=name,
        variants=tuple(variants),
        articles=len({row.article_id for row in rows}),
        sources=tuple(dict.fromkeys(row.source for row in rows)),
        first_seen=min(row.seen for row in rows),
        last_seen=max(row.seen for row in rows),
        sentences=tuple(dict.fromkeys(row.sentence for row in rows))[:KEPT_SENTENCES],
        links=tuple((row.title, row.url) for row in rows[:KEPT_SENTENCES]),
        names=tuple(dict.fromkeys(names)),
    )
