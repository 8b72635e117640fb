"""Person rules compiled into one surname index, and the reading of one article word.

In: `PersonRule`s; later, one article word. Out: `PersonIndex`, a dict from surname-stem
skeleton to the rules it may name, and for a word every (rule, gender, case) it may be.
A word is read by a few dict lookups (one per possible ending), whatever the rule count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from monitor.match.common_words import ORDINARY_KEYS
from monitor.match.endings import Form, Gender, Stem, splits, stems_of
from monitor.match.fold import consonants, given_key, skeleton, translit
from monitor.match.given_names import forms_of, gender_of, given_names_of
from monitor.model import PersonRule

_POSSESSIVE = ("'s", "’s", "ʼs")
MIN_LOOSE = 4
_GERMAN_Z = re.compile(
    r"ts|c(?![hkzč])"
)  # consonants a stem needs before a vowel-blind lookup is worth trying


@dataclass(frozen=True)
class Person:
    """A compiled person rule: what its given name may look like, its gender."""

    rule: PersonRule
    surname: str  # as written in the rule, for --explain
    given: str | None
    given_keys: frozenset[str]  # given_key of every equivalent of the given name(s)
    initials: frozenset[str]  # first skeleton letter of those forms: V. Babaryka
    gender: Gender | None
    ordinary: bool  # the surname is also an everyday word


@dataclass(frozen=True)
class Entry:
    person: int  # position in PersonIndex.people
    stem: Stem
    label: str  # "surname Babaryka" or "aka Babariko"


@dataclass(frozen=True)
class Candidate:
    """One reading of an article word: this person, in this form."""

    person: int
    form: Form
    label: str
    loose: bool = False  # only the consonants agree: counts with an agreeing given name


def split_name(name: str) -> tuple[str | None, str]:
    """'Viktar Babaryka' -> ('Viktar', 'Babaryka'); 'Тихановский Сергей' -> ('Сергей', ...)."""
    words = name.split()
    if len(words) == 1:
        return None, words[0]
    if given_names_of(words[-1]) and not given_names_of(words[0]):
        return words[-1], words[0]
    return words[0], words[-1]


def _canonicals(given: str) -> frozenset[str]:
    """The table entries a rule's given name belongs to, exact spellings preferred."""
    found = given_names_of(given)
    exact = {c for c in found if given.lower() in {f.lower() for f in forms_of(c)}}
    return frozenset(exact or found)


def _given_keys(givens: list[str]) -> frozenset[str]:
    forms = [*givens]
    for given in givens:
        forms.extend(f for c in _canonicals(given) for f in forms_of(c))
    return frozenset(given_key(translit(f)) for f in forms)


def _gender(given: str | None, stems: list[Stem]) -> Gender | None:
    genders = {gender_of(c) for c in _canonicals(given)} if given else set()
    if len(genders) == 1:
        return genders.pop()
    return next((s.gender for s in stems if s.gender is not None), None)


@dataclass
class PersonIndex:
    """All person rules; `entries` maps a stem skeleton to the rules that own it."""

    people: list[Person]
    entries: dict[str, list[Entry]]
    loose: dict[str, list[Entry]]  # by consonants only: Бяляцкі ~ Беляцкий

    @classmethod
    def build(cls, rules: tuple[PersonRule, ...]) -> PersonIndex:
        index = cls([], {}, {})
        for rule in rules:
            index.add(rule)
        return index

    def add(self, rule: PersonRule) -> None:
        given, surname = split_name(rule.name)
        aliases = [split_name(aka) for aka in rule.aka]
        givens = [g for g, _ in [(given, surname), *aliases] if g]
        stems = stems_of(translit(surname))
        number = len(self.people)
        for label, word in [
            (f"surname {surname}", surname),
            *((f"aka {s}", s) for _, s in aliases),
        ]:
            for stem in stems_of(translit(word)):
                self._index(Entry(number, stem, label))
        keys = _given_keys(givens)
        ordinary = any(skeleton(s.stem) in ORDINARY_KEYS for s in stems)
        initials = frozenset(k[0] for k in keys if k)
        person = Person(rule, surname, given, keys, initials, _gender(given, stems), ordinary)
        self.people.append(person)

    def _index(self, entry: Entry) -> None:
        self.entries.setdefault(skeleton(entry.stem.stem), []).append(entry)
        if len(key := consonants(entry.stem.stem)) >= MIN_LOOSE:
            self.loose.setdefault(key, []).append(entry)
        # German writes ц as z (Zichanouskaja); Polish z is з, so this is a second stem.
        german = _GERMAN_Z.sub("z", entry.stem.stem)
        if german != entry.stem.stem:
            stem = Stem(german, entry.stem.paradigm, entry.stem.gender)
            self.entries.setdefault(skeleton(german), []).append(
                Entry(entry.person, stem, entry.label)
            )

    def read(self, word: str) -> tuple[Candidate, ...]:
        """Every (person, form) an article word may be; () for almost every word."""
        if not word[:1].isupper():  # names are written capitalised (or in capitals)
            return ()
        possessive = word.endswith(_POSSESSIVE)
        readings = splits(translit(word[:-2] if possessive else word))
        found: dict[int, Candidate] = {}
        tables: list[tuple[bool, dict[str, list[Entry]], Callable[[str], str]]] = [
            (False, self.entries, skeleton),
            (True, self.loose, consonants),
        ]
        for is_loose, table, key in tables:
            for stem, ending in readings:
                for entry in table.get(key(stem), ()):
                    form = entry.stem.paradigm.get(ending)
                    if form is None or not form.gender.agrees(self.people[entry.person].gender):
                        continue
                    form = Form(form.gender, "possessive") if possessive else form
                    found.setdefault(
                        entry.person, Candidate(entry.person, form, entry.label, is_loose)
                    )
        return tuple(found.values())
