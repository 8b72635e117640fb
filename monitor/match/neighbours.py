"""The given name written beside a surname in an article, and whether it is the rule's.

In: a compiled `Person`, the place of a surname in the article, the gender its form shows.
Out: the word beside it (before, or after in list order and bylines) that is a given name or
an initial, and whether it agrees with the rule's given names (any spelling, any case).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from monitor.language import (
    COMMON,
    Gender,
    consonants,
    given_names_of,
    given_stems,
    keys_of,
    name_genders,
    skeleton,
    stem_key,
    translit,
    zipf,
)
from monitor.match.people import Person
from monitor.match.spans import word_after, word_before

# Patronymics stand between a given name and a surname: Сергей Леонидович Тихановский.
PATRONYMIC = re.compile(r"(ovi[cč]|evi[cč]|avi[cč]|ovna|evna|[iy]chna|[iy]čna|awna|ai?ŭna)$")
_A_GENITIVE = re.compile(r"[^aeiouyj][yi]$")
_VOWEL_END = re.compile(r"[aeiouyаеёиоуыэюяієїйáéíóúýj]$", re.IGNORECASE)
MIN_GIVEN = 3  # letters of the shortest given name taken as one (Ян, Ivo); "AS" is none


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

    @cached_property
    def sides(self) -> tuple[tuple[int, int, bool] | None, tuple[int, int, bool] | None]:
        """The words a given name may be (before the surname, past a patronymic; after it,
        in lists), each with whether it is written as an initial: found once per place,
        however many listed people the surname may be."""
        text = self.text
        before = word_before(text, self.start)
        if before and PATRONYMIC.search(translit(text[before[0] : before[1]])):
            before = word_before(text, before[0])
        after = word_after(text, self.end)
        if after is None:
            return before, None
        initial = after[1] - after[0] == 1 and text[after[1] :][:1] == "."
        return before, (*after, initial)

    @cached_property
    def bare(self) -> bool:
        """No capitalised word beside it and no hyphen joining it to one: no given name,
        initial or other part of a double surname can name anyone here."""
        text, start, end = self.text, self.start, self.end
        if text[end : end + 1] == "-" or (start and text[start - 1] == "-"):
            return False
        return not any(side and text[side[0]].isupper() for side in self.sides)


class _Word(NamedTuple):
    """What a word beside a surname is, whoever the rule: read once per word."""

    latin: str
    key: str  # stem_key
    keys: frozenset[str]  # keys_of: its readings as a given name
    loose: frozenset[str]  # consonants of its given-name stems
    genders: frozenset[Gender]  # as a given name (empty: none)
    named: bool  # a given name in the table of equivalents


@functools.lru_cache(maxsize=1 << 15)
def _word(word: str) -> _Word:
    latin = translit(word)
    return _Word(
        latin,
        stem_key(latin),
        keys_of(latin),
        frozenset(consonants(s) for s in given_stems(latin)),
        name_genders(word),
        bool(given_names_of(word)),
    )


@dataclass(frozen=True)
class Given:
    start: int
    end: int
    agrees: bool
    known: bool  # a given name (or initial) at all
    exact: bool = False  # written as one of the rule's own spellings, not only alike


def _given_at(
    person: Person, place: Place, span: tuple[int, int], initial: bool, gender: Gender | None
) -> Given:
    word = place.text[span[0] : span[1]]
    if not word[:1].isupper():
        return Given(*span, False, False)
    if len(word) == 1:  # "V. Babaryka", "Гаврилова А.В.": compare first letters
        letter = skeleton(translit(word))[:1]
        return Given(*span, letter in person.initials, initial)
    facts = _word(word)
    own = facts.key in person.own_words
    agrees = own or bool(facts.keys & person.given_keys) or _loosely(person, facts)
    agrees = agrees and not _feminine_genitive_of_consonant_name(facts.latin, person)
    # In a headline in capitals every word looks like a name: there an everyday word is none.
    plain = word.isupper() and zipf(word, place.language) >= COMMON
    known = agrees or (not plain and _is_given_name(word, facts, gender))
    return Given(*span, agrees, known, own and agrees)


def _feminine_genitive_of_consonant_name(latin: str, person: Person) -> bool:
    """Аляксандры, Natalii, Wolhi are genitives of names in -a: they do not stand for a rule
    whose given names all end in a consonant (Aliaksandr)."""
    if not _A_GENITIVE.search(latin) or latin.endswith(("ovi", "owi", "evi")):
        return False  # Олександрові is his dative
    return not any(_VOWEL_END.search(g) for g in person.parts.given)


def _loosely(person: Person, facts: _Word) -> bool:
    """Consonants agree (Вячаслаў ~ Вячеславом) on a word that is a given name at all."""
    return bool(facts.loose & person.loose_keys) and bool(facts.genders)


def _is_given_name(word: str, facts: _Word, gender: Gender | None) -> bool:
    """A given name that could stand beside this surname form ('Жена Лосика' is no name:
    a woman's name cannot go with his genitive)."""
    genders = facts.genders | ({Gender.EITHER} if facts.named else set())
    if not genders or len(word) < MIN_GIVEN:
        return False
    return gender is None or any(g.agrees(gender) for g in genders)


def find_given(person: Person, place: Place, gender: Gender | None) -> Given | None:
    """The given name written beside the surname (before it, or after it in lists)."""
    for side in place.sides:
        if (
            side is not None
            and (found := _given_at(person, place, side[:2], side[2], gender)).known
        ):
            return found
    return None
