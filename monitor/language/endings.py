"""Case endings of East-Slavic, Polish, German and English surnames, and the gender they show.

In: a surname or an article word in `translit` spelling. Out: the surname's stems with
their paradigm (`stems_of`), or every (stem, ending) split of a word (`splits`).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Gender(enum.Enum):
    MASC = "masc."
    FEM = "fem."
    EITHER = "either gender"

    def agrees(self, other: Gender | None) -> bool:
        return other is None or Gender.EITHER in (self, other) or self is other


@dataclass(frozen=True, slots=True)
class Form:
    """What an ending tells: the gender and the grammatical case (for --explain)."""

    gender: Gender
    case: str


Paradigm = dict[str, Form]
M, F, E = Gender.MASC, Gender.FEM, Gender.EITHER


def _table(gender: Gender, case: str, endings: str) -> Paradigm:
    return {ending: Form(gender, case) for ending in endings.split()}


# Adjectival surnames: Ціханоўскі, Тихановский, Cichanouski, Tsikhanouskaya, Тихановской.
# The stem keeps "sk"/"ck". Ukrainian fem. dative -ській reads as masc. -ский: a known gap.
ADJECTIVAL: Paradigm = {
    **_table(M, "nominative", "i ij iy ii yj yi y yy"),
    **_table(M, "genitive", "ogo ovo ago aga iego"),
    **_table(M, "dative", "omu amu iemu"),
    **_table(M, "instrumental", "im ym"),
    **_table(M, "prepositional", "om"),
    **_table(F, "nominative", "aja aya aia a"),
    **_table(F, "oblique case", "oj oi oy aj ai oji iej ej oju"),
    **_table(F, "accusative", "uju uyu uiu u"),
    **_table(E, "plural", "ie ija iye ikh ich imi ymi is"),
}

# Possessive surnames: Шкляров/Шкляроў/Szklarow, Власова/Vlasava. "Власова" is both his
# genitive and her nominative, so it shows no gender.
POSSESSIVE: Paradigm = {
    **_table(M, "nominative", "_"),
    **_table(E, "genitive (masc.) or nominative (fem.)", "a"),
    **_table(E, "dative (masc.) or accusative (fem.)", "u"),
    **_table(M, "instrumental", "ym im em"),
    **_table(M, "locative", "e ie"),
    **_table(M, "dative", "owi ovi"),
    **_table(F, "oblique case", "oj oi oy aj ai ej oju oji ij"),
    **_table(E, "plural", "y ykh ikh ych ymi ye"),
    **_table(E, "genitive (de) or plural (en)", "s"),
}

# Surnames in -a/-o that decline like nouns: Бабарыка, Лукашэнкі, Babarykę, Łukaszenki.
# They do not show gender (a woman's surname has the same forms).
NOUN_A: Paradigm = {
    **_table(E, "nominative", "a o"),
    **_table(E, "genitive", "i y"),
    **_table(E, "dative or locative", "e"),
    **_table(E, "accusative or dative", "u"),
    **_table(E, "dative", "ovi owi"),
    **_table(E, "instrumental", "oj oi aj ai oju om am"),
    **_table(E, "genitive (de)", "os as"),
}

# Consonant-final surnames (Losik, Statkevich, Каваль): inflected forms are his; a woman's
# surname stays undeclined.
CONSONANT: Paradigm = {
    **_table(E, "nominative", "_"),
    **_table(M, "genitive", "a ja"),
    **_table(M, "dative", "u ju owi ovi"),
    **_table(M, "instrumental", "om am em jom iem"),
    **_table(M, "locative", "e ie"),
    **_table(E, "plural", "y i ykh ikh ich ej"),
    **_table(E, "genitive (de) or plural (en)", "s"),
}
# Czech, Slovak and Slovene make a possessive adjective of a surname: Babišův, Babišových,
# Johnsonovým; Slovene Mayeva, Janševega, Johnsonovo; Russian and Belarusian Лукашенков
# режим, Лукашэнкаў. Only verify reads them: in Czech, Slovak and Slovene articles as the
# surname, in Russian, Ukrainian and Belarusian ones only beside the full name in the article
# (Казаков is a surname as often as Казак's), elsewhere not at all. A surname in -a
# takes -ův/-ov only for a man (Lukašenkův, Janševa); a woman's is -in, not read.
POSSESSIVE_ADJECTIVE = "possessive adjective"
_OWNER: Paradigm = {
    **_table(E, POSSESSIVE_ADJECTIVE, "uv ov ova ovo ovy ove ovu ovych ovym ovymi ovega ovemu"),
    **_table(E, POSSESSIVE_ADJECTIVE, "ovim ovih ev eva evo evi eve evega evemu evim evih"),
    # Russian, Ukrainian and Belarusian: Лукашенков, -ой, -ом, -ых, -ого; Лукашэнкаў, -ава.
    **_table(E, POSSESSIVE_ADJECTIVE, "ovoj ovom ovykh ovoho ovomu aw ava avu avym avoj avykh"),
}
CONSONANT.update(_OWNER)
NOUN_A.update({e: Form(M, f.case) for e, f in _OWNER.items() if e not in NOUN_A})

# A consonant-final surname takes -y/-i only in the plural (Скрипали, Losiki): unlike a
# surname in -a, whose -y/-i is also its genitive, such a plural names every bearer.
PLURAL_ONLY = frozenset({"y", "i", "ej"})

# Czech and Slovak add -ová to a woman's foreign surname (Theresa Mayová, Asia Bibiová) and
# decline it as an adjective: -ová, -ové, -ovou, Slovak -ovej, -ovú.
CZECH_OVA: Paradigm = {
    **_table(F, "nominative (-ová)", "a"),
    **_table(F, "oblique case (-ová)", "e ej u ou"),
}

for _paradigm in (ADJECTIVAL, POSSESSIVE, NOUN_A, CONSONANT):
    if "_" in _paradigm:
        _paradigm[""] = _paradigm.pop("_")

# k -> c before the dative/locative ending: Polish Babaryce, Belarusian Бабарыцы,
# Ukrainian Бабариці.
_K_ALTERNATION: Paradigm = {e: Form(E, "dative or locative") for e in ("e", "y", "i")}

ALL_ENDINGS: tuple[str, ...] = tuple(
    sorted({e for p in (ADJECTIVAL, POSSESSIVE, NOUN_A, CONSONANT, CZECH_OVA) for e in p if e})
)

# A vowel that drops when the word is declined: Дзядок -> Дзядка, Шавец -> Шаўца,
# Лапцёнак -> Лапцёнка.
_FLEETING = re.compile(r"[aeo](k|c|ts)$")
_OBLIQUE: Paradigm = {e: f for e, f in CONSONANT.items() if e}

_ADJ_NOM = ("ij", "iy", "ii", "yj", "yi", "yy", "i", "y", "aja", "aya", "aia", "a")
# Belarusian -аў/-еў is romanised -au/-eu (Navikau, Lebedzeu): the same possessive surname.
_POSS_MASC = ("ov", "ev", "ow", "ew", "ou", "av", "aw", "au", "eu", "in", "yn")
_POSS_FEM = ("ova", "eva", "owa", "ewa", "ava", "awa", "ina", "yna")
MIN_STEM = 2


@dataclass(frozen=True)
class Stem:
    """One stem of a rule's surname with the endings it takes."""

    stem: str  # translit spelling, e.g. "tsikhanousk"
    paradigm: Paradigm
    gender: Gender | None  # what the written form of the rule shows, if anything

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled with its paradigm's name (the compiled index kept on disk, monitor.match.
        # packed): one copy of each table, and `paradigm is CONSONANT` holds when read back.
        return (_stem, (self.stem, _NAMES[id(self.paradigm)], self.gender))


_PARADIGMS: dict[str, Paradigm] = {
    "adjectival": ADJECTIVAL, "possessive": POSSESSIVE, "noun_a": NOUN_A,
    "consonant": CONSONANT, "czech_ova": CZECH_OVA, "k_alternation": _K_ALTERNATION,
    "oblique": _OBLIQUE,
}  # fmt: skip
_NAMES = {id(paradigm): name for name, paradigm in _PARADIGMS.items()}


def _stem(stem: str, paradigm: str, gender: Gender | None) -> Stem:
    return Stem(stem, _PARADIGMS[paradigm], gender)


def stems_of(surname: str, gender: Gender | None = None) -> list[Stem]:
    """Translit surname -> its stems: 'babaryka' -> [babaryk (+a, -i, -ę...), babaryc (+e)].
    A man's surname in -ova/-ina (Kalina, Sova) declines as a noun, not as a woman's -ova."""
    if gender is Gender.MASC and surname.endswith(_POSS_FEM):
        return _noun_a(surname)
    for ending in _ADJ_NOM:
        stem = surname[: -len(ending)]
        if surname.endswith(ending) and stem.endswith(("sk", "ck", "zk")):
            return [Stem(stem, ADJECTIVAL, ADJECTIVAL[ending].gender)]
    if surname.endswith(_POSS_FEM):  # Власова, or a woman's Калина (Ukrainian gen. Калини)
        return [Stem(surname[:-1], POSSESSIVE, F), *_noun_a(surname)]
    if surname.endswith(_POSS_MASC):
        return [Stem(surname, POSSESSIVE, M)]
    if surname.endswith(("a", "o")) and len(surname) > MIN_STEM + 1:
        return _noun_a(surname)
    stems = [Stem(surname, CONSONANT, None)]
    if (fleeting := _FLEETING.search(surname)) and fleeting.start() > MIN_STEM:
        stems.append(Stem(surname[: fleeting.start()] + fleeting.group(1), _OBLIQUE, None))
    return stems


def _noun_a(surname: str) -> list[Stem]:
    stem = surname[:-1]
    stems = [Stem(stem, NOUN_A, None)]
    if stem.endswith("k"):
        stems.append(Stem(stem[:-1] + "c", _K_ALTERNATION, None))
    return stems


def czech_feminine(surname: str) -> Stem:
    """'may' -> the stem 'mayov' of Mayová, Mayové, Mayovou."""
    return Stem(surname + "ov", CZECH_OVA, F)


# Endings only Cyrillic writes (Belarusian -ам, soft -я/-ю/-ём, Russian -ого/-ому): a Latin
# word ending so is no case form (Szwecja is not Szwec + -я, Kollam not Kall + -ам).
_ENDING_SET = frozenset(ALL_ENDINGS)
_LONGEST = max(map(len, ALL_ENDINGS))
CYRILLIC_ONLY = frozenset(["am", "ja", "ju", "jom", "ogo", "omu", "ago", "aga", "amu"])


def splits(word: str, cyrillic: bool = True) -> list[tuple[str, str]]:
    """Every (stem, ending) reading of a translit word, the bare word first; `cyrillic`
    says whether the word was written in Cyrillic."""
    out = [(word, "")]
    for size in range(1, min(_LONGEST, len(word) - MIN_STEM) + 1):
        ending = word[-size:]
        if ending in _ENDING_SET and (cyrillic or ending not in CYRILLIC_ONLY):
            out.append((word[:-size], ending))
    return out
