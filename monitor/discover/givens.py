"""Whether a word of an article is a given name, and its nominative.

In: one capitalised word of an article, the article's language, and whether the word opens a
sentence. Out: `given_kind` (how it is known as a given name: as written, inflected, or as
Cyrillic papers transcribe a foreign name; 0 for none) and `nominative_given` (the form the
lexicon knows: "Игоря" -> "Игорь", "Theresy" -> "Theresa").

Built on the matcher's lexicon (Faker's given names of 31 locales and the equivalence table)
and its practical transcription (Дейвид, Мишел, Найджъл are David, Michel, Nigel as Russian,
Ukrainian and Bulgarian papers write them).
"""

from __future__ import annotations

import enum
import functools
import importlib.resources
import re

from monitor.language import (
    Gender,
    lexicon,
    locale_names,
    name_genders,
    readings,
    skeleton,
    translit,
    zipf,
)

CYRILLIC = re.compile("[\u0400-\u04ff]")


class Known(enum.IntEnum):
    """How a word is known as a given name; the higher, the surer."""

    NOT = 0
    HEARD = 1  # a Cyrillic transcription of a foreign given name (Дейвид)
    INFLECTED = 2  # a case form of a given name (Бориса, Theresy)
    LISTED = 3  # as the dictionary writes it, not the lexicon (Asia, Saif): rarer names
    WRITTEN = 4  # a given name as the lexicon writes it (Boris)


# Case endings a given name takes in the languages monitor reads, in the `translit` alphabet.
_CASE = (
    "a", "u", "e", "i", "y", "ja", "ju", "ji", "om", "em", "am", "oj", "ej", "owi", "ovi",
    "ou", "ym", "ego", "emu", "iem", "ie", "ii", "'a", "'ego", "'em", "'owi",
)  # fmt: skip
MIN_STEM = 3
# Zipf values (wordfreq) that mark a word as everyday vocabulary. Famous given names are
# frequent in news too (Борис 4.8, David 5.1, Мишел 4.3), so only a word that opens a
# sentence (capitalised anyway) is judged by them; inside a sentence, the capital letter
# says it is a name.
EVERYDAY = 5.5  # as written: "Ale" (Polish "but"), "Това" (Bulgarian "this")
INFLECTED_EVERYDAY = 4.5  # a reading other than as written: "Rady" is Rada's case and "council"
HEARD_EVERYDAY = 3.5  # a transcription opening a sentence: a looser reading, a stricter bar
HEARD_INSIDE = 5.5  # inside a sentence: Дейвид (4.7) and Джон (5.1) are names, это is no
READINGS = 20  # transcriptions per lexicon name and source language
DICTIONARY_EVERYDAY = 4.0  # the dictionary's names only below this Zipf (Velika 5.3: a word)
ENGLISH_EVERYDAY = 5.0  # nor frequent English words (The 7.7, Home 5.8; Asia 4.7 stays)


def stems(latin: str) -> list[str]:
    """What a translit word may be without its case ending, and with -a restored."""
    out: list[str] = []
    for ending in _CASE:
        if latin.endswith(ending) and len(latin) - len(ending) >= MIN_STEM:
            stem = latin[: -len(ending)]
            out += [stem, stem + "a"]
    return out


@functools.cache
def given_names() -> frozenset[str]:
    """Every given name known, in `translit` spelling: the matcher's lexicon and Jörg
    Michael's dictionary of first names (48,000 names of 54 countries, as the gender-guesser
    package ships it: Pakistani, Arabic, diminutives such as Polish Asia and Kasia)."""
    return lexicon().spelled | _dictionary()


@functools.cache
def _dictionary() -> frozenset[str]:
    data = importlib.resources.files("gender_guesser") / "data" / "nam_dict.txt"
    names: set[str] = set()
    for raw in data.read_bytes().splitlines():
        line = raw.decode("utf-8", "replace")
        # A name line: a gender code (M, F, ?, ?M, 1F...) in columns 0-1, the name in 3-28;
        # "=" lines pair spellings, "#" lines are comments.
        if line[:1] in "MF?1" and (name := line[3:29].strip()) and _NAME.fullmatch(name):
            names.add(translit(name.replace("+", "-")))
    return frozenset(names)


_NAME = re.compile(r"[^\W\d_]+(?:[+-][^\W\d_]+)*")


# Whose given names Slavic papers transcribe: every one is read by English rules (how
# most foreign names reach them), French and German ones also by their own.
_FOREIGN = {"en_US": (), "en_GB": (), "en_IE": (), "en_IN": (), "en_PK": (),
            "fr_FR": ("french",), "de_DE": ("german",), "de_AT": ("german",),
            "es_ES": (), "it_IT": (), "pt_PT": (), "nl_NL": (), "sv_SE": (), "no_NO": (),
            "da_DK": (), "fi_FI": (), "tr_TR": (), "hu_HU": (), "ro_RO": ()}  # fmt: skip


@functools.cache
def transcriptions() -> frozenset[str]:
    """Skeletons of the lexicon's foreign given names as Cyrillic papers transcribe them
    (Дейвид, Мишел, Джереми); built once per process (about a second and a half)."""
    keys: set[str] = set()
    for locale, own in _FOREIGN.items():
        for name, _ in locale_names(locale):
            latin = translit(name)
            if latin.isascii() and latin.isalpha():
                for source in ("english", *own):
                    keys.update(skeleton(r) for r in readings(latin, source, READINGS))
    return frozenset(keys)


# Endings only a case form has, never a transcription's last letters (Асии, Асию, Терезой).
_OBLIQUE_ONLY = re.compile(r"(ии|ию|ії|ію|ы|ой|ей|ою|ом|ем|ём|ам)$", re.IGNORECASE)


def _transcription(word: str) -> bool:
    keys = transcriptions()
    return bool(CYRILLIC.search(word)) and any(skeleton(r) in keys for r in _readings(word))


@functools.cache
def heard() -> frozenset[str]:
    """Skeletons of every given name a Cyrillic word may be: the transcriptions, and the
    dictionary's names read letter by letter; built once per process (about 2 s)."""
    plain = {skeleton(name) for name in _dictionary()}  # read letter by letter: Асия = Asia
    return transcriptions() | plain


@functools.lru_cache(maxsize=1 << 15)
def given_kind(word: str, language: str | None, opens: bool = False) -> Known:
    """How `word` is known as a given name ('Jean-Claude': each part must be one)."""
    if "-" in word:
        kinds = [given_kind(part, language, opens) for part in word.split("-")]
        return min(kinds) if all(kinds) else Known.NOT
    if len(word) < 2:
        return Known.NOT
    spelled, latin = given_names(), translit(word)
    common = zipf(word.lower(), language)
    if latin not in lexicon().spelled and _everyday_elsewhere(word, common):
        spelled = lexicon().spelled  # the dictionary's rarer names are also words: The, Velika
    if latin in spelled:
        if common >= EVERYDAY and opens:
            return Known.NOT
        return Known.WRITTEN if latin in lexicon().spelled else Known.LISTED
    if common < INFLECTED_EVERYDAY and any(stem in spelled for stem in stems(latin)):
        return Known.INFLECTED  # not Stany (Stan's plural, and "states")
    if not CYRILLIC.search(word):
        return Known.NOT
    readings = _readings(word)
    if common < (HEARD_EVERYDAY if opens else HEARD_INSIDE) and any(map(_transcribed, readings)):
        return Known.HEARD
    # Read letter by letter as one of the dictionary's rarer names: a rare word only (not
    # Лондон, Британии, Совета).
    if common < DICTIONARY_EVERYDAY and any(map(_heard, readings)):
        return Known.HEARD
    return Known.NOT


# The Faker locales whose given names are a language's own: Faker's lists are samples (its
# Bulgarian list has no Иван), so a language takes its neighbours' in the same script.
_CYRILLIC_LOCALES = ("ru_RU", "uk_UA", "bg_BG", "mk_MK")
_LATIN_SLAVIC_LOCALES = ("pl_PL", "cs_CZ", "sk_SK", "sl_SI", "hr_HR")
_LOCALES = {"ru": _CYRILLIC_LOCALES, "uk": _CYRILLIC_LOCALES, "be": _CYRILLIC_LOCALES,
            "bg": _CYRILLIC_LOCALES, "pl": _LATIN_SLAVIC_LOCALES, "cs": _LATIN_SLAVIC_LOCALES,
            "sk": _LATIN_SLAVIC_LOCALES, "sl": _LATIN_SLAVIC_LOCALES,
            "en": ("en_US", "en_GB", "en_IE"), "de": ("de_DE", "de_AT")}  # fmt: skip


@functools.cache
def _native_names(language: str) -> frozenset[str]:
    return frozenset(translit(name) for locale in _LOCALES.get(language, ())
                     for name, _ in locale_names(locale))  # fmt: skip


def native(word: str, language: str | None) -> bool:
    """Whether the word is a given name of the article's own language as written (Бойко
    and Иван in Bulgarian, Andrzej in Polish)."""
    return language is not None and translit(word) in _native_names(language)


def _everyday_elsewhere(word: str, common: float) -> bool:
    """A word too common to be read as one of the dictionary's given names (those not in the
    matcher's lexicon): frequent in the article's language, or a frequent English word in
    Latin letters (The, Home, Way, London)."""
    if common >= DICTIONARY_EVERYDAY:
        return True
    return not CYRILLIC.search(word) and zipf(word.lower(), "en") >= ENGLISH_EVERYDAY


def _readings(word: str) -> list[str]:
    """The word in `translit` spelling; with Bulgarian ъ also read as the unstressed English
    vowel it transcribes (Найджъл = Nigel, Джеръми = Jeremy)."""
    latin = translit(word)
    return [latin, translit(word.replace("ъ", "е"))] if "ъ" in word else [latin]


def _transcribed(latin: str) -> bool:
    return _sounds_in(latin, transcriptions())


def _heard(latin: str) -> bool:
    return _sounds_in(latin, heard())


def _sounds_in(latin: str, keys: frozenset[str]) -> bool:
    """Whether the word, or it without a case ending, sounds like one of `keys`."""
    return skeleton(latin) in keys or any(
        skeleton(stem) in keys for stem in stems(latin) if not stem.endswith("a")
    )


# What a nominative may add to a stem once a case ending is gone, first choice first. After
# an ending that a woman's name takes (Терезы, Theresy, Asię) -a and -ia come first.
_FEMININE_CASE = re.compile(r"(ы|и|е|у|ю|ой|ей|ою|ии|y|i|ę|ą|ie|ii|e|u|ou|ą)$")
_ENDINGS_CYRILLIC = ("ом", "ем", "ём", "ей", "ой", "ою", "ию", "ии", "ії", "а", "я", "у", "ю",
                     "е", "і", "и", "ы")  # fmt: skip
_ENDINGS_LATIN = (
    "'owi", "’owi", "'ego", "’ego", "'em", "’em", "'a", "’a", "owi", "ovi", "iem", "em", "om",
    "ou", "ie", "ii", "ią", "ię", "ą", "ę", "a", "u", "e", "i", "y",
)  # fmt: skip


def nominative_given(word: str, seen: frozenset[str] = frozenset(), surname: str = "") -> str:
    """The nominative of a given name found in an article (beside `surname`), by the surest
    evidence first: the surname in the same case (Donalda Trumpa, Дэвида Дэвиса); the word
    as the matcher's lexicon writes it; in Cyrillic, the lexicon's name the shortest case
    ending leaves (Сергея: Сергей); the word in a nominative's shape as the dictionary or a
    transcription knows it (Asia, Дейвид); a nominative the article itself writes (`seen`,
    lower case); a transcription as written (Джереми); the likeliest nominative."""
    if "-" in word:
        return "-".join(nominative_given(part, seen) for part in word.split("-"))
    lexicon_names = lexicon().spelled
    groups = _choices(word)
    agreed = [c for group in groups for c in group if _agree(word, surname, c)]
    if agreed:
        return next((c for c in agreed if c.lower() in seen), agreed[0])
    # Polish -ą and -ę end no nominative (Theresę is Theresa's accusative, not Therese).
    nasal = word.endswith(("ą", "ę"))
    if not nasal and translit(word) in lexicon_names:
        return word
    first = groups[0] if groups else []
    cyrillic = CYRILLIC.search(word)
    spelled = next((c for c in first if translit(c) in lexicon_names), None) if cyrillic else None
    if spelled:
        return spelled  # Сергея, Терезы, Терези: Сергей, Тереза (the dictionary's Sergeja
        # and transcriptions of some Terezy are rarer than the lexicon's Sergei and Tereza)
    if not nasal and _known(word) and (_NOMINATIVE_SHAPE.search(word) or not groups):
        return word
    if not groups:
        return word
    if found := next((c for c in first if c.lower() in seen), None):
        return found
    if _transcription(word) and not _OBLIQUE_ONLY.search(word):
        return word  # a foreign name as Cyrillic papers write it: Джереми, Тони, Андрю
    return first[0]


# A nominative's last letters: a consonant, -a/-я (women's names), -й/-ь (Сергей, Игорь).
_NOMINATIVE_SHAPE = re.compile(
    r"(?:[^\W\d_aeiouyаеиоуыэюяіїєёąęóеійь]|[aаяь]|(?<![оo])й)$", re.IGNORECASE
)


def _agree(word: str, surname: str, choice: str) -> bool:
    """Whether the surname ends in the case ending the given name loses in `choice`, and
    the choice is a man's name (ends in a consonant): Donalda Trumpa -> Donald."""
    if not surname or not word.lower().startswith(choice.lower()[:MIN_STEM]):
        return False
    shared = 0
    while shared < min(len(word), len(choice)) and word[shared].lower() == choice[shared].lower():
        shared += 1
    ending = word[shared:].lower()
    if ending not in _MASCULINE_CASE or not surname.lower().endswith(ending):
        return False
    genders = name_genders(choice)
    woman = Gender.FEM in genders and Gender.MASC not in genders
    return len(surname) > len(ending) + 1 and not woman and not _VOWEL_END.search(choice)


# Case endings of men's names that their surnames share (Donalda Trumpa, Davidem Davisem,
# Дэвида Дэвиса, Сергеем Тихановским is not: the adjective's ending differs).
_MASCULINE_CASE = frozenset(["a", "em", "om", "owi", "ovi", "iem", "а", "я", "ом", "ем", "ём"])


_VOWEL_END = re.compile(r"[aeiouyаеиоуыэюяіїєё]$", re.IGNORECASE)


def _choices(word: str) -> list[list[str]]:
    """The known nominatives of the word, grouped by the case ending taken off, the shortest
    ending first (keep as much of the word as can be kept); preferred ones first in each."""
    cyrillic = bool(CYRILLIC.search(word))
    lowered = word.lower()
    feminine = bool(_FEMININE_CASE.search(lowered))
    groups: list[list[str]] = []
    for ending in sorted(_ENDINGS_CYRILLIC if cyrillic else _ENDINGS_LATIN, key=len):
        if not lowered.endswith(ending) or len(word) - len(ending) < MIN_STEM - 1:
            continue
        stem = word[: -len(ending)]
        if stem.endswith(("'", "’")):
            continue  # Jean-Claude'a: the apostrophe goes with its ending
        forms = [stem + add for add in _restored(stem, ending, cyrillic, feminine)]
        # Spelled names first; the transcriptions (built on first use) only if none is.
        forms = list(dict.fromkeys(forms))
        if known := [f for f in forms if translit(f) in given_names()] or [
            f for f in forms if _known(f)
        ]:
            groups.append(known)
    return groups


def _restored(stem: str, ending: str, cyrillic: bool, feminine: bool) -> tuple[str, ...]:
    """What the nominative may add to the stem, first choice first."""
    vowel = stem[-1:].lower() in "аеиоуэюяіїaeiouy"
    if cyrillic:
        if vowel:  # after a vowel Russian writes я and й, never а and ь: Асия, Сергей
            return ("я", "й") if feminine else ("й", "я")
        if ending in ("я", "ю", "ем", "ём"):  # a soft stem: Игоря -> Игорь
            return ("ь", "й", "я", "")
        return ("а", "я", "", "ь") if feminine else ("", "ь", "а", "я")
    if ending == "i" and stem[-1:].lower() in "szcn":
        # Polish writes ś, ź, ć, ń before a vowel as si, zi, ci, ni: Asi and Kasi are the
        # genitives of Asia and Kasia; after other letters -i is -a's (Angeli: Angela).
        return ("ia", "a", "")
    return ("a", "ia", "", "e") if feminine else ("", "a", "e")


def _known(form: str) -> bool:
    """Whether the form is a given name: spelled so in the lexicon or the dictionary, or,
    in Cyrillic, as a transcription or a letter-by-letter reading of one."""
    if translit(form) in given_names():
        return True
    keys = heard()
    return bool(CYRILLIC.search(form)) and any(skeleton(r) in keys for r in _readings(form))
