"""Person rules compiled into one surname index, and the reading of one article word.

In: `PersonRule`s; later, one article word. Out: `PersonIndex`, a dict from surname-stem
skeleton to the rules it may name (with every spelling Slavic papers use: transcriptions,
Russian forms, Czech -ová), and for a word every (rule, gender, case) it may be.
A word is read by a few dict lookups (one per possible ending), whatever the rule count.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from monitor.language import (
    CONSONANT,
    PLURAL_ONLY,
    Form,
    Gender,
    Stem,
    consonants,
    czech_feminine,
    forms_of,
    gender_of,
    name_genders,
    splits,
    stem_key,
    stems_of,
    translit,
)
from monitor.match.names import (
    NameParts,
    foreign,
    foreign_surname,
    given_keys,
    given_spellings,
    initials,
    latin_readings,
    loose_given_keys,
    parse_name,
    table_names,
    transcriptions,
    written,
)
from monitor.model import PersonRule

_POSSESSIVE = ("'s", "’s", "ʼs")
_VOWEL_LETTERS = frozenset("aeiouy")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Consonants a surname needs to be looked up by consonants only (Бяляцкі ~ Беляцкий;
# Malook ~ Мулок: the vowels of a name from Urdu or Arabic vary from paper to paper). Such a
# reading counts only beside an agreeing given name; a person of one name needs more.
MIN_LOOSE = 3
MIN_LOOSE_SINGLE = 4
MIN_EQUIVALENT = 6  # letters of an equivalent that may stand for a one-name person alone
# German writes ц as z (Zichanouskaja); Polish z is з, so this is a second stem.
_GERMAN_Z = re.compile(r"ts|c(?![hkzč])")


@dataclass(frozen=True, slots=True)
class Person:
    """A compiled person rule: its name's parts, what its given name may look like, gender."""

    rule: PersonRule
    parts: NameParts
    given_keys: frozenset[str]  # given_key of every equivalent and spelling of the given names
    loose_keys: frozenset[str]  # their consonants: Viachaslau ~ Вячеслав
    initials: frozenset[str]  # first skeleton letter of those forms: V. Babaryka
    gender: Gender | None
    own_words: frozenset[str]  # stem keys of every word of the rule's names (Rees of Rees-Mogg)

    @property
    def surname(self) -> str:
        return self.parts.surname

    @property
    def plain(self) -> bool:
        """Named by given names and a surname alone: no one name, no regnal number."""
        return not self.parts.single and not self.parts.numeral


@dataclass(frozen=True, slots=True)
class Entry:
    person: int  # position in PersonIndex.people
    stem: Stem
    label: str  # "surname Babaryka" or "aka Babariko"
    transcribed: bool = False  # a practical transcription (Джонсън), not the written form
    guessed: bool = False  # a letter read otherwise than typed (Hodorkovski: Ходорковский)
    # The person's, kept here so that reading a word never needs the person itself.
    gender: Gender | None = None
    single: bool = False  # a rule of one name


@dataclass(frozen=True, slots=True)
class Candidate:
    """One reading of an article word: this person, in this form."""

    person: int
    form: Form
    label: str
    loose: bool = False  # only the consonants agree: counts with an agreeing given name
    transcribed: bool = False  # found by a practical transcription of the rule's name
    guessed: bool = False  # found by reading a letter otherwise than the rule types it
    ending: str = ""  # the case ending read off the word
    plural_only: bool = False  # an ending this surname takes only in the plural (Скрипали)


def surname_of(rule: PersonRule) -> str:
    """The rule's surname as written: what the store's counts of it are kept under, so that
    an edit of the surname starts them over."""
    return parse_name(rule.name).surname


def _without_marks(word: str) -> str:
    """A Latin word with its diacritics dropped, as an English speaker types it; other
    scripts as they are."""
    if not all(c.isascii() or "\u00c0" <= c <= "\u024f" for c in word):
        return word
    decomposed = unicodedata.normalize("NFD", word.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _equivalents(name: str) -> list[str]:
    """A given name's forms in the table of equivalents (Francis: Franciszek, Франциск),
    itself left out, and short ones too: alone, Franz and Франц would read Francja and
    Франция, Liz would read Лице."""
    forms = (f for c in table_names(name) for f in forms_of(c))
    return [f for f in forms if len(f) >= MIN_EQUIVALENT and f.casefold() != name.casefold()]


def _gender(parts: NameParts, stems: list[Stem]) -> Gender | None:
    """The gender the rule's given name (or else its surname's form) shows."""
    genders: set[Gender] = set()
    for given in parts.given[:1]:
        found = name_genders(given) - {Gender.EITHER}
        genders |= found if len(found) == 1 else set()
        genders |= {gender_of(c) for c in table_names(given)}
    if len(genders) == 1:
        return genders.pop()
    return next((s.gender for s in stems if s.gender is not None), None)


def _stems(word: str, gender: Gender | None, foreign: bool) -> Iterator[tuple[Stem, bool, bool]]:
    """Every stem of a surname (or aka) as Slavic papers may write it; whether it comes from
    a transcription (practical, of a foreign surname; or, of a Slavic one typed in plain
    Latin, the letters it may have lost: h for х, s for š), and whether from the latter."""
    readings = transcriptions(word) if foreign else latin_readings(word)
    for transcribed, forms in ((False, written(word)), (True, readings)):
        guessed = transcribed and not foreign
        for spelling in forms:
            for stem in stems_of(spelling, gender):
                yield stem, transcribed, guessed
            if gender is not Gender.MASC and word[-1:] not in "aá":  # Mayová, Bibiová
                yield czech_feminine(spelling), transcribed, guessed
            elif gender is not Gender.MASC and spelling.endswith("a") and len(spelling) > 4:
                # Czech and Slovak papers add -ová to a Slavic woman's surname too, in place
                # of its -a: Kalesnikava -> Kalesnikavová, s Kalesnikavovou.
                yield czech_feminine(spelling[:-1]), transcribed, guessed


@dataclass
class PersonIndex:
    """All person rules; `entries` maps a stem skeleton to the rules that own it. Built
    here (`build`), or read back from the compiled form on disk (monitor.match.packed),
    whose tables unpickle each key on first use."""

    people: Sequence[Person]
    entries: Mapping[str, Sequence[Entry]]
    loose: Mapping[str, Sequence[Entry]]  # by consonants only: Бяляцкі ~ Беляцкий

    @classmethod
    def build(cls, rules: tuple[PersonRule, ...]) -> PersonIndex:
        builder = _Builder([], {}, {})
        for rule in rules:
            builder.add(rule)
        return cls(builder.people, builder.entries, builder.loose)

    def read(self, word: str) -> tuple[Candidate, ...]:
        """Every (person, form) an article word may be; () for almost every word."""
        if not word[:1].isupper():  # names are written capitalised (or in capitals)
            return ()
        possessive = word.endswith(_POSSESSIVE)
        bare = word[:-2] if possessive else word
        cyrillic = _CYRILLIC.search(bare) is not None
        readings = splits(translit(bare), cyrillic)
        if (plain := _without_marks(bare)) != bare:  # Babiš for a rule typed "Babis"
            readings += [r for r in splits(translit(plain), cyrillic) if r not in readings]
        found: dict[int, Candidate] = {}
        tables: list[tuple[bool, Mapping[str, Sequence[Entry]], Callable[[str], str]]] = [
            (False, self.entries, stem_key),
            (True, self.loose, consonants),
        ]
        for is_loose, table, key in tables:
            for stem, ending in readings:
                if is_loose and (stem[-1:] in _VOWEL_LETTERS or len(stem) < MIN_LOOSE):
                    continue  # a vowel left on a stem hides a case ending from consonants
                found_key = key(stem)
                short = is_loose and len(found_key) < MIN_LOOSE_SINGLE
                for entry in table.get(found_key, ()):
                    if short and entry.single:
                        continue
                    form = entry.stem.paradigm.get(ending)
                    if form is None or not form.gender.agrees(entry.gender):
                        continue
                    form = Form(form.gender, "possessive") if possessive else form
                    only = entry.stem.paradigm is CONSONANT and ending in PLURAL_ONLY
                    cand = Candidate(entry.person, form, entry.label, is_loose,
                                     entry.transcribed, entry.guessed, ending, only)  # fmt: skip
                    if (
                        entry.person not in found
                        or found[entry.person].transcribed > cand.transcribed
                    ):
                        found[entry.person] = cand  # the written form wins over a transcription
        return tuple(found.values())


_Givens = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]


@dataclass
class _Builder:
    people: list[Person]
    entries: dict[str, list[Entry]]
    loose: dict[str, list[Entry]]
    # A long list repeats its given names (and families their surnames): what a name gives
    # is worked out once per name, a 10,000-person list compiles in a third of the time.
    _stems: dict[tuple[str, Gender | None, bool], tuple[tuple[Stem, bool, bool], ...]] = field(
        default_factory=dict
    )
    _givens: dict[tuple[tuple[str, ...], bool], _Givens] = field(default_factory=dict)
    _genders: dict[tuple[tuple[str, ...], str], Gender | None] = field(default_factory=dict)
    _seen: set[tuple[object, ...]] = field(default_factory=set)  # entries indexed already

    def add(self, rule: PersonRule) -> None:
        parts = parse_name(rule.name)
        aliases = [parse_name(aka) for aka in rule.aka]
        givens = tuple(g for p in (parts, *aliases) for g in p.given)
        gender = self._gender(parts)
        number = len(self.people)
        words = [(f"surname {parts.surname}", w) for w in parts.surname_parts]
        words += [(f"aka {a.surname}", w) for a in aliases for w in a.surname_parts]
        if not parts.given:  # known by one given name (Pope Francis): as every language has it
            words += [(f"name {f}", f) for f in _equivalents(parts.surname)]
        for label, word in words:
            for stem, transcribed, guessed in self._stems_of(word, gender, parts):
                self._index(Entry(number, stem, label, transcribed, guessed, gender,
                                  parts.single))  # fmt: skip
        keys, loose, first, spelled = self._given(givens, foreign(parts))
        own = {*spelled, *(stem_key(translit(w)) for _, w in words)}
        self.people.append(Person(rule, parts, keys, loose, first, gender, frozenset(own)))

    def _gender(self, parts: NameParts) -> Gender | None:
        key = (parts.given[:1], parts.surname_parts[-1])
        if key not in self._genders:
            self._genders[key] = _gender(parts, stems_of(translit(parts.surname_parts[-1])))
        return self._genders[key]

    def _stems_of(
        self, word: str, gender: Gender | None, parts: NameParts
    ) -> tuple[tuple[Stem, bool, bool], ...]:
        key = (word, gender, foreign_surname(parts, word))
        if key not in self._stems:
            self._stems[key] = tuple(_stems(*key))
        return self._stems[key]

    def _given(self, givens: tuple[str, ...], is_foreign: bool) -> _Givens:
        """Keys, consonant keys, initials and the stem keys of the spellings of given names."""
        key = (givens, is_foreign)
        if key not in self._givens:
            spelled = given_spellings(givens, is_foreign)
            self._givens[key] = (given_keys(spelled), loose_given_keys(spelled),
                                 initials(givens), frozenset(map(stem_key, spelled)))  # fmt: skip
        return self._givens[key]

    def _index(self, entry: Entry) -> None:
        key = stem_key(entry.stem.stem)
        stem = entry.stem
        seen = (entry.person, stem.stem, id(stem.paradigm), stem.gender, entry.label,
                entry.transcribed, entry.guessed)  # fmt: skip
        if seen in self._seen:
            return
        self._seen.add(seen)
        self.entries.setdefault(key, []).append(entry)
        if len(loose := consonants(entry.stem.stem)) >= MIN_LOOSE:
            self.loose.setdefault(loose, []).append(entry)
        german = _GERMAN_Z.sub("z", entry.stem.stem)
        if german != entry.stem.stem:
            stem = Stem(german, entry.stem.paradigm, entry.stem.gender)
            self.entries.setdefault(stem_key(german), []).append(replace(entry, stem=stem))
