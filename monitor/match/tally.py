"""Counting how listed surnames stand in stored articles (see monitor.match.standing).

In: a `Matcher` and articles, in as many chunks as a store is read in. Out: a `Standing`
per listed person whose surname the articles hold: articles naming the person in full,
with another given name beside the surname, with it lower-case, with it at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from monitor.match.matcher import Matcher
from monitor.match.people import surname_of
from monitor.match.verify import Kind
from monitor.model import Article, PersonRule, Standing


@dataclass
class _Counts:
    named: int = 0
    others: int = 0
    lower: int = 0
    seen: int = 0


@dataclass
class Tally:
    """Counts over articles, added to one article at a time (a store is read in chunks)."""

    matcher: Matcher
    days: int
    counts: dict[int, _Counts] = field(default_factory=dict)

    def add(self, articles: Iterable[Article]) -> None:
        for article in articles:
            self._add(article.full_text, article.language)

    def _add(self, text: str, language: str | None) -> None:
        named: set[int] = set()
        others: set[int] = set()
        seen: set[int] = set()
        for s in self.matcher.sightings(text, language):
            seen.add(s.person)
            if s.kind is Kind.FULL:
                named.add(s.person)
            elif s.conflict:
                others.add(s.person)
        lower = self.matcher.lower_case_readings(text)
        for person in seen | lower:
            counts = self.counts.setdefault(person, _Counts())
            counts.named += person in named
            counts.others += person in others
            counts.lower += person in lower
            counts.seen += 1

    def standings(self) -> tuple[Standing, ...]:
        """One Standing per person whose surname the articles held, by rule id (as the
        store keeps them, so that the same counts compare equal)."""
        found = []
        for person, c in self.counts.items():
            rule = self.matcher.rules[person]  # people come first among the rules
            assert isinstance(rule, PersonRule)
            found.append(Standing(rule.id, surname_of(rule), c.named, c.others, c.lower,
                                  c.seen, self.days))  # fmt: skip
        return tuple(sorted(found, key=lambda s: s.rule_id))
