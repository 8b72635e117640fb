"""The digest stage: a route's pending alerts in, one rendered digest owed to each of the
route's targets out (in the store's outbox, for the relay to send).

The digest is rendered once, in every form its targets need, and written with the claim
of its alerts and its owed deliveries in one transaction. Should another process claim
some of the same alerts first, nothing is written and the alerts are read again.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from monitor import health
from monitor.live_rules import Active
from monitor.model import Alert, Digest, Priority
from monitor.model import DeliveryStatus as S
from monitor.render import Footer, render_digest
from monitor.routes import Route
from monitor.store import Store

log = logging.getLogger(__name__)

# Another process claiming the same alerts first is rare; past this many tries it is a bug.
MAX_TRIES = 3


class Digester:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store, self.clock = store, clock

    def make(self, route: Route, active: Active, *, urgent_only: bool = False) -> int:
        """Render the route's pending alerts into one digest owed to each of its targets;
        return how many deliveries are now owed (0: nothing to send). With urgent_only,
        only `priority: high` alerts go now; the rest wait for the schedule."""
        for _ in range(MAX_TRIES):
            alerts = self.pending(route, active)
            if urgent_only:
                alerts = [a for a in alerts if a.priority is Priority.HIGH]
            if not alerts:
                return 0
            digest = self.render(route, alerts, active)
            targets = [(target.channel, target.key) for target in route.targets]
            owed = self.store.outbox.create_digest(digest, targets, self.clock())
            if owed is not None:
                log.info("digest of %d alerts owed to %d targets", len(alerts), len(owed),
                         extra={"route": route.name})  # fmt: skip
                return len(owed)
            log.info("another process took some of these alerts first", extra={"route": route.name})
        raise RuntimeError(f"route {route.name}: alerts taken by others {MAX_TRIES} times running")

    def pending(self, route: Route, active: Active) -> list[Alert]:
        """Alerts the route has not carried yet, with their rule's tags and priority."""
        alerts = self.store.outbox.pending_alerts(route.name, route.selected(active.rules))
        rules = active.rules.by_id()
        return [
            replace(alert, tags=rule.tags, priority=rule.priority)
            if (rule := rules.get(alert.match.rule_id))
            else alert
            for alert in alerts
        ]

    def render(self, route: Route, alerts: list[Alert], active: Active) -> Digest:
        footer = self.footer(active.errors)
        key = f"dg_{secrets.token_hex(8)}"  # unique across databases, unlike a row id
        return render_digest(
            route.name, alerts, self.clock(), look=route.look, key=key, footer=footer
        )

    def footer(self, rule_errors: tuple[str, ...]) -> Footer:
        """Failing feeds, broken rule edits and given-up deliveries, for the digest footer."""
        now = self.clock()
        failing = [
            f"{name}: {state.last_error} (failing since {state.failing_since:%Y-%m-%d %H:%M} UTC)"
            for name, state in self.store.feeds.states().items()
            if health.failing_too_long(state, now)
        ]
        dead = [
            f"{record.channel} {record.target}: {record.last_error}"
            for record in self.store.outbox.records([S.DEAD])
        ]
        return Footer(tuple(failing), rule_errors, tuple(dead))
