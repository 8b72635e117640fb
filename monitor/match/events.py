"""Event rules: one `any` term, optionally `near` another within N words, unless a `not` term.

In: the rules, the term hits of one article and its text. Out: (rule index, Verdict)
for each `any` hit, saying whether and why it counts.
"""

from __future__ import annotations

from collections.abc import Iterator

from monitor.match.decide import Verdict
from monitor.match.spans import words_between
from monitor.match.terms import Role, TermHit
from monitor.model import EventRule, Rule

# No real word is longer: hits further apart than this many characters per word are too far.
_MAX_WORD = 64


def _by_rule(hits: list[TermHit]) -> dict[int, dict[Role, list[TermHit]]]:
    grouped: dict[int, dict[Role, list[TermHit]]] = {}
    for hit in hits:
        if hit.term.role is not Role.CONTEXT:
            grouped.setdefault(hit.term.rule, {}).setdefault(hit.term.role, []).append(hit)
    return grouped


def _words_apart(text: str, a: TermHit, b: TermHit, within: int) -> int | None:
    """Words between the starts of two hits, or None when clearly more than `within`."""
    first, second = sorted((a.start, b.start))
    if second - first > (within + 1) * _MAX_WORD:
        return None
    return words_between(text, first, second)


def _reason(
    rule: EventRule, hit: TermHit, roles: dict[Role, list[TermHit]], text: str
) -> tuple[str, TermHit | None] | None:
    """Why an `any` hit counts, and the `near` hit it stood close to (None: the rule has
    none); None when no `near` term is close enough."""
    if not rule.near:
        return f"term '{hit.term.written}' present", None
    close = [
        (apart, rule.near.index(near.term.written), near.start, near)
        for near in roles.get(Role.NEAR, [])
        if (apart := _words_apart(text, hit, near, rule.within)) is not None
        and apart <= rule.within
    ]
    if close:
        near = min(close, key=lambda found: found[:3])[3]
        return f"near '{near.term.written}' within {rule.within} words", near
    return None


def event_verdicts(
    rules: tuple[Rule, ...], hits: list[TermHit], text: str
) -> Iterator[tuple[int, Verdict]]:
    for index, roles in sorted(_by_rule(hits).items()):
        rule = rules[index]
        assert isinstance(rule, EventRule)  # only event rules own any/near/not terms
        vetoes = roles.get(Role.NOT, [])
        for hit in roles.get(Role.ANY, []):
            variant = f"any: {hit.term.written}"
            if vetoes:
                yield index, Verdict(False, hit.start, hit.end, variant, _veto(vetoes[0]))
            elif (found := _reason(rule, hit, roles, text)) is not None:
                reason, near = found
                basis, terms = _basis(rule, text, hit, near)
                yield index, Verdict(True, hit.start, hit.end, variant, reason, basis, terms)
            else:
                far = f"no near term within {rule.within} words"
                yield index, Verdict(False, hit.start, hit.end, variant, far)


def _basis(
    rule: EventRule, text: str, hit: TermHit, near: TermHit | None
) -> tuple[str, tuple[str, ...]]:
    """A digest's words for an event hit: the words as the article writes them (not the
    rule's patterns), and the near word it stood close to."""
    term = text[hit.start : hit.end]
    if near is None:
        return "term", (term,)
    return "near", (term, text[near.start : near.end], str(rule.within))


def _veto(hit: TermHit) -> str:
    return f"vetoed by not-term '{hit.term.written}'"
