"""What one surname found in an article is, read from the words around it.

In: one candidate reading of a capitalised word and where it sits in the article text. Out: a
`Sighting`: the person named in full (an agreeing given name, initials or regnal number
beside it), someone or something else (another given name, part of another name, an
acronym, a patronymic), or the surname alone, which `decide` judges for the whole document.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from monitor.language import (
    COMMON,
    POSSESSIVE_ADJECTIVE,
    Gender,
    is_office,
    skeleton,
    stem_key,
    translit,
    zipf,
)
from monitor.match.neighbours import Given, Place, find_given
from monitor.match.people import Candidate, Person
from monitor.match.spans import script_label, starts_sentence, word_after, word_before

_ATTACHED = re.compile(r"[.@/][^\W\d_]")  # Znak.com, @Losik, /babaryka
_PART = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)?")
_PART_BEFORE = re.compile(r"[^\W\d_]+$")
# A rule of one name (Prophet Muhammad) has no given name to confirm a spelling only close
# to its own (Mohamed); a long one alone is judged by its use, a short one (Франс) is not.
MIN_LOOSE_ONE_NAME = 6
_LINE_WORDS = re.compile(r"[^\W\d_]{2,}")
POSSESSIVE_LANGUAGES = frozenset({"cs", "sk", "sl"})
EAST_SLAVIC = frozenset({"ru", "uk", "be"})


class Kind(enum.Enum):
    FULL = "named in full"
    LONE = "surname alone"
    OTHER = "someone or something else"


@dataclass(frozen=True)
class Sighting:
    person: int
    kind: Kind
    start: int
    end: int
    variant: str
    reason: str  # why it is FULL or OTHER; a LONE one is judged by `decide`
    word: str  # the surname as written
    language: str | None
    name_use: bool = False  # capitalised mid-sentence: used as a name, not an everyday word
    plural: bool = False  # "the Tsikhanouskis" name every listed bearer at once
    conflict: bool = False  # another given name beside it: someone else with this surname
    transcribed: bool = False  # read by a practical transcription of a foreign name
    exact: bool = False  # named in full with the given name spelled as the rule spells it
    office: bool = False  # after a word of office ("premier May"): used as a name
    guessed: bool = False  # read with a letter the rule does not write (h as х, s as š)
    owner: bool = False  # an East Slavic possessive adjective: counts only with the full name


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def _uncommon_name(word: str, language: str | None) -> bool:
    return _capitalised(word) and zipf(word, language) < COMMON


def _acronym(place: Place) -> bool:
    """An all-capitals word in running text (УНН, NATO), not a headline in capitals."""
    word = place.word
    if len(word) < 2 or not word.isupper():
        return False
    line_start = place.text.rfind("\n", 0, place.start) + 1
    line_end = place.text.find("\n", place.end)
    line = place.text[line_start : line_end if line_end >= 0 else len(place.text)]
    return any(not w.isupper() for w in _LINE_WORDS.findall(line))


def elsewhere(place: Place) -> str | None:
    """Why the word belongs to another name or thing, or None."""
    text, start, end = place.text, place.start, place.end
    if _ATTACHED.match(text, end) or (start and text[start - 1] in "@#/."):
        return "part of an address or handle"
    if text[end : end + 2][1:].isalpha() and text[end : end + 1] == "-":
        return "part of a hyphenated name"
    if start > 1 and text[start - 1] == "-" and text[start - 2].isalpha():
        return "part of a hyphenated name"
    if _acronym(place):
        return "an acronym in running text"
    after = word_after(text, end)
    if after and _uncommon_name(next_word := text[after[0] : after[1]], place.language):
        return f"followed by another name, '{next_word}'"
    before = word_before(text, start)
    if not before or before[2] or starts_sentence(text, before[0]):
        return None
    previous = text[before[0] : before[1]]
    return (
        f"beside another name, '{previous}'" if _uncommon_name(previous, place.language) else None
    )


def _compound(person: Person, place: Place) -> tuple[Place, str] | None:
    """A double surname (Sharenda-Panasiuk) or Rees-Mogg written whole: the place of the
    whole, and the other part; None unless that part is one of the rule's own words."""
    text, start, end = place.text, place.start, place.end
    if text[end : end + 1] == "-" and (after := _PART.match(text, end + 1)):
        whole, other = (start, after.end()), after.group()
    elif start and text[start - 1] == "-" and (before := _PART_BEFORE.search(text, 0, start - 1)):
        whole, other = (before.start(), end), before.group()
    else:
        return None
    if stem_key(translit(_plain(other))) not in person.own_words:
        return None
    return Place(text, *whole, place.language), other


def _plain(word: str) -> str:
    """A word without an English possessive: Panasiuk's -> Panasiuk."""
    return re.sub(r"['’ʼ]s$", "", word)


@dataclass(frozen=True)
class _Seen:
    """What every sighting of one candidate shares."""

    person: int
    variant: str
    place: Place
    given_known: bool  # the rule names a given name to compare with
    own_words: frozenset[str]  # stem keys of the rule's own words

    def at(self, kind: Kind, span: tuple[int, int], reason: str, **flags: bool) -> Sighting:
        place = self.place
        return Sighting(
            self.person, kind, *span, self.variant, reason, place.word, place.language, **flags
        )


def sight(person: Person, number: int, cand: Candidate, place: Place) -> Sighting:
    """Read one surname found in the article: full name, someone else, or surname alone."""
    form, here = cand.form, (place.start, place.end)
    label = script_label(place.word, place.language)
    variant = f"{cand.label} ({label}, {form.gender.value}, {form.case})"
    seen = _Seen(number, variant, place, bool(person.given_keys), person.own_words)
    numeral = person.parts.numeral
    if numeral and (span := _numeral_after(place, numeral)) is not None:
        return seen.at(Kind.FULL, span, f"regnal number {numeral} beside it")
    if (compound := _compound(person, place)) is not None:
        place, other = compound
        if skeleton(translit(_plain(other))) not in _surname_keys(person):
            return seen.at(Kind.FULL, (place.start, place.end), f"given name {other} agrees")
        seen = _Seen(number, seen.variant, place, seen.given_known, person.own_words)
    here = (place.start, place.end)
    gender = form.gender if form.gender is not Gender.EITHER else person.gender
    given = find_given(person, place, gender) if not person.parts.single else None
    if given is not None:
        return _with_given(seen, cand, given)
    if cand.loose and not (person.parts.single and len(place.word) >= MIN_LOOSE_ONE_NAME):
        return seen.at(Kind.OTHER, here, "spelling only close; needs its given name")
    owner = form.case == POSSESSIVE_ADJECTIVE and place.language in EAST_SLAVIC
    possessive = form.case == POSSESSIVE_ADJECTIVE and not owner
    if possessive and (why := _not_possessive(place)) is not None:
        return seen.at(Kind.OTHER, here, why)
    if (why := elsewhere(place)) is not None:
        return seen.at(Kind.OTHER, here, why, conflict=why.startswith("beside"))
    name_use = _capitalised(place.word) and not starts_sentence(place.text, place.start)
    # Only a plural ending that is nothing else names every bearer (Ціханоўскія, Скрипали;
    # not Citi, not a surname in -a whose -y is also its genitive).
    plural = form.case == "plural" and (len(cand.ending) > 1 or cand.plural_only)
    transcribed = cand.transcribed
    office = _after_office(place)
    return seen.at(Kind.LONE, here, "", name_use=name_use, plural=plural, transcribed=transcribed,
                   office=office, guessed=cand.guessed, owner=owner)  # fmt: skip


# Babišová, Babišové, Babišovou, Slovak Babišovej: a woman's -ová, not his possessive.
_WOMANS_OVA = re.compile(r"ov(?:á|é|ú|ou|ej)$")


def _not_possessive(place: Place) -> str | None:
    """Why a word read as a possessive adjective made from the surname is not one here."""
    if place.language not in POSSESSIVE_LANGUAGES:
        return "possessive adjectives are read in Slavic articles only"
    if _WOMANS_OVA.search(place.word):
        return "a woman's surname in -ová, not the person's possessive"
    return None


def _after_office(place: Place) -> bool:
    """Whether a word of office stands just before the surname: "premier May", "канцлер
    Меркель" (lower case: a capitalised word there would be part of the name)."""
    before = word_before(place.text, place.start)
    if before is None or before[2]:
        return False
    after = word_after(place.text, place.end)
    if after is not None and place.text[after[0] : after[0] + 1].isupper():
        return False  # "premier Tony Blair": the first word of a longer name
    word = place.text[before[0] : before[1]]
    return word[:1].islower() and is_office(word)


def _surname_keys(person: Person) -> set[str]:
    return {skeleton(translit(p)) for p in person.parts.surname_parts}


def _with_given(seen: _Seen, cand: Candidate, given: Given) -> Sighting:
    place = seen.place
    name = place.text[given.start : given.end]
    if not seen.given_known:  # the rule names no given name: any goes with the surname
        span = (min(place.start, given.start), max(place.end, given.end))
        return seen.at(Kind.FULL, span, f"given name {name} (the rule names none)")
    if not given.agrees:
        here = (place.start, place.end)
        return seen.at(Kind.OTHER, here, f"given name {name} conflicts", conflict=True)
    if given.start < place.start and (after := _name_after(seen)) is not None:
        here = (place.start, place.end)  # Пётр Яковлевич Мелников: a patronymic here
        return seen.at(Kind.OTHER, here, f"a middle name here, before '{after}'")
    reason = f"given name {name} agrees"
    reason += " (surname spelled close to the rule's)" if cand.loose else ""
    span = (min(place.start, given.start), max(place.end, given.end))
    return seen.at(Kind.FULL, span, reason, exact=given.exact)


def _name_after(seen: _Seen) -> str | None:
    """Another name right after the surname, which then stands in the middle of a name."""
    place = seen.place
    after = word_after(place.text, place.end)
    if after is None:
        return None
    word = place.text[after[0] : after[1]]
    own = stem_key(translit(word)) in seen.own_words
    return word if not own and _uncommon_name(word, place.language) else None


def _numeral_after(place: Place, numeral: str) -> tuple[int, int] | None:
    found = re.compile(rf"[ \u00a0]{re.escape(numeral)}\b").match(place.text, place.end)
    return (place.start, found.end()) if found else None
