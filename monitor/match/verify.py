"""Deciding whether a surname found in an article names the rule's person.

In: one candidate reading of a capitalised word, where it sits in the article text, whether
the rule's context terms occur. Out: a `Verdict` (evidence span and reason) or a rejection reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.match.fold import skeleton, translit
from monitor.match.given_names import given_names_of, keys_of
from monitor.match.people import Candidate, Person
from monitor.match.text import script_label, starts_sentence, word_after, word_before

# Patronymics stand between a given name and a surname: Сергей Леонидович Тихановский.
_PATRONYMIC = re.compile(r"(ovi[cč]|evi[cč]|avi[cč]|ovna|evna|[iy]chna|[iy]čna|awna|ai?ŭna)$")


@dataclass(frozen=True)
class Verdict:
    counts: bool
    start: int
    end: int
    variant: str
    reason: str


@dataclass(frozen=True)
class Place:
    """Where a candidate surname sits: the article text, its span, the article language."""

    text: str
    start: int
    end: int
    language: str | None

    @property
    def word(self) -> str:
        return self.text[self.start : self.end]


@dataclass(frozen=True)
class _Given:
    start: int
    end: int
    agrees: bool
    known: bool  # a given name (or initial) at all


def _given_at(person: Person, text: str, span: tuple[int, int], initial: bool) -> _Given:
    word = text[span[0] : span[1]]
    if not word[:1].isupper():
        return _Given(*span, False, False)
    if initial and len(word) == 1:  # "V. Babaryka": compare first letters
        letter = skeleton(translit(word))[:1]
        return _Given(*span, letter in person.initials, True)
    agrees = bool(keys_of(translit(word)) & person.given_keys)
    return _Given(*span, agrees, agrees or bool(given_names_of(word)))


def find_given(person: Person, place: Place) -> _Given | None:
    """The given name written beside the surname (before it, or after it in lists)."""
    text = place.text
    before = word_before(text, place.start)
    if before and _PATRONYMIC.search(translit(text[before[0] : before[1]])):
        before = word_before(text, before[0])
    after = word_after(text, place.end)
    for found in (
        _given_at(person, text, before[:2], before[2]) if before else None,
        _given_at(person, text, after, False) if after else None,
    ):
        if found is not None and found.known:
            return found
    return None


def judge(person: Person, cand: Candidate, place: Place, context: str | None) -> Verdict:
    """Whether the surname at `place` counts for `person`, with the span and the reason."""
    start, end, form = place.start, place.end, cand.form
    language = script_label(place.word, place.language)
    variant = f"{cand.label} ({language}, {form.gender.value}, {form.case})"
    reasons = [f"context term '{context}' present"] if context else []
    if person.rule.context and not context:
        return Verdict(False, start, end, variant, "no context term present")
    given = find_given(person, place) if person.given_keys else None
    if given is not None:
        name = place.text[given.start : given.end]
        if not given.agrees:
            return Verdict(False, start, end, variant, f"given name {name} conflicts")
        reason = f"given name {name} agrees"
        reason += " (surname spelled close to the rule's)" if cand.loose else ""
        span = (min(start, given.start), max(end, given.end))
        return Verdict(True, *span, variant, "; ".join([reason, *reasons]))
    if cand.loose:
        return Verdict(False, start, end, variant, "spelling only close; needs its given name")
    if person.ordinary and not reasons:
        return _ordinary(place, variant)
    reasons = reasons or ["surname alone, no other given name beside it"]
    return Verdict(True, start, end, variant, "; ".join(reasons))


def _ordinary(place: Place, variant: str) -> Verdict:
    """An everyday word counts only as a capitalised name mid-sentence (not in German)."""
    word = place.word
    capitalised = word[:1].isupper() and not word.isupper()
    mid_sentence = not starts_sentence(place.text, place.start)
    if capitalised and mid_sentence and place.language != "de":
        return Verdict(True, place.start, place.end, variant, "capitalised mid-sentence")
    return Verdict(False, place.start, place.end, variant, "ordinary word, not used as a name")
