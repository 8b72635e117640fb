"""Candidates: people an article names in full beside an arrest, a trial or a sentence, whom
no rule matches.

In: an article, a test of whether the rules name a person (the matcher decides), and the
extra words of event rules with `discover: true`. Out: one `Sighting` per person (by key)
with the spellings, the nominative and the sentence that named them. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from monitor.discover.full_names import FoundName, find_names
from monitor.discover.vocabulary import hits
from monitor.language import fold_text
from monitor.model import Article, Match, RuleKind, RuleSet

# A word of detention or trial counts for a name this close to it (characters, about 40
# words), and never across a blank line (another paragraph, another story).
NEAR = 300
SENTENCE_CHARS = 400


@dataclass(frozen=True)
class Sighting:
    key: str
    name: str  # nominative
    variants: tuple[str, ...]  # as written in this article
    sentence: str


def spot(
    article: Article, listed: Callable[[str], bool], extra: Sequence[str] = ()
) -> tuple[Sighting, ...]:
    """The people of `article` named near detention or trial words, not on the list."""
    text = article.full_text
    folded = fold_text(text)
    places = hits(folded, extra)
    if not places:
        return ()
    by_key: dict[str, list[FoundName]] = {}
    for found in find_names(text, article.language):
        if found.key and any(_near(text, found, at) for at in places):
            by_key.setdefault(found.key, []).append(found)
    sightings = []
    for key, names in by_key.items():
        if any(listed(n.text) or listed(n.name) for n in names):
            continue
        variants = tuple(dict.fromkeys(n.text for n in names))
        sightings.append(Sighting(key, names[0].name, variants, sentence(text, names[0])))
    return tuple(sightings)


def _near(text: str, found: FoundName, at: int) -> bool:
    low, high = sorted((at, found.start))
    return abs(at - found.start) <= NEAR and "\n\n" not in text[low:high]


def sentence(text: str, found: FoundName) -> str:
    """The sentence around a name, clipped to SENTENCE_CHARS."""
    start = max(text.rfind(mark, 0, found.start) for mark in (". ", "! ", "? ", "\n")) + 1
    ends = [e for e in (text.find(mark, found.end) for mark in (". ", "! ", "? ", "\n")) if e >= 0]
    end = min(ends) + 1 if ends else len(text)
    return " ".join(text[max(0, start) : end].split())[:SENTENCE_CHARS]


class Matching(Protocol):
    def match(self, text: str, language: str | None = None) -> tuple[Match, ...]: ...


def on_list(matcher: Matching) -> Callable[[str], bool]:
    """Whether the rules name a person in `text` (a found name): the matcher decides, so a
    namesake with another given name is not on the list."""
    return lambda text: any(m.kind is RuleKind.PERSON for m in matcher.match(text))


def discover_words(rules: RuleSet) -> tuple[str, ...]:
    """The `any` words of every event rule with `discover: true`."""
    return tuple(term for event in rules.events if event.discover for term in event.any)
