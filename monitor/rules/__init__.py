"""Watch rules: the YAML files users edit, and the rules in force.

In: rule file and folder paths. Out: a ``RuleSet`` with every problem as file:line: field
(files.py, ``load_rules``), and ``LiveRules`` (live.py): the rules in force and their compiled
matcher as one ``Active`` value, swapped whole when the files change; a broken edit keeps the
last good rules.
"""

from monitor.rules.files import load_rules
from monitor.rules.live import KEPT, Active, LiveRules, read_rules

__all__ = ["KEPT", "Active", "LiveRules", "load_rules", "read_rules"]
