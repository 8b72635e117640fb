"""The digest stage: a route's pending alerts in, one rendered digest owed to each of the
route's targets out (in the store's outbox, for the relay to send).

A digest stays readable and deliverable however many alerts are pending: it shows the
strongest (per rule at most PER_RULE, in all at most SHOWN: the stories seen at most
sources, then the newest) and counts the rest, which it still carries, so they are not
sent again. It says when a rule matched an unusual share of the day's articles. The digest
is rendered once, in every form its targets need, and written with the claim of all its
alerts and its owed deliveries in one transaction. Should another process claim some of
the same alerts first, nothing is written and the alerts are read again.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from monitor.clock import Clock
from monitor.config import Route
from monitor.discover import on_list, unlisted
from monitor.model import Alert, Candidate, Digest, Pending, Priority
from monitor.model import DeliveryStatus as S
from monitor.poll import failing_too_long
from monitor.render import Footer, Volume, render_digest
from monitor.rules import Active
from monitor.store import Store

log = logging.getLogger(__name__)

# Another process claiming the same alerts first is rare (one daemon per store; in
# multi-node mode a route's digests take turns); past this many tries, wait for the next run.
MAX_TRIES = 3
PER_RULE = 20  # stories shown per rule
SHOWN = 200  # stories shown in all
# Text and HTML together stay under this many characters (an .eml well under 2 MB): past
# it, fewer stories are shown (hostile feeds can make long titles and many sources).
MAX_CHARS = 1_000_000
# A rule is "probably too broad" when it matched at least this share of the articles seen
# in the last day, and at least BROAD_MIN of them.
BROAD_SHARE = 0.25
BROAD_MIN = 20
DAY = timedelta(days=1)
CANDIDATE_DAYS = timedelta(days=7)  # a route's first digest shows the last week's candidates


class Digester:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store, self.clock = store, clock

    def make(self, route: Route, active: Active, *, urgent_only: bool = False) -> int:
        """Render the route's pending alerts into one digest owed to each of its targets;
        return how many deliveries are now owed (0: nothing to send). With urgent_only,
        only `priority: high` alerts go now (none on a route with `urgent = false`); the
        rest wait for the schedule."""
        if urgent_only and not route.urgent:
            return 0
        for _ in range(MAX_TRIES):
            pending = self.pending(route, active, urgent_only=urgent_only)
            if not pending:
                return 0
            digest = self.render(route, pending, active)
            targets = [(target.channel, target.key) for target in route.targets]
            owed = self.store.deliveries.create_digest(digest, targets, self.clock())
            if owed is not None:
                context = {"route": route.name}
                log.info("digest of %d alerts owed to %d targets", len(pending), len(owed),
                         extra=context)  # fmt: skip
                return len(owed)
            log.info("another process took some of these alerts first", extra={"route": route.name})
        # They stay pending: the next digest of the route carries whatever is left.
        log.warning("alerts taken by others %d times running; trying again later", MAX_TRIES,
                    extra={"route": route.name})  # fmt: skip
        return 0

    def pending(self, route: Route, active: Active, *, urgent_only: bool = False) -> list[Pending]:
        """What the route has not carried yet (only `priority: high` ones if urgent_only)."""
        pending = self.store.deliveries.pending(route.name, route.selected(active.rules))
        if not urgent_only:
            return pending
        high = _high(active)
        return [p for p in pending if p.rule_id in high]

    def render(self, route: Route, pending: Sequence[Pending], active: Active) -> Digest:
        """The digest of `pending`: the strongest shown, all counted and carried."""
        footer, now = self.footer(active.errors), self.clock()
        key = f"dg_{secrets.token_hex(8)}"  # unique across databases, unlike a row id
        broad = self._broad(pending, now)
        candidates = self.candidates(route, active, now)
        # Archived pages found removed or changed since the route's last digest.
        since = self.store.candidates.last_digest(route.name) or now - CANDIDATE_DAYS
        changes = self.store.evidence.changes(since)
        per_rule, shown = PER_RULE, SHOWN
        while True:
            chosen = choose(pending, _high(active), per_rule, shown)
            alerts = self._alerts(chosen, active)
            volume = measure(pending, chosen, broad)
            digest = render_digest(route.name, alerts, now, look=route.look, key=key,
                                   footer=footer, volume=volume, candidates=candidates,
                                   changes=changes)  # fmt: skip
            if len(digest.text) + len(digest.html) <= MAX_CHARS or len(chosen) <= 1:
                return replace(digest, match_ids=tuple(p.match_id for p in pending))
            per_rule, shown = max(1, per_rule // 2), max(1, len(chosen) // 2)

    def candidates(self, route: Route, active: Active, now: datetime) -> list[Candidate]:
        """People not on the list yet, seen since the route's last digest (or in the last
        CANDIDATE_DAYS), whom the rules in force still do not name."""
        since = self.store.candidates.last_digest(route.name) or now - CANDIDATE_DAYS
        return unlisted(self.store.candidates.listed(since), on_list(active.matcher))

    def _alerts(self, match_ids: Sequence[int], active: Active) -> list[Alert]:
        """The chosen alerts in full, with their rule's tags and priority."""
        rules = active.rules.by_id()
        return [
            replace(alert, tags=rule.tags, priority=rule.priority)
            if (rule := rules.get(alert.match.rule_id))
            else alert
            for alert in self.store.deliveries.alerts(match_ids)
        ]

    def _broad(self, pending: Sequence[Pending], now: datetime) -> tuple[tuple[str, int, int], ...]:
        """Rules that matched an unusual share of the day's articles: (name, n, articles)."""
        counts = Counter(p.rule_id for p in pending)
        if max(counts.values(), default=0) < BROAD_MIN:
            return ()
        articles = self.store.articles.count(since=now - DAY)
        names = {p.rule_id: p.name for p in pending}
        return tuple(
            (names[rule], n, articles)
            for rule, n in sorted(counts.items())
            if n >= BROAD_MIN and articles and n / articles >= BROAD_SHARE
        )

    def footer(self, rule_errors: tuple[str, ...]) -> Footer:
        """Failing feeds, broken rule edits and given-up deliveries, for the digest footer."""
        now = self.clock()
        failing = [
            f"{name}: {state.last_error} (failing since {state.failing_since:%Y-%m-%d %H:%M} UTC)"
            for name, state in self.store.feeds.states().items()
            if failing_too_long(state, now)
        ]
        dead = [
            f"{record.channel} {record.target}: {record.problem}"
            for record in self.store.deliveries.records([S.DEAD])
        ]
        return Footer(tuple(failing), rule_errors, tuple(dead))


def choose(pending: Sequence[Pending], high: set[str], per_rule: int, shown: int) -> list[int]:
    """The match ids to show: rules in the digest's order (high priority first, then by
    name), each its strongest `per_rule`, until `shown` in all."""
    by_rule: dict[str, list[Pending]] = {}
    for item in pending:
        by_rule.setdefault(item.rule_id, []).append(item)
    order = sorted(by_rule, key=lambda r: (r not in high, by_rule[r][0].name.casefold(), r))
    chosen: list[int] = []
    for rule in order:
        room = min(per_rule, shown - len(chosen))
        if room <= 0:
            break
        chosen += [p.match_id for p in sorted(by_rule[rule], key=_strength)[:room]]
    return chosen


def _strength(item: Pending) -> tuple[int, float, int]:
    """Seen at more sources first, then the newest, then the latest matched."""
    stamp = item.published.timestamp() if item.published else 0.0
    return (-item.sources, -stamp, -item.match_id)


def measure(
    pending: Sequence[Pending], chosen: Sequence[int], broad: tuple[tuple[str, int, int], ...]
) -> Volume:
    """What a digest showing `chosen` of `pending` leaves out, by rule."""
    counts = Counter(p.rule_id for p in pending)
    shown = Counter(p.rule_id for p in pending if p.match_id in set(chosen))
    names = {p.rule_id: p.name for p in pending}
    more = {rule: n - shown[rule] for rule, n in counts.items() if shown[rule] and n > shown[rule]}
    hidden = tuple((names[rule], n) for rule, n in sorted(counts.items()) if not shown[rule])
    return Volume(len(pending), more, hidden, broad)


def _high(active: Active) -> set[str]:
    return {rule.id for rule in active.rules.all() if rule.priority is Priority.HIGH}
