"""Ways to take the daemon's store away, and to skip the wait after an outage. In: a
database URL (and the daemon's pid); out: owed deliveries made due, the daemon's PostgreSQL
connections dropped or the server restarted, a SQLite file held locked by another process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import pytest
import sqlalchemy as sa

from monitor.model import DeliveryStatus
from monitor.store.engine import create_engine, sqlalchemy_url, write
from monitor.store.tables import deliveries
from tests.conftest import _postgres_or_skip

# Set on the daemon's database URL, so that only its connections are dropped: a test must
# not cut the sessions of other tests (or people) using the same database.
APPLICATION = "monitor-reliability"


@contextmanager
def connected(database_url: str) -> Iterator[sa.Engine]:
    """An engine of the test's own: never tagged, so drop_connections spares it."""
    url = sa.engine.make_url(database_url).difference_update_query(["application_name"])
    engine = create_engine(url.render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()


def skip_backoff(database_url: str) -> int:
    """Make every owed delivery due now, as if its back-off (a minute or more after a
    failure) had passed; how many. The daemon sends them on its next tick."""
    owed = deliveries.c.status == DeliveryStatus.PENDING.value
    with connected(database_url) as engine, write(engine) as conn:
        done = conn.execute(sa.update(deliveries).where(owed).values(next_attempt=_now()))
    return int(done.rowcount)


def _now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def row_locked(database_url: str, delivery_id: int) -> Iterator[None]:
    """Hold a delivery's row (SELECT ... FOR UPDATE) for the block: the daemon's record of
    its send waits."""
    query = sa.select(deliveries.c.id).where(deliveries.c.id == delivery_id).with_for_update()
    with connected(database_url) as engine, engine.begin() as conn:
        assert conn.execute(query).scalar() == delivery_id
        yield


def waiting_on_a_lock(database_url: str) -> bool:
    """Whether a session of the daemon waits for a lock (PostgreSQL)."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND application_name = :app AND wait_event_type = 'Lock'"
    )
    with connected(database_url) as engine, engine.connect() as conn:
        return bool(conn.execute(query, {"app": APPLICATION}).scalar())


def tagged(postgres_url: str) -> str:
    """The URL with this suite's application_name, for drop_connections to find."""
    return f"{postgres_url}{'&' if '?' in postgres_url else '?'}application_name={APPLICATION}"


def drop_connections(database_url: str, daemon_pid: int) -> int:
    """Terminate the daemon's PostgreSQL sessions, its pool's and its store lock's (which
    names the daemon's pid), as a server restart would; how many."""
    query = sa.text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND (application_name = :app OR application_name LIKE :lock)"
    )
    with connected(database_url) as engine, engine.connect() as conn:
        found = conn.execute(query, {"app": APPLICATION, "lock": f"pid {daemon_pid} on %"})
        return sum(1 for (ended,) in found if ended)


@pytest.fixture
def restartable_postgres_url() -> Iterator[str]:
    """Like the `postgres_url` fixture (a fresh schema, dropped afterwards), but with a new
    connection for each step, so the schema is dropped even after a server restart."""
    base = _postgres_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(sqlalchemy_url(base), poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        ensure_postgres(base)
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def restart_postgres(database_url: str) -> None:
    """`pg_ctlcluster ... restart` of the local cluster, back when this returns."""
    subprocess.run(_pg_ctlcluster("restart"), check=True, capture_output=True, timeout=120)
    wait_postgres(database_url)


def ensure_postgres(database_url: str) -> None:
    """For a `finally`: start the cluster if a restart left it down; wait until it answers."""
    if not _ready(database_url):
        subprocess.run(_pg_ctlcluster("start"), capture_output=True, timeout=120)
    wait_postgres(database_url)


def wait_postgres(database_url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not _ready(database_url):
        assert time.monotonic() < deadline, f"PostgreSQL not ready within {timeout:g}s"
        time.sleep(0.2)


def _ready(database_url: str) -> bool:
    url = sa.engine.make_url(database_url)
    where = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)]
    return subprocess.run(["pg_isready", "-q", *where], timeout=30).returncode == 0


def _pg_ctlcluster(action: str) -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]


# Holds the write lock until a line arrives on stdin (or stdin closes).
_LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
"""


class SqliteLock:
    """Another process holding `BEGIN EXCLUSIVE` on a SQLite file for the block: the
    daemon's writes wait (its busy timeout), its reads go on (WAL)."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> SqliteLock:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _LOCKER, str(self.database)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self._process.stdout is not None
        if self._process.stdout.readline() != "locked\n":
            self._process.kill()
            raise AssertionError(f"the locker failed: {self._process.communicate()[1]}")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._process is not None
        try:
            self._process.communicate("\n", timeout=30)  # release: COMMIT, then exit
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
