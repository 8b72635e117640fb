"""Warnings for the person editing rules, and how often each rule would have fired.

In: a `RuleSet` (and, for `fire_counts`, a compiled `Matcher` and stored articles). Out:
`RuleWarning`s for person rules likely to be noisy or blind (a surname that everyday words
fold into, one shared with other listed people, one under four letters, a rule with no given
name), each saying what to add; and per-rule counts of the articles each rule matches.

The CLI calls them so:
    monitor rules check PATHS     -> for w in lint(load_rules(paths)): print(w)
    monitor rules check --against-store [--since 30d]
        -> counts = fire_counts(compile_rules(ruleset), stored_articles_since(30 days))
           print each rule id with counts[id] and counts[id] * 1000 / len(articles)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from monitor.language import LANGUAGES, is_given_form, top_words, zipf
from monitor.match.decide import MIN_DISTINCT
from monitor.match.matcher import Matcher
from monitor.match.packed import remembered, rules_key
from monitor.match.people import Person, PersonIndex
from monitor.model import Article, PersonRule, RuleSet

EVERYDAY_WORDS = 10_000  # the most frequent words of each language checked against surnames
_SHOWN = 3  # everyday words quoted per warning
# What a warning is about, as a long list's summary counts them.
ONE_NAME = "one name"
NO_GIVEN = "no given name"
SHORT = "short surname"
GIVEN_SURNAME = "surname that is a given name"
EVERYDAY = "everyday words read as the surname"
SHARED = "surname shared with other rules"


@dataclass(frozen=True)
class RuleWarning:
    rule_id: str
    origin: str  # "rules/belarus.yaml:14", or "" for a rule built in code
    message: str  # what is likely to go wrong, and what to add
    kind: str = ""  # one of KINDS: what the warnings of a long list are counted by

    def __str__(self) -> str:
        where = f"{self.origin}: " if self.origin else ""
        return f"{where}{self.rule_id}: {self.message}"


def lint(
    ruleset: RuleSet, languages: tuple[str, ...] = LANGUAGES, folder: Path | None = None
) -> list[RuleWarning]:
    """Every warning for the person rules of `ruleset`, in rule order. `languages` are the
    languages whose everyday words are read against the surnames (wordfreq codes). With a
    `folder`, the warnings are kept there per version of the rules (monitor.match.packed):
    reading 10,000 surnames against 90,000 everyday words is done once, not per run."""
    return remembered(folder, lint_name(ruleset, languages), lambda: linted(ruleset, languages))


def lint_name(ruleset: RuleSet, languages: tuple[str, ...]) -> str:
    """What the warnings of these rules, read against these languages, are kept under."""
    return f"{rules_key(ruleset)}.{'-'.join(languages) or 'none'}.lint"


def linted(
    ruleset: RuleSet, languages: tuple[str, ...], index: PersonIndex | None = None
) -> list[RuleWarning]:
    """The warnings, worked out now (with the rules' index when it is built already)."""
    index = index or PersonIndex.build(ruleset.people)
    everyday = _everyday_readings(index, languages)
    shared = _namesakes(index)
    warnings: list[RuleWarning] = []
    for number, person in enumerate(index.people):
        messages = [
            *_shape(person),
            *_everyday(person, everyday.get(number, [])),
            *_shared(person, [index.people[n].rule.id for n in shared.get(number, ())]),
        ]
        warnings.extend(_warning(person.rule, kind, m) for kind, m in messages)
    return warnings


def fire_counts(matcher: Matcher, articles: Iterable[Article]) -> dict[str, int]:
    """How many of `articles` each rule matches (every rule of the matcher, 0 included)."""
    counts = dict.fromkeys((rule.id for rule in matcher.rules), 0)
    for article in articles:
        for match in matcher.match(article.full_text, article.language):
            counts[match.rule_id] += 1
    return counts


def _warning(rule: PersonRule, kind: str, message: str) -> RuleWarning:
    origin = f"{rule.origin.file}:{rule.origin.line}" if rule.origin else ""
    return RuleWarning(rule.id, origin, message, kind)


def _shape(person: Person) -> Iterator[tuple[str, str]]:
    surname, parts = person.surname, person.parts
    if parts.single:
        yield (
            ONE_NAME,
            (
                f"known by one name ('{surname}'): it counts only where used as a name; add "
                "'aka:' with the forms papers use in other languages and 'context:' terms"
            ),
        )
    elif not parts.given:
        yield (
            NO_GIVEN,
            ("no given name: every person with this surname will alert; add the given name"),
        )
    if not parts.single and sum(c.isalpha() for c in surname) < MIN_DISTINCT:
        yield (
            SHORT,
            (
                f"surname '{surname}' is shorter than {MIN_DISTINCT} letters: alone it never "
                "counts; add 'context:' terms, or 'aka:' with longer forms"
            ),
        )
    if not parts.single and is_given_form(surname):
        yield (
            GIVEN_SURNAME,
            (f"surname '{surname}' is also a given name: alone it counts only with 'context:'"),
        )


def _everyday(person: Person, words: list[tuple[float, str, str]]) -> Iterator[tuple[str, str]]:
    """Frequent words read as the surname: everyday words (Kolejny for Kalina) or the names
    of others frequent in the news (Борисов for Barysau)."""
    if not words:
        return
    if person.rule.alone:
        yield (
            EVERYDAY,
            (
                f"alone: true, yet frequent words read as this surname ({_quote(words)}): "
                "check how often it fires with 'monitor rules check --against-store'"
            ),
        )
        return
    yield (
        EVERYDAY,
        (
            f"frequent words read as this surname ({_quote(words)}): alone it counts only with "
            "'context:' terms, where the article names the person in full, or where the "
            "store's recent articles show it names this person ('rules check --against-store')"
        ),
    )


def _quote(words: list[tuple[float, str, str]]) -> str:
    return ", ".join(f"{lang} '{word}'" for _, lang, word in sorted(words, reverse=True)[:_SHOWN])


def _shared(person: Person, others: list[str]) -> Iterator[tuple[str, str]]:
    if others:
        yield (
            SHARED,
            (
                f"surname shared with {len(others)} other rule(s) ({', '.join(others[:_SHOWN])}): "
                "alone it alerts none of them; keep each rule's given name"
            ),
        )


@functools.cache
def _top_words(language: str) -> tuple[str, ...]:
    return top_words(language, EVERYDAY_WORDS)


def _everyday_readings(
    index: PersonIndex, languages: tuple[str, ...]
) -> dict[int, list[tuple[float, str, str]]]:
    """person -> (Zipf, language, word) of everyday words the index reads as its surname."""
    found: dict[int, list[tuple[float, str, str]]] = {}
    for language in languages:
        for word in _top_words(language):
            for cand in index.read(word[:1].upper() + word[1:]):
                if not cand.loose:
                    found.setdefault(cand.person, []).append((zipf(word, language), language, word))
    return found


def _namesakes(index: PersonIndex) -> dict[int, tuple[int, ...]]:
    """person -> the other people whose surname reads the same (any gender)."""
    by_key: dict[str, list[int]] = {}
    keys: dict[str, str] = {}  # surname -> its key: namesakes share the one reading
    for number, person in enumerate(index.people):
        if person.surname not in keys:
            keys[person.surname] = _surname_key(index, person)
        by_key.setdefault(keys[person.surname], []).append(number)
    return {n: tuple(o for o in group if o != n) for group in by_key.values() for n in group}


def _surname_key(index: PersonIndex, person: Person) -> str:
    """The first stem key the surname is indexed under: Kruk and Kruk, Tsikhanouski and
    Tsikhanouskaya share it."""
    word = person.surname
    cands = [c for c in index.read(word[:1].upper() + word[1:]) if not c.loose]
    return ",".join(sorted(str(c.person) for c in cands)) or word
