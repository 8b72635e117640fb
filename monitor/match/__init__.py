"""Matching articles against person and event rules.

In: a `RuleSet` (compiled once by `compile_rules`) and article texts. Out: `Match`es with
`Evidence` from `Matcher.match`, and human-readable lines from `Matcher.explain`.
"""

from monitor.match.matcher import Matcher, compile_rules

__all__ = ["Matcher", "compile_rules"]
