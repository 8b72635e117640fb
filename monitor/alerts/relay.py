"""The relay: deliveries owed and due in, each sent over its channel and its outcome
recorded out (a list of Sent and Failed, for the run summary).

One send per delivery, by design: relays in one process take turns (a lock), and each
delivery is claimed in the store before it is sent (a guarded UPDATE that only one relay,
in any process, can win). Each delivery fails alone: a bad target, a missing secret or a
bug in a channel costs that delivery an attempt, never the ones queued behind it. A failed
send stays owed and is retried with back-off (retry.py) until it is sent or given up.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from monitor import metrics
from monitor.alerts.retry import delivery_retry_at
from monitor.config import Route
from monitor.deliver import send
from monitor.errors import DeliveryError, EndpointGoneError
from monitor.model import Delivery
from monitor.store import Store
from monitor.targets import Target

log = logging.getLogger(__name__)

# How long a claim holds: far longer than any one send (SMTP and webhook time-outs are
# seconds); after it, another process may take over a delivery whose sender died.
LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class Sent:
    route: str
    channel: str
    target: str
    done: str  # what the channel did, e.g. "sent to a@x via smtp.x:587"


@dataclass(frozen=True)
class Failed:
    route: str
    channel: str
    target: str
    error: str
    retry_at: datetime | None  # None: given up (dead)


Outcome = Sent | Failed


class Relay:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store, self.clock = store, clock
        self.rng = random.Random()
        self._turn = threading.Lock()
        self._unrecorded: dict[int, datetime] = {}  # sent, not yet recorded: id -> when

    def relay(self, routes: Sequence[Route]) -> list[Outcome]:
        """Send every owed delivery that is due, each at most once; return what happened."""
        with self._turn:  # scheduler jobs call this from several threads: one at a time
            self.record_unrecorded()
            outcomes = []
            for delivery_id in self.store.deliveries.due(self.clock()):
                if delivery_id in self._unrecorded:
                    continue  # sent already: only its record is missing
                delivery = self.store.deliveries.claim(delivery_id, self.clock(), LEASE)
                if delivery is not None:  # None: another process has it, or sent it
                    outcomes.append(self._send(delivery, routes))
            return outcomes

    def unrecorded(self) -> int:
        return len(self._unrecorded)

    def record_unrecorded(self) -> None:
        """Record sends the database could not take at the time (see _record_sent)."""
        for delivery_id, sent_at in list(self._unrecorded.items()):
            try:
                self.store.deliveries.mark_sent(delivery_id, sent_at)
            except sa.exc.SQLAlchemyError:
                return  # still down: the next relay tries again
            del self._unrecorded[delivery_id]
            log.info("send recorded after the database came back", extra={"delivery": delivery_id})

    def relay_one(self, delivery_id: int, routes: Sequence[Route]) -> Outcome | None:
        """Send one owed delivery if it is due and no other relay has it (multi-node
        mode: its job); None when there was nothing to do."""
        with self._turn:
            delivery = self.store.deliveries.claim(delivery_id, self.clock(), LEASE)
            return None if delivery is None else self._send(delivery, routes)

    def _send(self, delivery: Delivery, routes: Sequence[Route]) -> Outcome:
        started = time.monotonic()
        outcome = self._attempt(delivery, routes)
        verdict = "sent" if isinstance(outcome, Sent) else "retry" if outcome.retry_at else "dead"
        metrics.record_delivery(delivery.channel, verdict, time.monotonic() - started)
        return outcome

    def _attempt(self, delivery: Delivery, routes: Sequence[Route]) -> Outcome:
        context = {"route": delivery.route, "channel": delivery.channel, "delivery": delivery.id}
        try:
            done = send(delivery, self._target(delivery, routes))
        except DeliveryError as exc:
            return self._failed(delivery, exc)
        except Exception as exc:  # a bug in one channel must not stop the deliveries behind it
            log.exception("unexpected error while sending", extra=context)
            return self._failed(delivery, DeliveryError(f"internal error: {exc}"))
        log.info("delivered: %s", done, extra=context)
        self._record_sent(delivery.id)
        return Sent(delivery.route, delivery.channel, delivery.target, done)

    def _record_sent(self, delivery_id: int) -> None:
        """Record a send that happened. Should the database refuse now (restarted, locked),
        the send is remembered here and recorded later, never repeated by this process."""
        try:
            self.store.deliveries.mark_sent(delivery_id, self.clock())
        except sa.exc.SQLAlchemyError as exc:
            self._unrecorded[delivery_id] = self.clock()
            log.warning(
                "sent, but the database did not record it (%s); recorded once it answers",
                getattr(exc, "orig", None) or exc,
                extra={"delivery": delivery_id},
            )

    def _target(self, delivery: Delivery, routes: Sequence[Route]) -> Target:
        route = next((r for r in routes if r.name == delivery.route), None)
        target = route.target(delivery.channel, delivery.target) if route else None
        if target is None:
            raise DeliveryError(
                f"route {delivery.route!r} has no {delivery.channel} target {delivery.target!r}"
                " any more (the config changed); not sent",
                permanent=True,
            )
        if (delivery.channel, delivery.target) in self.store.deliveries.disabled_endpoints():
            again = f"monitor deliveries --enable {delivery.channel} {delivery.target}"
            raise DeliveryError(
                f"endpoint disabled after HTTP 410, not sent (to send again: {again})",
                permanent=True,
            )
        return target

    def _failed(self, delivery: Delivery, exc: DeliveryError) -> Failed:
        now = self.clock()
        if isinstance(exc, EndpointGoneError):
            self.store.deliveries.disable_endpoint(delivery.channel, delivery.target, str(exc), now)
        retry_at = None
        if not exc.permanent:
            retry_at = delivery_retry_at(delivery.attempts, delivery.digest.created, now, self.rng)
        self.store.deliveries.mark_failed(delivery.id, str(exc), retry_at)
        verdict = f"retry at {retry_at:%Y-%m-%d %H:%M} UTC" if retry_at else "dead, not retried"
        context = {"route": delivery.route, "channel": delivery.channel, "delivery": delivery.id}
        log.error("delivery to %s failed: %s (%s)", delivery.target, exc, verdict, extra=context)
        return Failed(delivery.route, delivery.channel, delivery.target, str(exc), retry_at)
