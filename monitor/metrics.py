"""What the daemon counts, for Prometheus: stage outcomes in, metrics on one registry out.

The stages call the small `record_*` functions; `/metrics` (monitor.web) serves REGISTRY,
plus what is read from the store at scrape time (deliveries by status, each feed's last success).
Counters live in the process: they restart at zero with the daemon, as Prometheus expects.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

from monitor.model import FetchResult, FetchStatus

REGISTRY = CollectorRegistry()

POLLS = Counter(
    "monitor_polls", "Feeds polled, by outcome (ok, not_modified, error, gone)",
    ["outcome"], registry=REGISTRY,
)  # fmt: skip
FETCH_ERRORS = Counter(
    "monitor_fetch_errors", "Failed polls, by kind (http_4xx, http_5xx, timeout, network, "
    "too_big, internal, other)", ["kind"], registry=REGISTRY,
)  # fmt: skip
NEW_ARTICLES = Counter("monitor_new_articles", "New stories stored", registry=REGISTRY)
MATCHES = Counter("monitor_matches", "New matches, by rule", ["rule"], registry=REGISTRY)
DELIVERIES = Counter(
    "monitor_deliveries", "Delivery attempts, by channel and outcome (sent, retry, dead)",
    ["channel", "outcome"], registry=REGISTRY,
)  # fmt: skip
POLL_SECONDS = Histogram(
    "monitor_poll_seconds", "Duration of one poll of the due feeds", registry=REGISTRY,
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)  # fmt: skip
DELIVERY_SECONDS = Histogram(
    "monitor_delivery_seconds", "Duration of one send, by channel", ["channel"],
    registry=REGISTRY, buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)  # fmt: skip


def record_fetch(result: FetchResult) -> None:
    POLLS.labels(result.status.value).inc()
    if result.status is FetchStatus.ERROR:
        FETCH_ERRORS.labels(error_kind(result)).inc()


def error_kind(result: FetchResult) -> str:
    """A short, stable label for why a poll failed (labels must not carry free text)."""
    error = result.error or ""
    if result.http_status is not None and result.http_status >= 400:
        return "http_5xx" if result.http_status >= 500 else "http_4xx"
    if error.startswith("internal error"):
        return "internal"
    if "timed out" in error:
        return "timeout"
    if "exceeds" in error:
        return "too_big"
    if error.startswith(("connection", "cannot resolve", "protocol error")):
        return "network"
    return "other"


def record_ingest(new_articles: int, rules: list[str]) -> None:
    NEW_ARTICLES.inc(new_articles)
    for rule in rules:
        MATCHES.labels(rule).inc()


def record_delivery(channel: str, outcome: str, seconds: float) -> None:
    DELIVERIES.labels(channel, outcome).inc()
    DELIVERY_SECONDS.labels(channel).observe(seconds)
