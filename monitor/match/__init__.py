"""Matching articles against person and event rules.

In: a `RuleSet` (compiled once by `compile_rules`) and article texts. Out: `Match`es with
`Evidence` from `Matcher.match`, and human-readable lines from `Matcher.explain`; `lint`
warns of rules likely to be noisy and `fire_counts` counts what rules would have fired;
`rules_spelled` says which rules a search names, in any script or spelling; `work` is a
poll's CPU work on a fetch's documents (parse, then match), as its worker processes run it.
The language tools the matcher is built on are shared with discovery (monitor.discover):
folding across scripts, the given-name lexicon, transcription and word frequency.
"""

from monitor.match.documents import (
    MatchKey,
    Worked,
    hold_rules,
    match_key,
    parse,
    start_worker,
    warm_up,
    work,
)
from monitor.match.endings import Gender
from monitor.match.fold import fold_text, skeleton, translit
from monitor.match.given_names import given_names_of
from monitor.match.lexicon import guess_language, zipf
from monitor.match.lint import fire_counts, lint
from monitor.match.matcher import Matcher, compile_rules
from monitor.match.name_lexicon import lexicon, locale_names, name_genders
from monitor.match.spelled import rules_spelled
from monitor.match.transcribe import SOURCES, readings

__all__ = [
    "SOURCES",
    "Gender",
    "MatchKey",
    "Matcher",
    "Worked",
    "compile_rules",
    "fire_counts",
    "fold_text",
    "given_names_of",
    "guess_language",
    "hold_rules",
    "lexicon",
    "lint",
    "locale_names",
    "match_key",
    "name_genders",
    "parse",
    "readings",
    "rules_spelled",
    "skeleton",
    "start_worker",
    "translit",
    "warm_up",
    "work",
    "zipf",
]
