"""What the store's articles teach the rules in force, learned once a day.

In: the store (its articles of the last `learn_days`, and the standings learned before),
the rules in force. Out: `Standing`s kept in the store and put in force (`LiveRules.learn`),
so that a surname that is an everyday word but names one listed person in the news
(Лукашенко, Johnson) counts alone (see monitor.match.standing).

Every process that matches takes what any of them learned; the one that finds the last
learning a day old learns again. Two learning at once write the same counts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from monitor.clock import Clock
from monitor.match import Tally
from monitor.model import Standing
from monitor.rules.live import LiveRules
from monitor.store import Store

log = logging.getLogger(__name__)

LEARN_EVERY = timedelta(days=1)


class Learner:
    def __init__(
        self, store: Store, rules: LiveRules, clock: Clock, days: Callable[[], int]
    ) -> None:
        self.store, self.rules, self.clock, self.days = store, rules, clock, days

    def due(self, *, learn: bool = True) -> bool:
        """Put in force what was learned last, learning anew (with `learn`) when that is a
        day old or `learn_days` changed; True when the rules in force changed."""
        days = self.days()
        if not days:
            return self.rules.learn(())
        standings, learned, counted = self.store.standings.learned()
        stale = learned is None or self.clock() - learned >= LEARN_EVERY
        if learn and (stale or counted != days):
            standings = self.learn(days)
        return self.rules.learn(standings)

    def learn(self, days: int) -> tuple[Standing, ...]:
        """Count the surnames of the rules in force in the articles first seen in the last
        `days`, and keep the counts in the store."""
        now = self.clock()
        tally = Tally(self.rules.active.matcher, days)
        read = 0
        for chunk in self.store.articles.since(now - timedelta(days=days)):
            tally.add(article for _, article in chunk)
            read += len(chunk)
        standings = tally.standings()
        self.store.standings.replace(standings, now, days)
        log.info("learned from %d stored article(s) of the last %d days: %d listed surname(s) "
                 "seen", read, days, len(standings))  # fmt: skip
        return standings
