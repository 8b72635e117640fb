"""Word terms of every rule (event any/near/not, person context) in one Aho-Corasick automaton.

In: terms as users write them ("protest*", "march", "women's march", "Мінск*"); later, one
folded article text. Out: `TermHit`s, each naming its term and the text it covers.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

import ahocorasick

from monitor.language import fold_text
from monitor.match.spans import WORD_RE

_LETTER = r"[\w\u0300-\u036f]"
_LETTER_RE = re.compile(_LETTER)

# A context term without '*' still matches its case forms: a final vowel may change and up to
# three letters follow (banker -> bankers, банкир -> банкира, Весна -> Весны). Event terms
# follow the rule file: exact unless they end in '*'.
CONTEXT_SLACK = 3
MIN_CONTEXT_STEM = 4
_VOWELS = frozenset("aeiouyаеёиоуыэюяіїєў")


class Role(enum.Enum):
    ANY = "any"
    NEAR = "near"
    NOT = "not"
    CONTEXT = "context"


@dataclass(frozen=True)
class Term:
    role: Role
    rule: int  # position of the owning rule in RuleSet.all()
    written: str  # as in the rule file, for --explain
    key: str  # what the automaton looks for: the folded first word, or a prefix of it
    pattern: re.Pattern[str]  # the whole term, matched where the key begins


@dataclass(frozen=True)
class TermHit:
    term: Term
    start: int  # offsets into the article text
    end: int


def make_term(role: Role, rule: int, written: str) -> Term | None:
    """'Protest*' -> a Term with key 'protest' matching protest, protests, protesters."""
    star = written.rstrip().endswith("*")
    words = WORD_RE.findall(fold_text(written.replace("*", " ")))
    if not words:
        return None
    tail = "" if star else "(?!" + _LETTER + ")"
    if role is Role.CONTEXT and not star:
        last = words[-1]
        if len(last) > MIN_CONTEXT_STEM and last[-1] in _VOWELS:  # Весна -> Весны, Wiosna -> Wiosny
            words[-1] = last[:-1]
        tail = f"{_LETTER}{{0,{CONTEXT_SLACK}}}{tail}"
    letters = _LETTER + "*" if star else ""
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words) + letters + tail)
    return Term(role, rule, written, words[0], pattern)


class TermIndex:
    """Every term's key in one automaton over the folded article; a hit is then confirmed by
    the term's own small pattern at that place (word ends, inflection, multi-word terms)."""

    def __init__(self, terms: list[Term]) -> None:
        self._automaton = ahocorasick.Automaton()
        keyed: dict[str, list[Term]] = {}
        for term in terms:
            keyed.setdefault(term.key, []).append(term)
        for key, group in keyed.items():
            self._automaton.add_word(key, (len(key), tuple(group)))
        self._empty = not keyed
        if keyed:
            self._automaton.make_automaton()

    def scan(self, folded: str) -> list[TermHit]:
        """Every term occurring in the folded article text (see `fold_text`), in order."""
        if self._empty:
            return []
        hits: list[TermHit] = []
        for last, (length, group) in self._automaton.iter(folded):
            start = last - length + 1
            if start and _LETTER_RE.match(folded, start - 1):
                continue  # inside a word
            for term in group:
                if found := term.pattern.match(folded, start):
                    hits.append(TermHit(term, start, found.end()))
        return hits
