"""The given name written beside a surname in an article, and whether it is the rule's.

In: a compiled `Person`, the place of a surname in the article, the gender its form shows.
Out: the word beside it (before, or after in list order and bylines) that is a given name or
an initial, and whether it agrees with the rule's given names (any spelling, any case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    latin = translit(word)
    own = stem_key(latin) in person.own_words
    agrees = own or bool(keys_of(latin) & person.given_keys) or _loosely(person, word)
    agrees = agrees and not _feminine_genitive_of_consonant_name(latin, person)
    # In a headline in capitals every word looks like a name: there an everyday word is none.
    plain = word.isupper() and zipf(word, place.language) >= COMMON
    known = agrees or (not plain and _is_given_name(word, gender))
    return Given(*span, agrees, known, own and agrees)


def _feminine_genitive_of_consonant_name(latin: str, person: Person) -> bool:
    """Аляксандры, Natalii, Wolhi are genitives of names in -a: they do not stand for a rule
    whose given names all end in a consonant (Aliaksandr)."""
    if not _A_GENITIVE.search(latin) or latin.endswith(("ovi", "owi", "evi")):
        return False  # Олександрові is his dative
    return not any(_VOWEL_END.search(g) for g in person.parts.given)


def _loosely(person: Person, word: str) -> bool:
    """Consonants agree (Вячаслаў ~ Вячеславом) on a word that is a given name at all."""
    stems = given_stems(translit(word))
    return any(consonants(s) in person.loose_keys for s in stems) and bool(name_genders(word))


def _is_given_name(word: str, gender: Gender | None) -> bool:
    """A given name that could stand beside this surname form ('Жена Лосика' is no name:
    a woman's name cannot go with his genitive)."""
    genders = name_genders(word) | ({Gender.EITHER} if given_names_of(word) else set())
    if not genders or len(word) < MIN_GIVEN:
        return False
    return gender is None or any(g.agrees(gender) for g in genders)


def find_given(person: Person, place: Place, gender: Gender | None) -> Given | None:
    """The given name written beside the surname (before it, or after it in lists)."""
    text = place.text
    before = word_before(text, place.start)
    if before and PATRONYMIC.search(translit(text[before[0] : before[1]])):
        before = word_before(text, before[0])
    after = word_after(text, place.end)
    initial_after = after is not None and after[1] - after[0] == 1 and text[after[1] :][:1] == "."
    for found in (
        _given_at(person, place, before[:2], before[2], gender) if before else None,
        _given_at(person, place, after, initial_after, gender) if after else None,
    ):
        if found is not None and found.known:
            return found
    return None
