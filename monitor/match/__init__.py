"""Matching articles against person and event rules.

In: a `RuleSet` (compiled once by `compile_rules`) and article texts. Out: `Match`es with
`Evidence` from `Matcher.match`, and human-readable lines from `Matcher.explain`; `lint`
warns of rules likely to be noisy and `fire_counts` counts what rules would have fired;
`rules_spelled` says which rules a search names, in any script or spelling; `Tally` counts
how listed surnames stand in stored articles, and `known` reads a count (see standing.py);
`work` is a poll's CPU work on a fetch's documents (parse, then match), as its worker
processes run it.
It is built on monitor.language: folding across scripts, case endings, the given-name
lexicon, transcription and word frequency.
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
from monitor.match.lint import EVERYDAY, SHORT, fire_counts, lint
from monitor.match.matcher import Matcher, compile_rules
from monitor.match.packed import code_key, remembered
from monitor.match.prepare import keep_apart
from monitor.match.spelled import rules_spelled
from monitor.match.standing import describe, known, why_not
from monitor.match.tally import Tally

__all__ = [
    "EVERYDAY",
    "SHORT",
    "MatchKey",
    "Matcher",
    "Tally",
    "Worked",
    "code_key",
    "compile_rules",
    "describe",
    "fire_counts",
    "hold_rules",
    "keep_apart",
    "known",
    "lint",
    "match_key",
    "parse",
    "remembered",
    "rules_spelled",
    "start_worker",
    "warm_up",
    "why_not",
    "work",
]
