"""Shared fixtures: database URLs for the store tests (SQLite always, PostgreSQL when set),
and the fixtures of tests/support (loopback servers, a store per backend), registered once
here as plugins so every test module sees them without importing them.

PostgreSQL tests use MONITOR_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/test).
Without it they skip with the reason; with MONITOR_REQUIRE_POSTGRES=1 (as .ci/run sets) a
missing or unreachable server fails them instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import configuration

# Hypothesis keeps its example database in the working folder by default: tests write
# nothing into the source tree, so it goes to a folder of its own for the run.
configuration.set_hypothesis_home_dir(tempfile.mkdtemp(prefix="monitor-hypothesis-"))

# Fixture modules of tests/support, registered once here and visible in every test module:
# `feed_server` (feedserver), `webhook_sink` and `silent_url` (sink), `smtp_server`,
# `smtp_starttls_server`, `smtp_tls_server` and `tls_files` (smtp), `clock` and
# `make_pipeline` (pipelines), `store` (stored). A test module imports their helpers, never
# the fixtures themselves. A module that imports another of these comes after it (so pytest
# imports each as a plugin first and rewrites its asserts).
pytest_plugins = [
    "tests.support.feedserver",
    "tests.support.sink",
    "tests.support.smtp",
    "tests.support.pipelines",
    "tests.support.stored",
]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
RULES = ROOT / "rules"
SAMPLE = SEEDS / "000_67381386b628dac9.txt"
PG_ENV = "MONITOR_TEST_POSTGRES_URL"
# The people of the sample article, as ids of the bundled rules.
SAMPLE_PEOPLE_IDS = {
    "babaryka",
    "vlasova",
    "shkliarov",
    "tsikhanouski",
    "tsikhanouskaya",
    "latushka",
}


def _postgres_or_skip() -> str:
    url = os.environ.get(PG_ENV)
    required = os.environ.get("MONITOR_REQUIRE_POSTGRES") == "1"
    if not url:
        reason = f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)"
        if required:
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    import sqlalchemy as sa

    base = _postgres_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine_url = base.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        engine = sa.create_engine(engine_url)
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        if os.environ.get("MONITOR_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL at {base} unreachable: {exc.orig}")
        pytest.skip(f"PostgreSQL at {base} unreachable: {exc.orig}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs against SQLite and against PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'monitor.db'}"
    return str(request.getfixturevalue("postgres_url"))
