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
import re

from monitor.match.fold import skeleton, translit
from monitor.match.lexicon import zipf
from monitor.match.name_lexicon import lexicon
from monitor.match.transcribe import SOURCES, readings

CYRILLIC = re.compile("[\u0400-\u04ff]")


class Known(enum.IntEnum):
    """How a word is known as a given name; the higher, the surer."""

    NOT = 0
    HEARD = 1  # a Cyrillic transcription of a foreign given name (Дейвид)
    INFLECTED = 2  # a case form of a given name (Бориса, Theresy)
    WRITTEN = 3  # a given name as the lexicon writes it (Boris)


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
HEARD_INSIDE = 5.0  # inside a sentence: Дейвид (4.7) is a name, Власти (5.4) a word
READINGS = 40  # transcriptions per lexicon name and source language


def stems(latin: str) -> list[str]:
    """What a translit word may be without its case ending, and with -a restored."""
    out: list[str] = []
    for ending in _CASE:
        if latin.endswith(ending) and len(latin) - len(ending) >= MIN_STEM:
            stem = latin[: -len(ending)]
            out += [stem, stem + "a"]
    return out


@functools.cache
def heard() -> frozenset[str]:
    """Skeletons of every Latin given name of the lexicon as Cyrillic papers transcribe it
    (read as English, French and German), built once per process (about 1.5 s)."""
    keys: set[str] = set()
    for name in lexicon().spelled:
        if name.isascii():
            for source in SOURCES:
                keys.update(skeleton(r) for r in readings(name, source, READINGS))
    return frozenset(keys)


@functools.lru_cache(maxsize=1 << 15)
def given_kind(word: str, language: str | None, opens: bool = False) -> Known:
    """How `word` is known as a given name ('Jean-Claude': each part must be one)."""
    if "-" in word:
        kinds = [given_kind(part, language, opens) for part in word.split("-")]
        return min(kinds) if all(kinds) else Known.NOT
    if len(word) < 2:
        return Known.NOT
    spelled, latin = lexicon().spelled, translit(word)
    common = zipf(word.lower(), language)
    if latin in spelled:
        return Known.WRITTEN if common < EVERYDAY or not opens else Known.NOT
    if common < INFLECTED_EVERYDAY and any(stem in spelled for stem in stems(latin)):
        return Known.INFLECTED  # not Stany (Stan's plural, and "states")
    bar = HEARD_EVERYDAY if opens else HEARD_INSIDE
    if CYRILLIC.search(word) and common < bar and _heard(latin):
        return Known.HEARD
    return Known.NOT


def _heard(latin: str) -> bool:
    keys = heard()
    return skeleton(latin) in keys or any(
        skeleton(stem) in keys for stem in stems(latin) if not stem.endswith("a")
    )


# What a nominative may add to a stem once a case ending is gone, first choice first. After
# an ending that a woman's name takes (Терезы, Theresy, Asię) -a comes first; else nothing.
_RESTORE_CYRILLIC = ("", "ь", "й", "а", "я")
_RESTORE_LATIN = ("", "a", "e")
_FEMININE_CASE = re.compile(r"(ы|и|е|у|ю|ой|ей|ою|ии|y|i|ę|ą|ie|ii|e|u|ou|ą)$")
_ENDINGS_CYRILLIC = (
    "ом",
    "ем",
    "ём",
    "ей",
    "ой",
    "ою",
    "ию",
    "ии",
    "а",
    "я",
    "у",
    "ю",
    "е",
    "и",
    "ы",
)
_ENDINGS_LATIN = (
    "'owi", "’owi", "'ego", "’ego", "'em", "’em", "'a", "’a", "owi", "ovi", "iem", "em", "om",
    "ou", "ie", "ii", "ią", "ię", "ą", "ę", "a", "u", "e", "i", "y",
)  # fmt: skip


def nominative_given(word: str, seen: frozenset[str] = frozenset()) -> str:
    """The nominative of a given name found in an article: a form the lexicon knows (as
    written or transcribed), preferring one the article itself writes (`seen`, lower case)."""
    if "-" in word:
        return "-".join(nominative_given(part, seen) for part in word.split("-"))
    if translit(word) in lexicon().spelled:
        return word
    choices = _choices(word)
    for choice in choices:
        if choice.lower() in seen:
            return choice
    return choices[0] if choices else word


def _choices(word: str) -> list[str]:
    cyrillic = bool(CYRILLIC.search(word))
    endings = _ENDINGS_CYRILLIC if cyrillic else _ENDINGS_LATIN
    restore = _RESTORE_CYRILLIC if cyrillic else _RESTORE_LATIN
    if _FEMININE_CASE.search(word.lower()):
        restore = (restore[-2] if cyrillic else "a", *restore)
    out: list[str] = []
    soft = cyrillic and word.lower().endswith(("я", "ю", "ем", "ём"))
    lowered = word.lower()
    for ending in endings:
        if lowered.endswith(ending) and len(word) - len(ending) >= MIN_STEM - 1:
            stem = word[: -len(ending)]
            # After a soft ending the stem ends in й after a vowel (Сергея), else in ь (Игоря).
            order = (
                (("й", "ь") if stem[-1:].lower() in "аеиоуэюяії" else ("ь", "й")) if soft else ()
            )
            out += [stem + add for add in (*order, *restore) if _known(stem + add)]
    return list(dict.fromkeys(out))


def _known(form: str) -> bool:
    latin = translit(form)
    if latin in lexicon().spelled:
        return True
    return bool(CYRILLIC.search(form)) and skeleton(latin) in heard()
