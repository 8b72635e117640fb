"""How common a word is in a language, and which language an article is written in.

In: a word (any case) and a language code, or a whole article text. Out: `zipf` (wordfreq's
Zipf scale: 3 = once per million words, 6 = once per thousand; 0 = not among the common
words) and `guess_language` (the code whose most frequent words the text uses most).
"""

from __future__ import annotations

import functools
import re

from monitor.language.wordlists import top_words, word_list

# wordfreq's "small" lists hold every word at or above Zipf 3 in each language: enough to
# tell an everyday word from a name.
LANGUAGES = ("ru", "uk", "bg", "pl", "cs", "sk", "sl", "en", "de")
# Belarusian has no wordfreq list; its everyday words are looked up in its neighbours'.
_STANDINS = {"be": ("ru", "uk")}
COMMON = 3.0  # in wordfreq's small list: an everyday word
_GUESS_WORDS = 60  # each language's most frequent words, used to guess the language
_SAMPLE = 800  # characters of an article looked at to guess its language (~130 words)
_ENOUGH = 8.0  # votes that settle the language (a paragraph of running text)
_SURE = 2.0  # fewer must be twice the runner-up's
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


_CYRILLIC_LANGUAGES = ("ru", "uk", "bg", "be")
# An article of unknown language: a word is as common as in the most fitting language of its
# script (Latin words also in English, which every language quotes).
_UNKNOWN = {True: ("ru", "uk", "bg"), False: ("en", "pl", "cs", "de")}


def word_languages(word: str, language: str | None) -> tuple[str, ...]:
    """The languages to judge one word in: the article's, unless the word is in another
    script (a Latin name in a Russian article is judged as English)."""
    cyrillic = bool(_CYRILLIC.search(word))
    if language in _CYRILLIC_LANGUAGES and not cyrillic:
        return ("en",)
    if (language in _CYRILLIC_LANGUAGES) != cyrillic:
        return _UNKNOWN[cyrillic]
    if language in LANGUAGES:
        return (language,)
    return _STANDINS.get(language or "", _UNKNOWN[cyrillic])


@functools.lru_cache(maxsize=1 << 15)
def zipf(word: str, language: str | None) -> float:
    """'Войти', 'ru' -> 4.4; 'Бабарико', 'ru' -> 0.0 (rarer than Zipf 3, or no list)."""
    key = word.casefold().replace("’", "'")
    return max((word_list(code).zipf(key) for code in word_languages(word, language)), default=0.0)


@functools.cache
def _guess_table() -> dict[str, tuple[str, ...]]:
    # Only each list's head is read: the whole lists (a quarter second, some megabytes) load
    # for the languages articles turn out to be in.
    table: dict[str, list[str]] = {}
    for code in LANGUAGES:
        for word in top_words(code, _GUESS_WORDS):
            table.setdefault(word, []).append(code)
    return {word: tuple(codes) for word, codes in table.items()}


def guess_language(text: str) -> str | None:
    """The language whose most frequent words the text uses most, by a clear margin ('be'
    for Cyrillic text with ў); None when the text is too short or too mixed to tell."""
    table = _guess_table()
    votes: dict[str, float] = {}
    for word in _WORD.findall(text[:_SAMPLE].lower()):
        for code in (codes := table.get(word, ())):
            votes[code] = votes.get(code, 0.0) + 1.0 / len(codes)
    if "ў" in text or "Ў" in text:  # only Belarusian writes it
        return "be"
    ranked = sorted(votes.items(), key=lambda item: (-item[1], item[0]))
    if not ranked:
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if ranked[0][1] < _ENOUGH and ranked[0][1] < _SURE * runner_up:
        return None  # a short text sharing its few common words with a neighbour
    return ranked[0][0]
