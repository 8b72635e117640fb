"""What `/metrics` serves: the daemon's counters (monitor.metrics.REGISTRY) and, read from the
store at scrape time, the owed deliveries by status and each feed's last success.

In: a Store and the configured feeds. Out: a prometheus_client Collector for
`generate_latest`. A store that does not answer gives `monitor_store_up 0`, not a failed
scrape, so the counters stay visible while the database is down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from monitor.errors import MonitorError
from monitor.metrics import REGISTRY
from monitor.model import DeliveryStatus
from monitor.store import Store

log = logging.getLogger(__name__)


class Scrape(Collector):
    """REGISTRY's metrics followed by the store's, collected afresh at each scrape."""

    def __init__(self, store: Store, feeds: Mapping[str, str]) -> None:
        self.store = store
        self.feeds = feeds  # name -> URL as configured: only these feeds are reported

    def collect(self) -> Iterable[Metric]:
        yield from REGISTRY.collect()
        yield from self.store_metrics()

    def store_metrics(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("monitor_store_up", "1 if the store answered this scrape")
        try:
            owed = self.store.reports.deliveries()
            states = self.store.feeds.states(self.feeds)
        except (sa.exc.SQLAlchemyError, MonitorError) as exc:
            log.warning("metrics: the store did not answer: %s", getattr(exc, "orig", None) or exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        depth = GaugeMetricFamily(
            "monitor_delivery_queue", "Deliveries by status", labels=["status"]
        )
        for status in DeliveryStatus:
            depth.add_metric([status.value], getattr(owed, status.value))
        last = GaugeMetricFamily(
            "monitor_feed_last_success_timestamp_seconds",
            "When each feed was last polled successfully (unix time)",
            labels=["feed"],
        )
        for name, state in sorted(states.items()):
            if state.last_success is not None:
                last.add_metric([name], state.last_success.timestamp())
        yield from (up, depth, last)
