"""Matching articles against person and event rules.

In: a `RuleSet` (compiled once by `compile_rules`) and article texts. Out: `Match`es with
`Evidence` from `Matcher.match`, and human-readable lines from `Matcher.explain`; `lint`
warns of rules likely to be noisy and `fire_counts` counts what rules would have fired;
`rules_spelled` says which rules a search names, in any script or spelling.
"""

from monitor.match.lint import fire_counts, lint
from monitor.match.matcher import Matcher, compile_rules
from monitor.match.spelled import rules_spelled

__all__ = ["Matcher", "compile_rules", "fire_counts", "lint", "rules_spelled"]
