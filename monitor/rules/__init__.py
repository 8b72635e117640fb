"""Watch rules: the YAML files users edit, and the rules in force.

In: rule file and folder paths. Out: a ``RuleSet`` with every problem as file:line: field
(files.py, ``load_rules``), and ``LiveRules`` (live.py): the rules in force and their compiled
matcher as one ``Active`` value, swapped whole when the files change; a broken edit keeps the
last good rules; ``Learner`` (learned.py) puts in force what the store's articles teach about
the listed surnames.
"""

from monitor.rules.files import load_rules
from monitor.rules.learned import Learner
from monitor.rules.live import (
    APART_FROM,
    COMPILED,
    KEPT,
    Active,
    LiveRules,
    compiled_folder,
    read_rules,
)

__all__ = [
    "APART_FROM",
    "COMPILED",
    "KEPT",
    "Active",
    "Learner",
    "LiveRules",
    "compiled_folder",
    "load_rules",
    "read_rules",
]
