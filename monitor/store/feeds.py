"""Feeds' state between polls: a feed name in, its FeedState (validators, health) out.

A state belongs to the URL written in the config: edit a feed's URL and its old state no
longer applies (it is started afresh), while a permanent redirect only changes the URL in
use, `FeedState.url`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from monitor.model import FeedState
from monitor.store import rows
from monitor.store import tables as T
from monitor.store.engine import upsert, write


class FeedStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def states(self, configured: Mapping[str, str] | None = None) -> dict[str, FeedState]:
        """Every feed's state in one query; with `configured` (name -> URL in the config),
        only those feeds, and only while their configured URL is unchanged."""
        query = sa.select(T.feeds)
        if configured is not None and len(configured) <= rows.CHUNK:
            query = query.where(T.feeds.c.name.in_(sorted(configured)))
        with self._engine.connect() as conn:
            found = conn.execute(query).all()
        return {
            row.name: rows.feed_state(row)
            for row in found
            if configured is None or configured.get(row.name) == row.config_url
        }

    def state(self, name: str, config_url: str | None = None) -> FeedState | None:
        """One feed's state; None if unknown or (given `config_url`) its URL was edited."""
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(T.feeds).where(T.feeds.c.name == name)).first()
        if row is None or (config_url is not None and row.config_url != config_url):
            return None
        return rows.feed_state(row)

    def save(self, name: str, state: FeedState, config_url: str) -> None:
        self.save_many([(name, state, config_url)])

    def save_many(self, states: Sequence[tuple[str, FeedState, str]]) -> None:
        """Save (feed name, state, configured URL) of many feeds in one transaction: one
        UPDATE statement for the feeds known, one INSERT for the others."""
        values = {name: rows.feed_values(state, url) for name, state, url in states}
        if not values:
            return
        columns = next(iter(values.values()))
        update = (
            sa.update(T.feeds)
            .where(T.feeds.c.name == sa.bindparam("feed_name"))
            .values({column: sa.bindparam(column) for column in columns})
        )
        with write(self._engine) as conn:
            known = {
                row.name for row in rows.select_in(conn, [T.feeds.c.name], T.feeds.c.name, values)
            }
            changed = [{"feed_name": n, **v} for n, v in values.items() if n in known]
            fresh = [{"name": n, **v} for n, v in values.items() if n not in known]
            if changed:
                conn.execute(update, changed)
            if fresh:
                conn.execute(sa.insert(T.feeds), fresh)

    def claim_due(
        self, configured: Mapping[str, str], now: datetime, lease: timedelta
    ) -> list[str]:
        """For many workers on one store: the configured feeds (name -> URL) whose next check
        has come, each claimed until `now + lease` so no other worker takes it meanwhile.
        Rows are locked FOR UPDATE SKIP LOCKED: two workers claiming at once split the due
        feeds between them instead of waiting on each other or taking the same ones."""
        with write(self._engine) as conn:
            _insert_missing(conn, configured)
            due = (
                sa.select(T.feeds.c.name)
                .where(
                    T.feeds.c.name.in_(sorted(configured)),
                    T.feeds.c.disabled.is_(False),
                    sa.or_(T.feeds.c.next_check.is_(None), T.feeds.c.next_check <= now),
                )
                .with_for_update(skip_locked=True)
            )
            names = list(conn.execute(due).scalars())
            if names:
                claimed = T.feeds.c.name.in_(names)
                conn.execute(sa.update(T.feeds).where(claimed).values(next_check=now + lease))
        return names

    def pause_host(self, host: str, until: datetime) -> int:
        """No feed on `host` (host[:port] of its URL in use) is checked before `until`;
        how many feeds were held back."""
        escaped = host.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        on_host = sa.or_(
            T.feeds.c.url.ilike(f"%://{escaped}/%", escape="\\"),
            T.feeds.c.url.ilike(f"%://{escaped}", escape="\\"),
        )
        earlier = sa.or_(T.feeds.c.next_check.is_(None), T.feeds.c.next_check < until)
        with write(self._engine) as conn:
            done = conn.execute(sa.update(T.feeds).where(on_host, earlier).values(next_check=until))
        return int(done.rowcount or 0)

    def enable(self, name: str) -> bool:
        """Poll again a feed disabled after HTTP 410, at the next tick. False if unknown."""
        with write(self._engine) as conn:
            row = conn.execute(sa.select(T.feeds).where(T.feeds.c.name == name)).first()
            if row is None:
                return False
            state = replace(rows.feed_state(row), disabled=False, next_check=None)
            conn.execute(
                sa.update(T.feeds).where(T.feeds.c.name == name),
                rows.feed_values(state, row.config_url),
            )
        return True


def _insert_missing(conn: Connection, configured: Mapping[str, str]) -> None:
    """A row for each configured feed never seen; another worker may insert it too."""
    known = set(conn.execute(sa.select(T.feeds.c.name)).scalars())
    fresh = [
        {"name": name, **rows.feed_values(FeedState(url=url), url)}
        for name, url in configured.items()
        if name not in known
    ]
    if not fresh:
        return
    # Only workers of many machines insert so, at once: the first one's row stays.
    conn.execute(upsert(conn, T.feeds).on_conflict_do_nothing(index_elements=["name"]), fresh)
