"""Faker's given-name lists as a lexicon: which words are given names, and of which gender.

In: a word (any script, any case form). Out: `name_genders` (the genders it has as a given
name in the lists of 31 locales and in the equivalence table; empty for a word that is none)
and `is_given_form` (the word as written is a given name: May, Michel, Тони).
"""

from __future__ import annotations

import functools
import importlib.util
import re
import threading
from dataclasses import dataclass

from monitor.language.endings import Gender
from monitor.language.fold import skeleton, translit
from monitor.language.given_names import ALTERNATIONS, GIVEN_NAMES

# The Slavic languages monitor reads, and the languages whose people Slavic news names most.
# Lists in other scripts are left out (never in a Latin or Cyrillic article).
LOCALES = [
    "bg_BG",
    "cs_CZ",
    "hr_HR",
    "mk_MK",
    "pl_PL",
    "ru_RU",
    "sk_SK",
    "sl_SI",
    "uk_UA",
    "lt_LT",
    "lv_LV",
    "et_EE",
    "hu_HU",
    "ro_RO",
    "de_DE",
    "de_AT",
    "en_US",
    "en_GB",
    "en_IE",
    "en_IN",
    "en_PK",
    "fr_FR",
    "it_IT",
    "es_ES",
    "pt_PT",
    "nl_NL",
    "sv_SE",
    "no_NO",
    "da_DK",
    "fi_FI",
    "tr_TR",
]
_NAME = re.compile(r"[^\W\d_][^\W\d_'’-]+")
# Case endings of given names (Оксане, Сергеем, Віктару, Siarhieja, Marii): what is left,
# or what is left plus -a (the nominative of most women's names), is looked up.
_CASE = ("a", "u", "e", "i", "y", "ja", "ju", "ji", "om", "em", "am", "oj", "ej", "owi")


@dataclass(frozen=True)
class Lexicon:
    genders: dict[str, frozenset[Gender]]  # skeleton -> genders of the names that have it
    spelled: frozenset[str]  # every name as written (translit)


# Threads of one process (a poll, the rule-warning thread) may read the lists at once; a
# module is run by one of them at a time (import machinery is not meant to run one spec
# twice concurrently), and the lexicon is built once.
_READING = threading.RLock()


@functools.cache
def locale_names(locale: str) -> tuple[tuple[str, Gender], ...]:
    """One locale's given names. Its module is run, read and let go: only the lexicon made
    from it is kept, not Faker's lists of surnames, prefixes and the rest."""
    with _READING:
        spec = importlib.util.find_spec(f"faker.providers.person.{locale}")
        if spec is None or spec.loader is None:
            return ()
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    provider = module.Provider
    male = list(getattr(provider, "first_names_male", ()))
    female = list(getattr(provider, "first_names_female", ()))
    either = [] if male or female else list(getattr(provider, "first_names", ()))
    pairs = [(n, Gender.MASC) for n in male] + [(n, Gender.FEM) for n in female]
    return tuple(pairs + [(n, Gender.EITHER) for n in either])


_built: list[Lexicon] = []  # the lexicon, once built


def lexicon() -> Lexicon:
    """Every given name of Faker's lists and of the table, read once per process."""
    if not _built:
        with _READING:
            if not _built:
                _built.append(_lexicon())
    return _built[0]


def _lexicon() -> Lexicon:
    pairs = [(f, gender) for gender, forms in GIVEN_NAMES.values() for f in forms]
    for locale in LOCALES:
        pairs.extend(locale_names(locale))
    genders: dict[str, set[Gender]] = {}
    for name, gender in pairs:
        if _NAME.fullmatch(name):
            genders.setdefault(skeleton(translit(name)), set()).add(gender)
    spelled = frozenset(translit(name) for name, _ in pairs if _NAME.fullmatch(name))
    return Lexicon({key: frozenset(g) for key, g in genders.items()}, spelled)


def _nominatives(latin: str) -> set[str]:
    keys = {skeleton(latin)}
    for ending in _CASE:
        if latin.endswith(ending) and len(latin) - len(ending) >= 2:
            for stem in _alternated(latin[: -len(ending)], ending):
                keys.update((skeleton(stem), skeleton(stem + "a")))
    return keys


def _alternated(stem: str, ending: str) -> tuple[str, ...]:
    """The stem, and before -e/-i/-y also with k, g, kh restored (Вераніцы -> Веранік-)."""
    if ending in ("e", "i", "y") and stem[-1:] in ALTERNATIONS:
        return stem, stem[:-1] + ALTERNATIONS[stem[-1]]
    return (stem,)


@functools.lru_cache(maxsize=1 << 14)
def name_genders(word: str) -> frozenset[Gender]:
    """'Оксане' -> {FEM}; 'Wojciech' -> {MASC}; 'Bank' -> {} (no given name)."""
    table = lexicon().genders
    found: set[Gender] = set()
    for key in _nominatives(translit(word)):
        found |= table.get(key, frozenset())
    return frozenset(found)


def is_given_form(word: str) -> bool:
    """Whether the word as written, not inflected, is a given name (May, Michel, Тони)."""
    return translit(word) in lexicon().spelled
