"""Reading article text: capitalised words, their neighbours, sentences, script labels.

In: `Article.full_text` and offsets into it. Out: the words next to a hit, word counts,
snippets (the sentence around a hit, at most ~300 characters), sentence starts.
"""

from __future__ import annotations

import functools
import re

# A word is a run of letters/digits (combining stress marks included, so Тихано́вский stays
# one word); an inner apostrophe keeps "Lukashenka's" and Ukrainian "Мар'яна" whole.
WORD = r"[\w\u0300-\u036f]+(?:['’ʼ][\w\u0300-\u036f]+)*"
WORD_RE = re.compile(WORD)
_LETTER = r"[\w\u0300-\u036f]"


def _capitals() -> str:
    ranges = (range(0x41, 0x250), range(0x370, 0x530), range(0x1E00, 0x1F00))
    return "".join(chr(c) for r in ranges for c in r if chr(c).isupper())


# A name starts a word with a capital letter; only these words are looked up as surnames.
# The capital comes first and the look back (at the character before it) second: the
# search then skips to capitals in C instead of trying the look back at every character.
NAME_RE = re.compile(rf"[{_capitals()}](?<![\w\u0300-\u036f'’ʼ].){_LETTER}*(?:['’ʼ]{_LETTER}+)*")
_NAME_GAP = "[ \u00a0\t]{1,2}"
_GAP = frozenset(" \u00a0\t")
_WORD_AFTER = re.compile(rf"{_NAME_GAP}({WORD})")
SNIPPET_LIMIT = 300
_SENTENCE_END = re.compile(r"[.!?…](?=[\s\"'”»)]|$)|\n")
_LAST_SENTENCE_END = re.compile(r".*(?:[.!?…](?=[\s\"'”»)])|\n)", re.DOTALL)  # greedy: the last
_BEFORE_SENTENCE = re.compile(r"(?:^|[.!?…:\n])[\s\"'“”«»()\-–—]*$")
_UKRAINIAN = set("їєґ")
_POLISH = set("łąęśźżćńó")


def snippet(text: str, start: int, end: int, limit: int = SNIPPET_LIMIT) -> str:
    """The sentence holding text[start:end], cut to about `limit` characters around it."""
    left, cut_left = _sentence_start(text, start, limit)
    right_match = _SENTENCE_END.search(text, end, end + limit)
    right = right_match.end() if right_match else min(len(text), end + limit)
    cut_right = right_match is None and right < len(text)
    if right - left > limit:
        room = max(limit - (end - start), 0) // 2
        cut_left, cut_right = cut_left or start - room > left, cut_right or end + room < right
        left, right = max(left, start - room), min(right, end + room)
    body = " ".join(text[left:right].split())
    return f"{'…' if cut_left else ''}{body}{'…' if cut_right else ''}"


def _sentence_start(text: str, start: int, limit: int) -> tuple[int, bool]:
    """Where the sentence before `start` begins (looking back at most `limit`), and
    whether the look-back gave up before finding it."""
    window = max(0, start - limit)
    last = _LAST_SENTENCE_END.match(text, window, start)
    return (last.end(), False) if last else (window, window > 0)


def starts_sentence(text: str, start: int) -> bool:
    """True where the word at `start` opens the text, a line or a sentence."""
    return _BEFORE_SENTENCE.search(text, max(0, start - 40), start) is not None


def word_before(text: str, start: int) -> tuple[int, int, bool] | None:
    """The word just before `start` in the same name (one or two spaces apart): its span,
    and whether a full stop follows it (only an initial may have one: "V. Babaryka")."""
    gap = start
    while gap > 0 and start - gap < 2 and text[gap - 1] in _GAP:
        gap -= 1
    if gap == start or (gap > 0 and text[gap - 1] in _GAP):
        return None
    end = gap - 1 if gap > 0 and text[gap - 1] == "." else gap
    begin = end
    while begin > 0 and _in_word(text, begin - 1):
        begin -= 1
    if begin == end or (end < gap and end - begin != 1):
        return None
    return begin, end, end < gap


def _in_word(text: str, i: int) -> bool:
    """Whether text[i] belongs to a word (a letter, or an apostrophe inside one)."""
    char = text[i]
    if char.isalnum() or char == "_" or "\u0300" <= char <= "\u036f":
        return True
    return char in "'’ʼ" and i > 0 and text[i - 1].isalnum()


def word_after(text: str, end: int) -> tuple[int, int] | None:
    """The word just after `end` in the same name."""
    found = _WORD_AFTER.match(text, end)
    return found.span(1) if found else None


def words_between(text: str, start: int, end: int) -> int:
    """How many words begin in text[start:end]."""
    return len(WORD_RE.findall(text, start, end))


# Languages written in Cyrillic, whose label a Latin word never takes.
CYRILLIC_LANGUAGES = frozenset({"ru", "be", "uk", "bg", "sr", "mk", "kk"})


@functools.lru_cache(maxsize=1 << 14)
def script_label(word: str, language: str | None) -> str:
    """A short language/script label for --explain: 'be', 'uk', 'ru', 'pl', 'en'..."""
    lowered = set(word.lower())
    if any("\u0400" <= c <= "\u04ff" for c in lowered):
        if lowered & _UKRAINIAN:
            return "uk"
        if "ў" in lowered or ("і" in lowered and language != "uk"):
            return "be"
        if "і" in lowered:
            return "uk"
        return language if language in ("ru", "be", "uk", "bg") else "ru"
    if lowered & _POLISH:
        return "pl"
    # A Latin word in a Russian or Belarusian article is a quote or a name in another
    # language: the article's language is not the word's.
    return language if language and language not in CYRILLIC_LANGUAGES else "latin"
