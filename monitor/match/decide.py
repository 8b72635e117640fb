"""The document-level decision: does a surname standing alone name the rule's person?

In: every `Sighting` of one article, the people, the context terms found. Out: a `Verdict`
per sighting. In news a person is named in full first and by surname after, so a lone
surname counts when the article names that person in full, carries one of the rule's context
terms, the rule says `alone: true`, or the surname is distinctive: rare as a word in the
article's language, at least four letters, no given name, and no other listed person's.
A surname that is an everyday word counts alone where the store's recent articles show it
names this person (`standing`: Лукашенко, Johnson). It never counts when the article names
someone else with that surname.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from monitor.language import COMMON, is_given_form, zipf
from monitor.match.people import Person
from monitor.match.spans import script_label
from monitor.match.standing import describe, known, why_not
from monitor.match.verify import Kind, Sighting
from monitor.model import Standing

MIN_DISTINCT = 4  # letters a surname needs to be distinctive alone (May, Kim, Rak are not)
# A transcription is an approximation: alone, a short one meets unrelated words (Tara read
# as English would be Тейре).
MIN_TRANSCRIBED = 5


@dataclass(frozen=True)
class Verdict:
    counts: bool
    start: int
    end: int
    variant: str
    reason: str  # for --explain, in detail
    basis: str = ""  # for a digest: a `why_` phrase of texts.toml (when it counts)
    basis_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """What the decision needs to know about the whole article."""

    sightings: tuple[Sighting, ...]
    shared: dict[tuple[int, int], tuple[int, ...]]  # (start, end) -> people the word may be
    context: dict[int, str]  # person -> first context term found
    full: dict[int, Sighting]  # person -> where the article first names them in full
    others: dict[int, Sighting]  # person -> where it names someone else with the surname

    @classmethod
    def of(
        cls,
        sightings: tuple[Sighting, ...],
        shared: dict[tuple[int, int], tuple[int, ...]],
        context: dict[int, str],
    ) -> Document:
        full: dict[int, Sighting] = {}
        others: dict[int, Sighting] = {}
        for s in sightings:
            if s.kind is Kind.FULL:
                full.setdefault(s.person, s)
            elif s.conflict:
                others.setdefault(s.person, s)
        return cls(sightings, shared, context, full, others)


def decide(
    people: Sequence[Person], doc: Document, learned: Mapping[int, Standing] | None = None
) -> Iterator[tuple[int, Verdict]]:
    """(person, Verdict) for every sighting of the article, in article order; `learned`:
    person -> what the store taught about the surname."""
    for s in doc.sightings:
        person = people[s.person]
        yield s.person, _verdict(person, s, doc, (learned or {}).get(s.person))


def _verdict(person: Person, s: Sighting, doc: Document, standing: Standing | None) -> Verdict:
    context = doc.context.get(s.person)
    extra = [f"context term '{context}' present"] if context else []
    if person.rule.context and not context:
        return _no(s, "no context term present")
    if s.kind is Kind.OTHER:
        return _no(s, s.reason)
    if s.kind is Kind.FULL:
        if (closer := _closer_namesake(s, doc)) is not None:
            return _no(s, closer)
        return _yes(s, "; ".join([s.reason, *extra]), "named")
    return _lone(person, s, doc, context, standing)


def _lone(
    person: Person, s: Sighting, doc: Document, context: str | None, standing: Standing | None
) -> Verdict:
    if (full := doc.full.get(s.person)) is not None:
        named = f"the article names the person (at {full.start}-{full.end}) in full"
        return _yes(s, named, "named_elsewhere")
    if (other := _someone_else(s, doc)) is not None:
        return _no(s, other)
    if s.owner:  # Казаков is a surname as often as Казак's
        return _no(s, "a possessive adjective (Лукашенков) counts only with the full name")
    if context:  # a context term is the rule's own: it picks this person among namesakes
        return _yes(s, f"context term '{context}' present", "context", (context,))
    if (shared := _shared(s, doc)) is not None:
        return _no(s, shared)
    if person.rule.alone:
        return _yes(s, "the rule says the surname alone is enough (alone: true)", "alone")
    if person.parts.single:
        return _one_name(s)
    if s.guessed:  # Хара for a rule typed Hara may be Гара's other reading or another word
        return _no(s, "read with a letter the rule does not write (h as х, s as š); needs "
                      "the full name")  # fmt: skip
    if s.office and _office_names(person, s):  # "premier May": a name, no other listed one's
        return _yes(s, "after a word of office, used as a name (no other listed person's)",
                    "office")  # fmt: skip
    if (common := _everyday(s)) is not None:
        return _learned(s, common, standing)
    why = _not_distinctive(s)
    return _no(s, why) if why else _yes(s, _distinctive(s), "distinctive")


def _office_names(person: Person, s: Sighting) -> bool:
    """After a word of office, a word that is itself a given name ("książę Harry") names the
    rule's person only written as the rule writes the surname ("premier May")."""
    written = {part.casefold() for part in person.parts.surname_parts}
    return not is_given_form(s.word) or s.word.casefold() in written


def _closer_namesake(s: Sighting, doc: Document) -> str | None:
    """Aliaksandr and Aliaksandra Ivanchyk both fit "Alyaksandra Ivanchyk"; the one whose
    given name is written exactly so is meant."""
    if s.exact:
        return None
    for other in doc.sightings:
        same = (other.start, other.end) == (s.start, s.end) and other.person != s.person
        if same and other.kind is Kind.FULL and other.exact:
            return "another listed person's given name is written exactly so"
    return None


def _someone_else(s: Sighting, doc: Document) -> str | None:
    """Why the lone surname is someone else's: another given name beside this surname, or
    another listed person with it named in full."""
    if (other := doc.others.get(s.person)) is not None:
        return f"the article names someone else with this surname ({other.reason})"
    sharing = [p for p in doc.shared.get((s.start, s.end), ()) if p != s.person]
    if any(p in doc.full for p in sharing):
        return "the article names another listed person with this surname in full"
    return None


def _shared(s: Sighting, doc: Document) -> str | None:
    sharing = [p for p in doc.shared.get((s.start, s.end), ()) if p != s.person]
    if sharing and not s.plural:
        return f"shared with {len(sharing)} other listed person(s); needs the given name"
    return None


def _one_name(s: Sighting) -> Verdict:
    """A rule of one name (Prophet Muhammad, Pope Francis) names its person by that name
    alone, where it is used as a name and stands beside no other."""
    if s.name_use or zipf(s.word, s.language) < COMMON:
        return _yes(s, "the rule's one name, used as a name", "one_name")
    return _no(s, "the rule's one name, but not used as a name here")


def _everyday(s: Sighting) -> str | None:
    """Why the word, long enough to stand alone, reads as an everyday word; None if not."""
    if sum(c.isalpha() for c in s.word) < MIN_DISTINCT:
        return None
    common = zipf(s.word, s.language)
    if common < COMMON:
        return None
    return f"ordinary word in {script_label(s.word, s.language)} (Zipf {common:.1f})"


def _learned(s: Sighting, common: str, standing: Standing | None) -> Verdict:
    """An everyday word counts alone only where the store's articles taught it names this
    person; --explain gives the counts either way."""
    if standing is None:
        return _no(s, f"{common}; needs the given name")
    if known(standing):
        return _yes(s, f"{common}, but it names this person alone: {describe(standing)}",
                    "known")  # fmt: skip
    return _no(s, f"{common}; needs the given name ({why_not(standing)}: {describe(standing)})")


def _not_distinctive(s: Sighting) -> str | None:
    if sum(c.isalpha() for c in s.word) < MIN_DISTINCT:
        return f"shorter than {MIN_DISTINCT} letters as written; needs the given name"
    if s.transcribed and sum(map(str.isalpha, s.word)) < MIN_TRANSCRIBED:
        return "a short transcription of the surname may be another word; needs the full name"
    if is_given_form(s.word):
        return "also a given name; needs the full name or a context term"
    return None


def _distinctive(s: Sighting) -> str:
    where = script_label(s.word, s.language)
    if s.plural:
        return f"a plural naming every listed bearer, rare as a word in {where}"
    return f"distinctive surname (rare as a word in {where}, no other listed person's)"


def _yes(s: Sighting, reason: str, basis: str, terms: tuple[str, ...] = ()) -> Verdict:
    """It counts: `reason` for --explain, `basis` (see Evidence.basis) for a digest."""
    return Verdict(True, s.start, s.end, s.variant, reason, basis, terms)


def _no(s: Sighting, reason: str) -> Verdict:
    return Verdict(False, s.start, s.end, s.variant, reason)
