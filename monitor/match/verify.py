"""What one surname found in an article is, read from the words around it.

In: one candidate reading of a capitalised word and where it sits in the article text. Out: a
`Sighting`: the person named in full (an agreeing given name, initials or regnal number
beside it), someone or something else (another given name, part of another name, an
acronym), or the surname alone, which `decide` judges for the whole document.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from monitor.match.endings import Gender
from monitor.match.fold import consonants, skeleton, translit
from monitor.match.given_names import given_names_of, given_stems, keys_of, name_genders
from monitor.match.lexicon import COMMON, zipf
from monitor.match.people import Candidate, Person
from monitor.match.text import script_label, starts_sentence, word_after, word_before

# Patronymics stand between a given name and a surname: Сергей Леонидович Тихановский.
_PATRONYMIC = re.compile(r"(ovi[cč]|evi[cč]|avi[cč]|ovna|evna|[iy]chna|[iy]čna|awna|ai?ŭna)$")
_ATTACHED = re.compile(r"[.@/][^\W\d_]")  # Znak.com, @Losik, /babaryka
_PART = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)?")
_PART_BEFORE = re.compile(r"[^\W\d_]+$")
_LINE_WORDS = re.compile(r"[^\W\d_]{2,}")
MIN_GIVEN = 3  # letters of the shortest given name taken as one (Ян, Ivo); "AS" is none


class Kind(enum.Enum):
    FULL = "named in full"
    LONE = "surname alone"
    OTHER = "someone or something else"


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


@dataclass(frozen=True)
class _Given:
    start: int
    end: int
    agrees: bool
    known: bool  # a given name (or initial) at all


def _given_at(
    person: Person, place: Place, span: tuple[int, int], initial: bool, gender: Gender | None
) -> _Given:
    word = place.text[span[0] : span[1]]
    if not word[:1].isupper():
        return _Given(*span, False, False)
    if len(word) == 1:  # "V. Babaryka", "Гаврилова А.В.": compare first letters
        letter = skeleton(translit(word))[:1]
        return _Given(*span, letter in person.initials, initial)
    latin = translit(word)
    own = skeleton(latin) in person.own_words
    agrees = own or bool(keys_of(latin) & person.given_keys) or _loosely(person, word)
    # In a headline in capitals every word looks like a name: there an everyday word is none.
    plain = word.isupper() and zipf(word, place.language) >= COMMON
    return _Given(*span, agrees, agrees or (not plain and _is_given_name(word, gender)))


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


def find_given(person: Person, place: Place, gender: Gender | None) -> _Given | None:
    """The given name written beside the surname (before it, or after it in lists)."""
    text = place.text
    before = word_before(text, place.start)
    if before and _PATRONYMIC.search(translit(text[before[0] : before[1]])):
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
    for at, step in ((end, 1), (start - 1, -1)):
        if 0 <= at < len(text) and text[at] == "-" and 0 <= at + step < len(text):
            if text[at + step].isalpha():
                return "part of a hyphenated name"
    if _acronym(place):
        return "an acronym in running text"
    after = word_after(text, end)
    if after and _uncommon_name(next_word := text[after[0] : after[1]], place.language):
        return f"followed by another name, '{next_word}'"
    before = word_before(text, start)
    if before and not before[2] and not starts_sentence(text, before[0]):
        if _uncommon_name(previous := text[before[0] : before[1]], place.language):
            return f"beside another name, '{previous}'"
    return None


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
    if skeleton(translit(_plain(other))) not in person.own_words:
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
    seen = _Seen(number, variant, place, bool(person.given_keys))
    numeral = person.parts.numeral
    if numeral and (span := _numeral_after(place, numeral)) is not None:
        return seen.at(Kind.FULL, span, f"regnal number {numeral} beside it")
    if (compound := _compound(person, place)) is not None:
        place, other = compound
        if skeleton(translit(_plain(other))) not in _surname_keys(person):
            return seen.at(Kind.FULL, (place.start, place.end), f"given name {other} agrees")
        seen = _Seen(number, seen.variant, place, seen.given_known)
    here = (place.start, place.end)
    gender = form.gender if form.gender is not Gender.EITHER else person.gender
    given = find_given(person, place, gender) if not person.parts.single else None
    if given is not None:
        return _with_given(seen, cand, given)
    if cand.loose:
        return seen.at(Kind.OTHER, here, "spelling only close; needs its given name")
    if (why := elsewhere(place)) is not None:
        return seen.at(Kind.OTHER, here, why, conflict=why.startswith("beside"))
    name_use = _capitalised(place.word) and not starts_sentence(place.text, place.start)
    plural, transcribed = form.case == "plural", cand.transcribed
    return seen.at(Kind.LONE, here, "", name_use=name_use, plural=plural, transcribed=transcribed)


def _surname_keys(person: Person) -> set[str]:
    return {skeleton(translit(p)) for p in person.parts.surname_parts}


def _with_given(seen: _Seen, cand: Candidate, given: _Given) -> Sighting:
    place = seen.place
    name = place.text[given.start : given.end]
    if not seen.given_known:  # the rule names no given name: any goes with the surname
        span = (min(place.start, given.start), max(place.end, given.end))
        return seen.at(Kind.FULL, span, f"given name {name} (the rule names none)")
    if not given.agrees:
        here = (place.start, place.end)
        return seen.at(Kind.OTHER, here, f"given name {name} conflicts", conflict=True)
    reason = f"given name {name} agrees"
    reason += " (surname spelled close to the rule's)" if cand.loose else ""
    span = (min(place.start, given.start), max(place.end, given.end))
    return seen.at(Kind.FULL, span, reason)


def _numeral_after(place: Place, numeral: str) -> tuple[int, int] | None:
    found = re.compile(rf"[ \u00a0]{re.escape(numeral)}\b").match(place.text, place.end)
    return (place.start, found.end()) if found else None
