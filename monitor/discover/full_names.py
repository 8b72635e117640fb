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

from monitor.discover.givens import CYRILLIC, Known, given_kind, native
from monitor.discover.nominative import INITIAL, PATRONYMIC, nominative, person_key
from monitor.language import guess_language, zipf


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
# Beside a given name of the article's own language (Бойко, Иван in Bulgarian) a surname
# may be as frequent as famous people's are (Борисов 4.9, Христов 4.8).
NATIVE_SURNAME_EVERYDAY = 5.5
WRITTEN_SURNAME_EVERYDAY = 5.0  # beside a foreign given name as the lexicon writes it
# Roman numerals, also typed with the Cyrillic letters that look like them (ХVІ).
_NUMERAL = re.compile(r"^(?=[IVXІХ])(?:[XХ]{0,3})(?:[IІ][XХ]|[IІ]V|V?[IІ]{0,3})$")
# A few words in quotation marks: the name of a paper, a party, a firm or a work.
_QUOTED = re.compile(r"[\"«„“”]\s*[^\"«»„“”.!?\n]{1,60}?\s*[\"»“”]")
# Adjective endings no surname has (the adjectival surnames end in -ski, -cki, -ский):
# Polish -nego/-nej/-wy/-szy..., Russian -ного/-ная/-ный...
_ADJECTIVE = re.compile(
    r"(?<!sk)(?<!ck)(?<!dzk)(?:nego|nej|nych|nymi|wego|wej|szego|szej|szy|łego|łej|ńskiego)$"
    r"|(?<!ск)(?<!цк)(?:ного|ному|ной|ная|ное|ных|ными|ьного|ьной)$"
)
_SPACE = re.compile(r"[ \u00a0]+")  # words of one name: on one line
# Words that join a given name and a surname (Jean-Yves Le Drian, Ursula von der Leyen,
# Saif ul Malook, Osama bin Laden), as Latin and Cyrillic papers write them.
_PARTICLES = frozenset((
    "le", "la", "de", "di", "da", "du", "del", "della", "des", "van", "von", "der", "den",
    "ter", "ten", "al", "el", "ul", "ur", "bin", "ibn",
    "ле", "ла", "льо", "дьо", "де", "ди", "да", "дю", "дел", "ван", "фон", "дер", "ал", "ел",
    "ул", "уль", "ур", "бин", "ибн",
))  # fmt: skip
_PARTICLE_JOINED = re.compile(r"^(?:al|el|ul|ur|ал|ел|ул|уль|ур)-[^\W\d_]+$", re.IGNORECASE)
_SHOUTED = re.compile(r"^[^\W\d_]{4,}$")  # a surname in capitals: Деница КИТАНОВА
FIRST_EVERYDAY = 4.0  # a first word this common before a given name is no given name


def find_names(text: str, language: str | None = None) -> tuple[FoundName, ...]:
    """Every full name in `text`, in order."""
    language = language or guess_language(text)
    tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    seen = frozenset(word.lower() for word, _, _ in tokens)
    # A word the article also writes in lower case is one of its everyday words (суд,
    # власти, rada, stany), whatever the capital letter says where it begins a name.
    lowered = frozenset(word for word, _, _ in tokens if word.islower())
    spans = _spans(text, tokens, language, Article(lowered))
    # A word the article gives as someone's surname does not begin a name (адвокат Биби
    # Саиф уль-Малук: Asia Bibi's lawyer, Saif ul-Malook, not "Биби Саиф").
    surnames = frozenset(tokens[last][0].lower() for _, last in spans)
    if any(tokens[first][0].lower() in surnames for first, _ in spans):
        spans = _spans(text, tokens, language, Article(lowered, surnames))
    spans = sorted(spans + _initialled(text, tokens, spans, surnames))
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    found = []
    for first, last in spans:
        if any(a <= tokens[first][1] and tokens[last][2] <= b for a, b in quoted):
            continue  # a short quoted title is a paper, a party, a firm: „Дейли Мейл“
        words = [word for word, _, _ in tokens[first : last + 1]]
        name = nominative(words, seen, language)
        start, end = tokens[first][1], tokens[last][2]
        found.append(FoundName(text[start:end], name, person_key(name), start, end))
    return tuple(found)


@dataclass(frozen=True)
class Article:
    """What the whole article says about its words."""

    lowered: frozenset[str]  # written in lower case somewhere: everyday words
    surnames: frozenset[str] = frozenset()  # (lower case) the last words of its names


def _spans(
    text: str, tokens: list[tuple[str, int, int]], language: str | None, article: Article
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    at = 0
    while at < len(tokens) - 1:
        span = _name_at(text, tokens, at, language, article)
        if span is None:
            at += 1
            continue
        spans.append(span)
        at = span[1] + 1
    return spans


def _name_at(
    text: str,
    tokens: list[tuple[str, int, int]],
    at: int,
    language: str | None,
    article: Article,
) -> tuple[int, int] | None:
    """The (first, last) token of a name starting at token `at`, if one does."""
    word, start, end = tokens[at]
    if not _capitalised(word) or INITIAL.match(word) or word.lower() in article.surnames:
        return None
    kind = given_kind(word, language, bool(_OPENS.search(text[max(0, start - 4) : start])))
    if not kind or (kind < Known.WRITTEN and word.lower() in article.lowered):
        return None
    numeral = at + 1 < len(tokens) and _NUMERAL.match(tokens[at + 1][0])
    if numeral and _SPACE.fullmatch(text[end : tokens[at + 1][1]]):
        return at, at + 1  # a monarch or a pope: Benedykt XVI, Elżbiety II
    bar = _surname_bar(word, kind, language)
    last = _extend(text, tokens, at, language, article, bar)
    return _trimmed(tokens, at, last, kind, language)


def _extend(
    text: str,
    tokens: list[tuple[str, int, int]],
    at: int,
    language: str | None,
    article: Article,
    bar: float,
) -> int:
    """The last token of the name begun at `at`: the capitalised words after the given name
    on the same line (more given names, initials, a patronymic, particles), up to and with
    the surname, which is no everyday word (a Zipf below `bar`) and no adjective."""
    last = at
    while last + 1 < len(tokens) and last - at + 1 < MAX_WORDS:
        following = tokens[last + 1][0]
        if not _SPACE.fullmatch(text[tokens[last][2] : tokens[last + 1][1]]):
            break
        if _PARTICLE_JOINED.match(following):
            return last + 1  # Саиф уль-Малук: particle and surname in one word
        if following.lower() in _PARTICLES and _particle_before(text, tokens, last + 1):
            last += 1  # Jean-Yves Le Drian, Saif ul Malook: the particle, then the surname
            continue
        shouted = following.isupper() and _SHOUTED.match(following)
        if not _capitalised(following) and not shouted:
            break
        if INITIAL.match(following) or (
            PATRONYMIC.search(following) and CYRILLIC.search(following)
        ):
            last += 1
            continue
        everyday = _everyday(following, language, bar) or following.lower() in article.lowered
        if everyday or _ADJECTIVE.search(following.lower()):
            break  # Forum Ekonomicznego, Sąd Najwyższy: a noun and its adjective
        last += 1
        if not given_kind(following, language):
            break  # the surname ends the name; a further given name would go on
    return last


def _trimmed(
    tokens: list[tuple[str, int, int]], at: int, last: int, kind: Known, language: str | None
) -> tuple[int, int] | None:
    """The name found, without trailing initials, split where a second name begins, or
    none where a place stands before a given name."""
    while last > at and INITIAL.match(tokens[last][0]):
        last -= 1
    if last == at:
        return None
    if last - at >= 3 and given_kind(tokens[at + 2][0], language):
        return at, at + 1  # two names in a row: Тереза Мей Гевин Баруел
    if last - at == 1 and kind < Known.WRITTEN and native(tokens[last][0], language):
        return None  # a place before a given name: Британии Филип, Лондон Садик
    middle = tokens[at + 1][0]
    plain = middle.lower() not in _PARTICLES and not PATRONYMIC.search(middle)
    everyday = _everyday(tokens[at][0], language, FIRST_EVERYDAY)
    if last - at == 2 and not INITIAL.match(middle) and plain and everyday:
        return at + 1, last  # "Франция Еманюел Макрон": the name starts at the second
    return at, last


def _surname_bar(given: str, kind: Known, language: str | None) -> float:
    """How frequent a word may be and still be the surname after this given name."""
    if native(given, language):
        return NATIVE_SURNAME_EVERYDAY
    if kind >= Known.LISTED and not _everyday(given, language, SURNAME_EVERYDAY):
        return WRITTEN_SURNAME_EVERYDAY  # Доналд Тръмп (4.6 in Bulgarian news)
    return SURNAME_EVERYDAY


def _initialled(
    text: str,
    tokens: list[tuple[str, int, int]],
    spans: list[tuple[int, int]],
    surnames: frozenset[str],
) -> list[tuple[int, int]]:
    """An initial before a surname the article gives in full elsewhere: T. May, М. Барние."""
    taken = {at for first, last in spans for at in range(first, last + 1)}
    return [
        (at, at + 1)
        for at in range(len(tokens) - 1)
        if at not in taken and at + 1 not in taken and INITIAL.match(tokens[at][0])
        and tokens[at][0][0].isupper() and tokens[at + 1][0].lower() in surnames
        and _SPACE.fullmatch(text[tokens[at][2] : tokens[at + 1][1]])
    ]  # fmt: skip


def _particle_before(text: str, tokens: list[tuple[str, int, int]], at: int) -> bool:
    """Whether the particle at token `at` is followed, on the same line, by a surname."""
    if at + 1 >= len(tokens):
        return False
    after = tokens[at + 1][0]
    return bool(_SPACE.fullmatch(text[tokens[at][2] : tokens[at + 1][1]])) and _capitalised(after)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and (not word.isupper() or len(word.rstrip(".")) == 1)


def _everyday(word: str, language: str | None, level: float) -> bool:
    return zipf(word.lower(), language) >= level
