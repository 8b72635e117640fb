"""Reading a rule's name: which words are given names, which the surname, what is a title.

In: a name as a user writes it ("Viktar Babaryka", "Тихановский Сергей", "Queen Elizabeth
II", "Jacob Rees Mogg", "Palina Sharenda-Panasiuk"). Out: `NameParts`, and the keys by which
a given name written beside a surname is compared with the rule's (`given_keys`).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from monitor.language import (
    SOURCES,
    Gender,
    consonants,
    forms_of,
    gender_of,
    given_key,
    given_names_of,
    in_table,
    locale_names,
    looks_slavic,
    name_genders,
    readings,
    russian_forms,
    skeleton,
    surname_shaped,
    translit,
    zipf,
)

_NUMERAL = re.compile(r"^[IVX]{1,5}\.?$")
FUNCTION_WORD = 6.0  # English Zipf of "the", "of", "and": a description follows
TITLE_WORD = 3.5  # "Queen", "Pope", "Prophet": an everyday English word before a name
WESTERN = 3.5  # English or German Zipf of a surname that is a word there (Johnson, Hunt)
MIN_LOOSE_GIVEN = 4  # consonants a given name needs to be compared by consonants alone


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
    """A given name in the table or the lexicon, also in its Russian form (Yahor = Егор)."""
    return bool(given_names_of(word)) or any(name_genders(f) for f in own_spellings(word))


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
    if len(words) == 2 and _surname_first(*words):
        return NameParts((words[1],), words[0])  # list order: Тихановский Сергей
    return NameParts(tuple(words[:-1]), words[-1])


def _surname_first(first: str, second: str) -> bool:
    """Only the first word looks like a surname and only the second like a given name."""
    shaped = surname_shaped(translit(first)) and not surname_shaped(translit(second))
    return shaped and _is_given(second) and not _is_given(first)


def _is_title(word: str) -> bool:
    return zipf(word, "en") >= TITLE_WORD and not _is_given(word)


# Latin letter groups a romanisation leaves ambiguous: "Hrytschuk" is Грыцчук (ts + ch),
# not a German tsch; "Staschyk" is Стасьчык (s + ch), not sch.
_CLUSTERS = (("tsch", "cč"), ("sch", "sč"), ("tsh", "cš"))


def spellings(word: str) -> list[str]:
    """A rule word in `translit` spelling and as Slavic papers may write it: practical
    transcription for foreign names, Russian forms for Belarusian ones."""
    return [*written(word), *transcriptions(word)]


def written(word: str) -> list[str]:
    """The word as written, its ambiguous letter groups read both ways, its Russian forms."""
    latin = translit(word)
    forms = [latin, *(latin.replace(a, b) for a, b in _CLUSTERS if a in latin)]
    return list(dict.fromkeys(f for form in forms for f in (form, *russian_forms(form))))


# A lone Latin h (not of ch, sh, zh, kh) romanises г in Belarusian and Ukrainian (Hrodna) but
# х in the South- and West-Slavic romanisations (Mihail Hodorkovski, Hristov).
_LONE_H = re.compile(r"(?<![cszkgtd])h")
# Letters an English speaker types without their marks (Babis for Babiš, Jansa for Janša):
# as written they stay s, c, z; a Cyrillic transcription was made from the marked letter.
_MARKABLE = re.compile(r"(?<![cszrd])[scz](?![hz])")
_MARKED = {"s": "š", "c": "č", "z": "ž"}
MAX_MARKED = 2  # letters given back their marks per reading; more multiplies collisions


def latin_readings(word: str) -> list[str]:
    """'Hristov' -> ['khristov']; 'Babis' -> ['babiš']: for a Slavic name typed in plain
    Latin, the Cyrillic it may stand for beyond the plain reading (and its Russian forms)."""
    if not word.isascii():
        return []
    latin = translit(word)
    found = _h_as_kh(latin)
    places = [m.start() for m in _MARKABLE.finditer(latin)]
    for count in range(1, min(MAX_MARKED, len(places)) + 1):
        for chosen in itertools.combinations(places, count):
            letters = list(latin)
            for at in chosen:
                letters[at] = _MARKED[letters[at]]
            found.append("".join(letters))
    own = set(written(word))
    return [
        f for f in dict.fromkeys(r for x in found for r in (x, *russian_forms(x))) if f not in own
    ]


def _h_as_kh(latin: str) -> list[str]:
    """The spelling with each lone h read as х, if it has one."""
    return [_LONE_H.sub("kh", latin)] if _LONE_H.search(latin) else []


def transcriptions(word: str) -> list[str]:
    """For a foreign name (no Slavic shape, Latin letters): its practical transcriptions
    that the written forms do not already give."""
    latin = translit(word)
    if looks_slavic(latin) or not word.isascii():
        return []
    own = {skeleton(f) for f in written(word)}
    return [r for r in dict.fromkeys(transcribed(latin)) if skeleton(r) not in own]


def transcribed(latin: str) -> list[str]:
    """How Russian, Ukrainian and Bulgarian papers write a foreign name, read as English,
    French or German."""
    return [r for source in SOURCES for r in readings(latin, source)]


def own_spellings(word: str) -> list[str]:
    """The word itself, its equivalents in the table and its Russian forms: what an initial
    or a loose comparison may start from (no foreign readings: 'Anton' read as English
    'Ejnton' would give it an initial E)."""
    latin = translit(word)
    forms = [latin, *russian_forms(latin)]
    if word.isascii():  # Mihail: Михаил
        forms += _h_as_kh(latin)
    forms.extend(translit(f) for c in table_names(word) for f in forms_of(c))
    return forms


def foreign(parts: NameParts) -> bool:
    """A name from outside the Slavic world (Theresa May, not Volha Salavei): its surname
    has no Slavic shape and no given name of it is in the table of Slavic equivalents."""
    surname = parts.surname
    slavic = looks_slavic(translit(surname)) or any(slavic_given(g) for g in parts.given)
    return surname.isascii() and not slavic


def foreign_surname(parts: NameParts, word: str) -> bool:
    """Whether Slavic papers transcribe this surname: it has no Slavic shape, and unless it
    is a word of English or German it belongs to no one with a Slavic given name (Boris
    Johnson's is transcribed; Ihar Ilyash's and Volha Hara's are not)."""
    if not word.isascii() or looks_slavic(translit(word)):
        return False
    western = max(zipf(word, "en"), zipf(word, "de")) >= WESTERN
    return western or not any(slavic_given(g) for g in parts.given)


# Where English and French given names are listed: a name of theirs (Michael, Paul, Peter)
# is no sign of a Slavic person even though the table of equivalents lists it beside Михаил,
# Павел, Пётр. (The American, German and Dutch lists hold Ivan, Boris, Igor too.)
WESTERN_LOCALES = ("en_GB", "fr_FR")


def slavic_given(word: str) -> bool:
    """A given name of the table of Slavic equivalents, as Slavs write it (Siarhei, Pavel),
    not as the West does (Michael, Paul)."""
    return in_table(word) and word.casefold() not in _western_given()


@functools.cache
def _western_given() -> frozenset[str]:
    return frozenset(n.casefold() for loc in WESTERN_LOCALES for n, _ in locale_names(loc))


def given_spellings(givens: tuple[str, ...], foreign: bool) -> list[str]:
    """Every spelling of the rule's given names: their equivalents and Russian forms, and,
    for a foreign person (surname not Slavic), how Slavic papers transcribe them (Theresa ->
    Тереза, David -> Дейвид). A Belarusian's Ihar read as English would meet Yahor."""
    forms: list[str] = []
    for given in givens:
        for part in given.split("-"):
            forms.extend(own_spellings(part))
            forms.extend(transcribed(translit(part)) if foreign else ())
    if 1 < len(givens) <= MAX_JOINED and all(g.isascii() for g in givens):
        # A given name of several words is also written as one (Saif Ul: Saiful, Сайфул).
        joined = "".join(g.replace("-", "") for g in givens)
        forms.extend([translit(joined), *(transcribed(translit(joined)) if foreign else ())])
    return [f for f in dict.fromkeys(forms) if f]


MAX_JOINED = 2  # given-name words written as one: Saif Ul, not three (Mian Saqib Nisar)


def given_keys(spelled: list[str]) -> frozenset[str]:
    """Keys of those spellings, compared with a given name found beside a surname."""
    return frozenset(given_key(f) for f in spelled)


def loose_given_keys(spelled: list[str]) -> frozenset[str]:
    """Their consonants (Viachaslau ~ Вячеслав, Dzianis ~ Денис)."""
    return frozenset(k for k in map(consonants, spelled) if len(k) >= MIN_LOOSE_GIVEN)


def initials(givens: tuple[str, ...]) -> frozenset[str]:
    """First letters of the given names as an initial may write them: V. for Viktar, У. and
    U. (and В.) for Уладзімір."""
    found: set[str] = set()
    for given in givens:
        for form in own_spellings(given.split("-")[0]):
            found.update(k[:1] for k in (skeleton(form), skeleton(form[:1])) if k)
    return frozenset(found)


def table_names(given: str) -> frozenset[str]:
    """The table entries a rule's given name belongs to, exact spellings preferred; else those
    of the gender its ending shows (Alyaksandra is Aleksandra's, not Aleksandr's)."""
    found = given_names_of(given)
    exact = {c for c in found if given.lower() in {f.lower() for f in forms_of(c)}}
    if exact:
        return frozenset(exact)
    gender = Gender.FEM if given[-1:].lower() in ("a", "а", "я") else Gender.MASC
    return frozenset(c for c in found if gender_of(c) is gender) or found
