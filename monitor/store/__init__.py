"""The store: feeds' state, articles seen, matches found, digests and the deliveries owed.

In: a database URL (SQLite by default, PostgreSQL too). Out: a Store whose parts each own
their tables and their transactions; no caller ever holds a connection:

- `store.feeds`     FeedStore: each feed's state between polls;
- `store.articles`  ArticleStore: a document's articles and their matches, in one unit;
- `store.jobs`      JobQueue, in multi-node mode only: procrastinate's jobs, queued in the
                      store's transactions;
- `store.evidence`  EvidenceStore: the documents matches were found in, archived;
- `store.standings` Standings: what stored articles taught about listed surnames;
- `store.deliveries`  Deliveries: digests, the deliveries owed for them and their claims
                      (a transactional queue: an alert is never lost, and never sent twice
                      by two relays). Not the outbox channel, which writes .eml files.

`StoreLock` keeps a second daemon off a store (see lock.py).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from monitor.errors import StoreError
from monitor.store.archive import NOTEWORTHY, EvidenceStore, Found, Kept
from monitor.store.articles import ArticleStore, Ingested, MatchFn, Saved
from monitor.store.bodies import FolderBodies, TableBodies, atomic_file
from monitor.store.candidates import Candidates
from monitor.store.deliveries import Deliveries
from monitor.store.engine import create_engine, error_text, redact, sqlite_path
from monitor.store.feeds import FeedStore
from monitor.store.jobs import QUEUE, Job, JobQueue
from monitor.store.lock import StoreLock
from monitor.store.reports import DailyMentions, DeliverySummary, Mention, MentionQuery, Reports
from monitor.store.standings import Standings
from monitor.store.tables import migrate

__all__ = [
    "NOTEWORTHY",
    "QUEUE",
    "ArticleStore",
    "Candidates",
    "DailyMentions",
    "Deliveries",
    "DeliverySummary",
    "EvidenceStore",
    "FeedStore",
    "Found",
    "Ingested",
    "Job",
    "JobQueue",
    "Kept",
    "MatchFn",
    "Mention",
    "MentionQuery",
    "Reports",
    "Saved",
    "Standings",
    "Store",
    "StoreLock",
    "atomic_file",
    "error_text",
    "sqlite_path",
]


class Store:
    def __init__(self, engine: sa.Engine, path: Path | None = None, *, jobs: bool = False) -> None:
        self.engine = engine
        self.feeds = FeedStore(engine)
        self.articles = ArticleStore(engine)
        self.candidates = Candidates(engine)
        # Archived bodies: in the data folder beside an SQLite file, else in the database.
        bodies = FolderBodies(path.parent / "evidence") if path else TableBodies(engine)
        self.evidence = EvidenceStore(engine, bodies)
        # Multi-node mode: owed deliveries get their jobs in the transaction that owes them.
        self.jobs = JobQueue(engine) if jobs else None
        self.deliveries = Deliveries(engine, self.jobs.owed if self.jobs else None)
        self.reports = Reports(engine)
        self.standings = Standings(engine)
        self._path = path
        self._identity = _file_identity(path)

    @classmethod
    def open(cls, url: str, *, jobs: bool = False) -> Store:
        """Connect and bring the schema up to date (safe when two processes start at once);
        `jobs`: multi-node mode's job queue too (PostgreSQL, procrastinate's tables)."""
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            engine = create_engine(url)
            migrate(engine)
        except sa.exc.NoSuchTableError as exc:
            raise StoreError(
                f"cannot open database {redact(url)}: table {exc} is missing; "
                "it was not made by monitor, or is damaged"
            ) from exc
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"cannot open database {redact(url)}: {getattr(exc, 'orig', None) or exc}"
            ) from exc
        store = cls(engine, path, jobs=jobs)
        if store.jobs is not None:
            store.jobs.ensure_schema()
        return store

    def check(self) -> None:
        """StoreError if the SQLite file was deleted or replaced since it was opened (a
        removed data folder): open connections would write to a file no one can read,
        and new ones to an empty one, so the daemon must stop and be restarted."""
        if self._path is not None and _file_identity(self._path) != self._identity:
            raise StoreError(
                f"the database file {self._path} was deleted or replaced while monitor was "
                "running; stopping (start monitor again to create a new one)"
            )

    def close(self) -> None:
        self.engine.dispose()


def _file_identity(path: Path | None) -> tuple[int, int] | None:
    try:
        found = path.stat() if path is not None else None
    except OSError:
        return None
    return (found.st_dev, found.st_ino) if found else None
