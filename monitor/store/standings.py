"""What stored articles taught about listed surnames, kept between learnings.

In: `Standing`s counted over the articles of the last weeks (monitor.match.tally) and when.
Out: the standings last learned and when (`learned`), read by every process that matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from monitor.model import Standing
from monitor.store import tables as T
from monitor.store.engine import upsert, write

_FIELDS = ("surname", "named", "others", "lower", "seen", "days")
# The row of this rule id (no rule has an empty id) says when learning last ran, also when
# it found no listed surname at all: a process then waits for the next time, not the next tick.
_MARK = ""


class Learned(NamedTuple):
    standings: tuple[Standing, ...]  # in rule-id order
    when: datetime | None  # None: never learned
    days: int  # how far back it read


class Standings:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def replace(self, found: Sequence[Standing], now: datetime, days: int) -> None:
        """Keep `found` as what was learned at `now` from the last `days`, in place of what
        was before. Two processes learning at once leave one row per rule (upserts), and a
        rule no longer counted is removed."""
        mark = Standing(_MARK, "", 0, 0, 0, 0, days)
        rows = [{**asdict(s), "learned": now} for s in (mark, *found)]
        table = T.standings
        with write(self._engine) as conn:
            insert = upsert(conn, table)
            changed = {f: insert.excluded[f] for f in (*_FIELDS, "learned")}
            conn.execute(
                insert.on_conflict_do_update(index_elements=["rule_id"], set_=changed), rows
            )
            kept = [row["rule_id"] for row in rows]
            conn.execute(sa.delete(table).where(table.c.rule_id.not_in(kept)))

    def learned(self) -> Learned:
        """The standings last learned, when, and from how many days."""
        table = T.standings
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(table).order_by(table.c.rule_id)).all()
        standings = tuple(
            Standing(row.rule_id, *(getattr(row, f) for f in _FIELDS))
            for row in rows
            if row.rule_id != _MARK
        )
        mark = next((row for row in rows if row.rule_id == _MARK), None)
        return Learned(standings, mark.learned if mark else None, mark.days if mark else 0)
