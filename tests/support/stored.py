"""Sample values and helpers for the store tests: an article, a match, a store per backend."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from monitor.model import Alert, Article, Evidence, Match, RuleKind
from monitor.store import Ingested, Store

NOW = datetime(2024, 4, 22, 14, 0, tzinfo=UTC)
ARTICLE = Article(
    title="Lukashenka Meets With Jailed Opposition Leaders",
    text="Viktar Babaryka was among the prisoners.",
    url="https://example.org/a/1",
    source="RFE/RL",
    feed="seeds",
    published=datetime(2024, 4, 22, 13, 52, tzinfo=UTC),
)
BABARYKA = Match(
    "babaryka",
    RuleKind.PERSON,
    "Viktar Babaryka",
    (Evidence("Viktar Babaryka", "Viktar Babaryka was among the prisoners.", 50, 65, "name",
              "full name"),),
)  # fmt: skip
LONG_TEXT = " ".join(f"word{i}" for i in range(60))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url)
    yield opened
    opened.close()


def ingest(
    store: Store, articles: Sequence[Article], matches: Sequence[Match] = (), now: datetime = NOW
) -> Ingested:
    """Store a document's articles; every new or edited one matches `matches`."""
    return store.articles.ingest(articles, now, lambda article: matches)


def count(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def pending_alerts(store: Store, route: str, rule_ids: set[str] | None) -> list[Alert]:
    """Every alert the route has not carried yet, in full."""
    return store.deliveries.alerts([p.match_id for p in store.deliveries.pending(route, rule_ids)])
