"""Reading a rule's name: which words are given names, which the surname, what is a title.

In: a name as a user writes it ("Viktar Babaryka", "Тихановский Сергей", "Queen Elizabeth
II", "Jacob Rees Mogg", "Palina Sharenda-Panasiuk"). Out: `NameParts`, and the keys by which
a given name written beside a surname is compared with the rule's (`given_keys`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.match.fold import consonants, given_key, translit
from monitor.match.given_names import forms_of, given_names_of, name_genders
from monitor.match.lexicon import zipf
from monitor.match.transcribe import SOURCES, looks_slavic, readings, russian_forms

_NUMERAL = re.compile(r"^[IVX]{1,5}\.?$")
FUNCTION_WORD = 6.0  # English Zipf of "the", "of", "and": a description follows
TITLE_WORD = 3.5  # "Queen", "Pope", "Prophet": an everyday English word before a name
MIN_LOOSE_GIVEN = 2  # consonants a given name needs to be compared by consonants alone


@dataclass(frozen=True)
class NameParts:
    given: tuple[str, ...]  # as written: ("Jacob", "Rees")
    surname: str  # the word found in articles: "Mogg", "Sharenda-Panasiuk", "Elizabeth"
    numeral: str = ""  # a regnal number: "II", "XVI"
    single: bool = False  # known by one given name (Pope Francis, Prophet Muhammad, Kirill)

    @property
    def surname_parts(self) -> tuple[str, ...]:
        return tuple(p for p in self.surname.split("-") if p)


def _is_given(word: str) -> bool:
    return bool(given_names_of(word) or name_genders(word))


def _description_cut(words: list[str]) -> list[str]:
    """'Meghan Markle Duchess of Sussex' -> Meghan Markle: a function word starts a
    description, and the title before it goes too."""
    for i, word in enumerate(words[1:], start=1):
        if zipf(word, "en") >= FUNCTION_WORD:
            kept = words[:i]
            if len(kept) > 2 and zipf(kept[-1], "en") >= TITLE_WORD and not _is_given(kept[-1]):
                kept = kept[:-1]
            return kept
    return words


def parse_name(name: str) -> NameParts:
    """The parts of a rule's name; the surname is the last word unless only the first
    word is no given name ('Тихановский Сергей')."""
    words = _description_cut(name.replace("-", "- ").split())
    words = " ".join(words).replace("- ", "-").split()
    if len(words) > 1 and _NUMERAL.match(words[-1]):  # a monarch or pope: Elizabeth II
        return NameParts((), words[-2], words[-1].rstrip("."), single=True)
    if len(words) > 1 and _is_title(words[0]) and _is_given(words[1]):
        return NameParts((), words[1], single=True)  # Pope Francis, Prophet Muhammad
    if len(words) == 1:  # a given name alone (Kirill) names one person; else a surname
        return NameParts((), words[0], single=_is_given(words[0]))
    if len(words) == 2 and _is_given(words[1]) and not _is_given(words[0]):
        return NameParts((words[1],), words[0])  # list order: Тихановский Сергей
    return NameParts(tuple(words[:-1]), words[-1])


def _is_title(word: str) -> bool:
    return zipf(word, "en") >= TITLE_WORD and not _is_given(word)


def spellings(word: str) -> list[str]:
    """A rule word in `translit` spelling and as Slavic papers may write it: practical
    transcription for foreign names, Russian forms for Belarusian ones."""
    latin = translit(word)
    if looks_slavic(latin) or not word.isascii():
        return [latin, *russian_forms(latin)]
    out = [latin]
    for source in SOURCES:
        out.extend(r for r in readings(latin, source) if r not in out)
    return out


def given_keys(givens: tuple[str, ...]) -> frozenset[str]:
    """Keys of every equivalent and spelling of the rule's given names."""
    forms: list[str] = []
    for given in givens:
        for part in given.split("-"):
            forms.extend(spellings(part))
            forms.extend(translit(f) for c in _canonicals(part) for f in forms_of(c))
    return frozenset(given_key(f) for f in forms if f)


def loose_given_keys(givens: tuple[str, ...]) -> frozenset[str]:
    """Consonants of those spellings (Viachaslau ~ Вячеслав, Dzianis ~ Денис)."""
    keys: set[str] = set()
    for given in givens:
        for part in given.split("-"):
            keys.update(consonants(s) for s in spellings(part))
    return frozenset(k for k in keys if len(k) >= MIN_LOOSE_GIVEN)


def _canonicals(given: str) -> frozenset[str]:
    """The table entries a rule's given name belongs to, exact spellings preferred."""
    found = given_names_of(given)
    exact = {c for c in found if given.lower() in {f.lower() for f in forms_of(c)}}
    return frozenset(exact or found)
