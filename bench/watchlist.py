"""A generated watch list of Belarusian political prisoners, and mentions of them in the news.

In: a seed and a size. Out: `watchlist` (PersonRules as monitors write them: the rights
groups' romanisation mostly, some BGN/PCGN, Polish or Cyrillic; a fifth women; about 15 % with
a surname that is an everyday word; real prisoners' names among them) and `mentions` (one
sentence per mention in ru/be/uk/pl/en, the name inflected, in the script and spelling that
language's press uses). Everything comes from bench/names_by.py and a seeded RNG.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.names_by import GIVEN, ORDINARY, REAL, ROOTS, SUFFIXES, SURNAMES
from bench.spell_by import romanise
from monitor.model import PersonRule

SEED = 9
WOMEN = 0.2
ORDINARY_SHARE = 0.15


@dataclass(frozen=True)
class Listed:
    """One generated person: the rule, and the Belarusian forms the mentions start from."""

    rule: PersonRule
    given: tuple[str, str, str, str]  # be, ru, uk, gender (m/f)
    surname: str  # Belarusian Cyrillic, masculine


@dataclass(frozen=True)
class Mention:
    rule_id: str
    language: str
    text: str
    surname: str  # the Belarusian masculine surname, to find namesakes


def surname_pool(rng: random.Random) -> list[str]:
    made = {root + suffix for root in ROOTS for suffix in SUFFIXES}
    return sorted(set(SURNAMES) | set(rng.sample(sorted(made), 400)))


def feminine(surname: str) -> str:
    """'Ціханоўскі' -> 'Ціханоўская'; 'Навікаў' -> 'Навікава'; 'Лосік' -> 'Лосік'."""
    if surname.endswith(("скі", "цкі")):
        return surname[:-1] + "ая"
    if surname.endswith(("аў", "оў", "еў", "ёў")):
        return surname[:-1] + "ва"
    return surname


def _rule_name(given: str, surname: str, rng: random.Random) -> str:
    """How a monitor writes the name: passport style mostly."""
    style = rng.choices(["passport", "bgn", "polish", "cyrillic"], [75, 10, 10, 5])[0]
    if style == "cyrillic":
        return f"{given} {surname}"
    return f"{romanise(given, style)} {romanise(surname, style)}"


def watchlist(size: int = 1100, seed: int = SEED) -> list[Listed]:
    """`size` distinct people, the real ones first, the same for a seed."""
    rng = random.Random(seed)
    by_be = {g[0]: g for g in GIVEN}
    people: list[Listed] = []
    seen: set[tuple[str, str]] = set()
    for real in REAL[:size]:
        given, surname = real.split(" ", 1)
        name = f"{romanise(given, 'passport')} {romanise(surname, 'passport')}"
        masculine = _masculine(surname) if by_be[given][3] == "f" else surname
        people.append(_listed(name, by_be[given], masculine, len(people)))
        seen.add((given, masculine))
    pool = surname_pool(rng)
    while len(people) < size:
        woman = rng.random() < WOMEN
        given = rng.choice([g for g in GIVEN if (g[3] == "f") == woman])
        surname = rng.choice(ORDINARY if rng.random() < ORDINARY_SHARE else pool)
        form = feminine(surname) if given[3] == "f" else surname
        if (given[0], surname) not in seen:  # one person, however the rule spells them
            seen.add((given[0], surname))
            people.append(_listed(_rule_name(given[0], form, rng), given, surname, len(people)))
    return people


def _masculine(surname: str) -> str:
    """'Калеснікава' -> 'Калеснікаў'; 'Ціханоўская' -> 'Ціханоўскі' (the generator's key)."""
    if surname.endswith(("ская", "цкая")):
        return surname[:-2] + "і"
    if surname.endswith(("ава", "ова", "ева")):
        return surname[:-2] + "ў"
    return surname


def _listed(name: str, given: tuple[str, ...], surname: str, number: int) -> Listed:
    be, ru, uk, gender = given
    return Listed(PersonRule(f"w{number:04d}", name), (be, ru, uk, gender), surname)
