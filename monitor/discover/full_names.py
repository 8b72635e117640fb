"""Every person an article names in full: given name and surname, initials, patronymics.

In: an article's text (and its language, if known). Out: `FoundName`s, each with the text as
written, the name in the nominative, the person's key and the character offsets.

A name starts at a capitalised word that is a given name (givens.given_kind) and takes the
capitalised words that follow it on the same line: more given names, initials, a patronymic,
then one surname that is not an everyday word. Every rule is about the shape of names in
the languages monitor reads; no person's name is listed anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.discover.givens import CYRILLIC, Known, given_kind
from monitor.discover.nominative import INITIAL, PATRONYMIC, nominative, person_key
from monitor.match import guess_language, zipf


@dataclass(frozen=True)
class FoundName:
    text: str  # as written: "Игоря Карнея"
    name: str  # in the nominative: "Игорь Карней"
    key: str  # one value for one person across articles, scripts and languages
    start: int
    end: int


_WORD = re.compile(r"[^\W\d_]\.|[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# A sentence opens after . ! ? : … or a line break, perhaps behind quotes or a bracket.
_OPENS = re.compile(r"(?:^|[.!?:…\n])[\"«»“”„'(\s]*$")
MAX_WORDS = 4
SURNAME_EVERYDAY = 4.5  # a surname may be a word (May, Hunt) but not an everyday one
FIRST_EVERYDAY = 4.0  # a first word this common before a given name is no given name


def find_names(text: str, language: str | None = None) -> tuple[FoundName, ...]:
    """Every full name in `text`, in order."""
    language = language or guess_language(text)
    tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    seen = frozenset(word.lower() for word, _, _ in tokens)
    # A word the article also writes in lower case is one of its everyday words (суд,
    # власти, rada, stany), whatever the capital letter says where it begins a name.
    lowered = frozenset(word for word, _, _ in tokens if word.islower())
    found: list[FoundName] = []
    at = 0
    while at < len(tokens) - 1:
        span = _name_at(text, tokens, at, language, lowered)
        if span is None:
            at += 1
            continue
        first, last = span
        words = [word for word, _, _ in tokens[first : last + 1]]
        name = nominative(words, seen, language)
        start, end = tokens[first][1], tokens[last][2]
        found.append(FoundName(text[start:end], name, person_key(name), start, end))
        at = last + 1
    return tuple(found)


def _name_at(
    text: str,
    tokens: list[tuple[str, int, int]],
    at: int,
    language: str | None,
    lowered: frozenset[str],
) -> tuple[int, int] | None:
    """The (first, last) token of a name starting at token `at`, if one does."""
    word, start, _ = tokens[at]
    if not _capitalised(word) or INITIAL.match(word):
        return None
    kind = given_kind(word, language, bool(_OPENS.search(text[max(0, start - 4) : start])))
    if not kind or (kind < Known.WRITTEN and word.lower() in lowered):
        return None
    last = at
    while last + 1 < len(tokens) and last - at + 1 < MAX_WORDS:
        gap = text[tokens[last][2] : tokens[last + 1][1]]
        following = tokens[last + 1][0]
        if gap != " " or not _capitalised(following):
            break
        if INITIAL.match(following) or (
            PATRONYMIC.search(following) and CYRILLIC.search(following)
        ):
            last += 1
            continue
        if _everyday(following, language, SURNAME_EVERYDAY) or following.lower() in lowered:
            break
        last += 1
        if not given_kind(following, language):
            break  # the surname ends the name; a further given name would go on
    while last > at and INITIAL.match(tokens[last][0]):
        last -= 1
    if last == at:
        return None
    middle = tokens[at + 1][0]
    if last - at == 2 and not INITIAL.match(middle) and not PATRONYMIC.search(middle):
        second = given_kind(middle, language)
        if second > kind or _everyday(word, language, FIRST_EVERYDAY):
            return at + 1, last  # "Франция Еманюел Макрон": the name starts at the second
    return at, last


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and (not word.isupper() or len(word.rstrip(".")) == 1)


def _everyday(word: str, language: str | None, level: float) -> bool:
    return zipf(word.lower(), language) >= level
