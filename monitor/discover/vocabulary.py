"""Words of detention, search, charge, trial, sentence, fine and prison, in the languages
monitor reads.

In: an article's text, folded (match.fold.fold_text: lower case, accents off). Out: `hits`,
the offsets of each such word. Each entry is the start of a word (a stem: "задерж" finds
задержан, задержали, задержания), matched at a word's beginning; a few short ones only as
whole words (суд, not судьба).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import ahocorasick

from monitor.language import fold_text

# Stems, folded, by language. Short stems that open everyday words are given whole (суд
# with its case endings, not суд- of судьба).
STEMS = {
    "en": "detain detention arrest jail imprison prison custody charged indict convict "
    "sentenc trial searched raid fined prosecut remand",
    "de": "festgenommen festnahme verhaftet verhaftung inhaftiert haft gefangnis angeklagt "
    "anklage verurteil prozess durchsuch geldstrafe",
    "ru": "задерж арест обыск приговор осужд осуди обвин уголовн штраф колони тюрьм тюрем "
    "сизо политзаключ суд суда суде судом судья судьи",
    "be": "затрыма затрым арышт ператрус вобшук прысуд асудж асудзі абвінава крымінальн "
    "штраф калоні турм палітвязн суд суда судзе судом суддзя",
    "uk": "затрим арешт обшук вирок засуд обвинув кримінальн штраф колоні в'язниц тюрм "
    "політв'язн суд суду суді судом суддя",
    "pl": "zatrzyma aresztow areszt przeszuk skazan skaza wyrok oskarz zarzut grzywn "
    "wiezien wiezni sad sadu sadzie sadem",
    "cs": "zadrzen zadrzel zatcen zatkl obvinen obzalo odsouz odsoud soud trest vezen "
    "pokut prohlid vazb",
    "sk": "zadrzan zadrzal zatknut obvinen obzalo odsuden odsudil sud sudu trest vazen "
    "pokut prehliad vazb",
    "sl": "pridrz aretir obtozen obtozb obsoj sodisc sodni zapor kazen globa preisk",
    "bg": "задърж арест обиск претърс осъд присъд обвин съд съда съдът затвор глоба",
}
# Stems given whole: with these endings only (or none).
_WHOLE_WORDS = "суд суда суде судом судья судьи суду суді судзе съд съда съдът \
sad sadu sadzie sadem sud sudu soud"
_WHOLE = frozenset(_WHOLE_WORDS.split())


Entry = tuple[int, bool]  # (length, whole word only)


@functools.lru_cache(maxsize=64)
def _automaton(extra: tuple[str, ...]) -> ahocorasick.Automaton:
    """The built-in stems and `extra` terms in one Aho-Corasick automaton: one pass over an
    article finds them all (a regular expression of 200 alternatives tries each at every
    letter, 40 µs a kilobyte)."""
    entries: dict[str, Entry] = {}
    for words in STEMS.values():
        for stem in words.split():
            entries[stem] = (len(stem), stem in _WHOLE)
    for term in extra:  # a rule's words: "protest*" is a beginning, "march" a whole word
        folded = fold_text(term.strip())
        if folded.rstrip("*"):
            stem = folded.rstrip("*")
            entries.setdefault(stem, (len(stem), not folded.endswith("*")))
    automaton = ahocorasick.Automaton()
    for stem, entry in entries.items():
        for before in _BEFORE_WORD:  # only at a word's beginning
            automaton.add_word(before + stem, entry)
    automaton.make_automaton()
    return automaton


# What stands before a word: a space, a line break, punctuation that opens.
_BEFORE_WORD = " \n\t(\"'«„“‘[-—/"


def hits(folded: str, extra: Sequence[str] = ()) -> list[int]:
    """Where in the folded text words of detention and trial begin (and `extra` terms: an
    event rule's `any` words when it says `discover: true`)."""
    spaced = " " + folded
    found: set[int] = set()
    for end, (size, whole) in _automaton(tuple(extra)).iter(spaced):
        if whole and end + 1 < len(spaced) and spaced[end + 1].isalnum():
            continue  # суд, not судьба
        found.add(end - size)  # the stem's first letter, in `folded`
    return sorted(found)
