"""The compiled matcher: every rule of a RuleSet, one pass over each article.

In: a `RuleSet` (once), then `Article.full_text` strings. Out: `Match`es in rule order, each
with its `Evidence`, and `explain` lines saying which variant of which rule hit and why.
Each surname found is read where it stands (`verify`), then judged with the whole article
(`decide`): a surname alone counts only where the article gives reason to.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from monitor.language import fold_text, guess_language
from monitor.match.decide import Document, Verdict, decide
from monitor.match.events import event_verdicts
from monitor.match.neighbours import Place
from monitor.match.packed import compiled, ensure_kept
from monitor.match.people import Candidate, PersonIndex, surname_of
from monitor.match.spans import NAME_RE, snippet
from monitor.match.terms import Role, Term, TermHit, TermIndex, make_term
from monitor.match.verify import Sighting, sight
from monitor.model import EventRule, Evidence, Match, Rule, RuleSet, Standing

log = logging.getLogger(__name__)
_CACHE_LIMIT = 200_000  # distinct article words remembered; cleared when full


@dataclass(frozen=True)
class _Hit:
    rule: int
    verdict: Verdict


def compile_rules(
    ruleset: RuleSet,
    folder: Path | None = None,
    apart: Callable[[RuleSet, Path], None] | None = None,
) -> Matcher:
    """A Matcher of every rule, reused for any number of articles; `folder` keeps its
    compiled form for the next process with the same rules (monitor.match.packed), and
    `apart` compiles it there in another process (monitor.match.prepare.keep_apart)."""
    return Matcher(ruleset, folder, apart)


class Matcher:
    """All rules of a RuleSet in one surname index and one term automaton.

    Built at the first article (a few tenths of a second, the given-name lexicon
    included), not when the rules load: a daemon whose worker processes do the matching,
    or a poll that brings nothing new, never needs it. The word lists (wordfreq) load when
    an article first needs them. Safe to share between threads.
    """

    _people: PersonIndex
    _terms: TermIndex
    _cache: _WordCache

    def __init__(
        self,
        ruleset: RuleSet,
        folder: Path | None = None,
        apart: Callable[[RuleSet, Path], None] | None = None,
    ) -> None:
        self.rules: tuple[Rule, ...] = ruleset.all()
        self.folder, self._apart = folder, apart
        self._ruleset: RuleSet | None = ruleset  # None once built
        self._building = threading.Lock()
        self._learned = _learned(ruleset)

    @property
    def is_ready(self) -> bool:
        """Whether the indexes are built or read (a poll with nothing new never needs it)."""
        return self._ruleset is None

    def keep(self) -> None:
        """Make sure `folder` holds the compiled form (compiled apart where it can be)
        without reading it here: before worker processes start, which read it. Without a
        folder, nothing: each worker compiles."""
        with self._building:
            if self._ruleset is None or self.folder is None:
                return
            ruleset = self._ruleset
            ensure_kept(ruleset, self.folder, lambda: self._fresh(ruleset), self._apart)

    def ready(self) -> None:
        """Compile now (or read the compiled form kept in `folder`) rather than at the
        first article: this process matches with it (`keep` is for workers' use)."""
        if self._ruleset is not None:
            self._build()

    def relearned(self, ruleset: RuleSet) -> Matcher:
        """This matcher with what `ruleset.learned` says (the same rules, learned anew),
        sharing the compiled indexes once built: learning never compiles again, and never
        makes a matcher not needed yet build or read its indexes."""
        with self._building:
            if self._ruleset is not None:  # not built: the twin builds when it is needed
                return Matcher(ruleset, self.folder, self._apart)
            twin = Matcher.__new__(Matcher)
            twin.__dict__.update(self.__dict__)
        twin._learned = _learned(ruleset)
        return twin

    def _build(self) -> None:
        with self._building:
            if self._ruleset is None:
                return
            ruleset = self._ruleset
            # This process will hold the matcher: compiled here (`keep` compiles apart).
            self._people, self._terms = compiled(ruleset, self.folder, lambda: self._fresh(ruleset))
            self._cache = _WordCache(self._people)
            self._ruleset = None
        log.debug("compiled rules=%d stems=%d", len(self.rules), len(self._people.entries))

    def _fresh(self, ruleset: RuleSet) -> tuple[PersonIndex, TermIndex]:
        return PersonIndex.build(ruleset.people), TermIndex(list(terms_of(self.rules)))

    def match(self, text: str, language: str | None = None) -> tuple[Match, ...]:
        """Every rule the text matches, in rule order, one Match per rule."""
        evidence: dict[int, list[Evidence]] = {}
        for hit in self._hits(text, language, every=False):
            if hit.verdict.counts:
                evidence.setdefault(hit.rule, []).append(_evidence(text, hit.verdict))
        return tuple(self._match(i, evidence[i]) for i in sorted(evidence))

    def explain(self, text: str, language: str | None = None) -> list[str]:
        """Human lines: for each hit, which variant of which rule, and why it counts or not."""
        lines = []
        for hit in sorted(self._hits(text, language), key=lambda h: (h.rule, h.verdict.start)):
            rule, v = self.rules[hit.rule], hit.verdict
            verb = "counts" if v.counts else "does not count"
            lines.append(
                f"{rule.id}: {text[v.start : v.end]!r} at {v.start}-{v.end}, "
                f"{v.variant}; {verb}: {v.reason}"
            )
        return lines

    def _match(self, rule_index: int, evidence: list[Evidence]) -> Match:
        rule = self.rules[rule_index]
        unique = {(e.start, e.end): e for e in sorted(evidence, key=lambda e: (e.start, e.end))}
        return Match(rule.id, rule.kind, rule.name, tuple(unique.values()))

    def sightings(self, text: str, language: str | None = None) -> list[Sighting]:
        """Every reading of a listed surname in the text, read where it stands (before the
        article-level decision): what the store's articles are counted by."""
        return self._sightings(self._prepared(text), language)[0]

    def lower_case_readings(self, text: str) -> set[int]:
        """People (rule indexes) whose surname a lower-case word of the text reads as, by
        its letters (not by consonants alone): May in "may", Hunt in "hunt"."""
        self.ready()
        found: set[int] = set()
        for word in {w for w in _WORD.findall(text) if w[0].islower()}:
            cands = self._cache[word[0].upper() + word[1:]]
            found.update(c.person for c in cands if not c.loose)
        return found

    def _prepared(self, text: str) -> str:
        self.ready()  # the first article: build the indexes now
        # Apostrophe look-alikes read as ’ and invisible spaces as spaces: one character
        # for one, so every offset still points into the text as written.
        if _ODD_CHARACTERS.search(text):  # rare: most texts are passed on as they are
            text = text.translate(_SAME_LENGTH)
        return text

    def _hits(self, text: str, language: str | None, every: bool = True) -> Iterator[_Hit]:
        """Every reading's verdict (`every`: also those that cannot count, for --explain)."""
        text = self._prepared(text)
        # Folding keeps one character per character, so term offsets are text offsets.
        term_hits = self._terms.scan(fold_text(text))
        context = _context_by_rule(term_hits)
        sightings, shared = self._sightings(text, language, every)
        if sightings:
            doc = Document.of(tuple(sightings), shared, context)
            # People come first in RuleSet.all(), so a person's index is its rule's.
            for person, verdict in decide(self._people.people, doc, self._learned):
                yield _Hit(person, verdict)
        for rule_index, verdict in event_verdicts(self.rules, term_hits, text):
            yield _Hit(rule_index, verdict)

    def _sightings(
        self, text: str, language: str | None, every: bool = True
    ) -> tuple[list[Sighting], dict[tuple[int, int], tuple[int, ...]]]:
        """Every surname reading in the text, read locally; which people each word may be.
        Without `every`, a reading by consonants alone where no given name can stand is
        left out: it never counts (most such readings are of everyday capitalised words)."""
        sightings: list[Sighting] = []
        shared: dict[tuple[int, int], tuple[int, ...]] = {}
        guessed = False
        cache, listed = self._cache, self._people.people
        # Only capitalised words are looked up, each by a few dict lookups (cached per word).
        for found in NAME_RE.finditer(text):
            if not (cands := cache[found.group()]):
                continue
            if language is None and not guessed:  # only articles naming a candidate
                language, guessed = guess_language(text), True
            place = Place(text, found.start(), found.end(), language)
            people = tuple(c.person for c in cands if not c.loose)
            for cand in cands:
                person = listed[cand.person]
                if not every and cand.loose and person.plain and place.bare:
                    continue
                seen = sight(person, cand.person, cand, place)
                sightings.append(seen)
                # A double surname widens the span: who else it may be is kept by the span.
                shared[seen.start, seen.end] = (*shared.get((seen.start, seen.end), ()), *people)
        return sightings, {span: tuple(dict.fromkeys(p)) for span, p in shared.items()}


# O‘Brien (U+2018), Oʻzbek (U+02BB), D`Arcy: each an apostrophe; a zero-width space or
# joiner between two words (pasted from a CMS) is a space.
_SAME_LENGTH = str.maketrans({
    "\u2018": "’", "\u02bb": "’", "`": "’", "\u02b9": "’", "\u2032": "’",
    "\u200b": " ", "\u200c": " ", "\u200d": " ", "\u2060": " ", "\ufeff": " ",
})  # fmt: skip
_ODD_CHARACTERS = re.compile("[" + "".join(map(chr, _SAME_LENGTH)) + "]")
_WORD = re.compile(r"[^\W\d_]{3,}")


def _learned(ruleset: RuleSet) -> dict[int, Standing]:
    """Person (rule index) -> what the store taught about the surname, where the rule still
    writes the surname it was counted under."""
    index = {rule.id: number for number, rule in enumerate(ruleset.people)}
    found = {}
    for standing in ruleset.learned:
        number = index.get(standing.rule_id)
        if number is not None and surname_of(ruleset.people[number]) == standing.surname:
            found[number] = standing
    return found


class _WordCache(dict[str, tuple[Candidate, ...]]):
    """Article word -> its readings; news repeats its words, so most lookups are hits."""

    def __init__(self, people: PersonIndex) -> None:
        super().__init__()
        self._people = people

    def __missing__(self, word: str) -> tuple[Candidate, ...]:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        found = self[word] = self._people.read(word)
        return found


def terms_of(rules: tuple[Rule, ...]) -> Iterator[Term]:
    for index, rule in enumerate(rules):
        groups: tuple[tuple[Role, tuple[str, ...]], ...]
        if isinstance(rule, EventRule):
            groups = ((Role.ANY, rule.any), (Role.NEAR, rule.near), (Role.NOT, rule.exclude))
        else:
            groups = ((Role.CONTEXT, rule.context),)
        for role, written in groups:
            yield from (t for w in written if (t := make_term(role, index, w)) is not None)


def _context_by_rule(hits: list[TermHit]) -> dict[int, str]:
    """The first context term found for each person rule."""
    found: dict[int, str] = {}
    for hit in hits:
        if hit.term.role is Role.CONTEXT:
            found.setdefault(hit.term.rule, hit.term.written)
    return found


def _evidence(text: str, verdict: Verdict) -> Evidence:
    return Evidence(
        text=text[verdict.start : verdict.end],
        snippet=snippet(text, verdict.start, verdict.end),
        start=verdict.start,
        end=verdict.end,
        variant=verdict.variant,
        reason=verdict.reason,
        basis=verdict.basis,
        basis_terms=verdict.basis_terms,
    )
