"""Discovery: people an article names in full, and those of them named beside an arrest, a
trial or a sentence who are on no list yet (candidates).

In: article text. Out: `FoundName`s (find_names) and, for an article that speaks of
detention or trial, `Sighting`s of people no rule matches (spot).
"""

from monitor.discover.full_names import FoundName, find_names
from monitor.discover.spot import Sighting, discover_words, on_list, spot
from monitor.discover.suggest import rule_entry, unlisted

__all__ = [
    "FoundName",
    "Sighting",
    "discover_words",
    "find_names",
    "on_list",
    "rule_entry",
    "spot",
    "unlisted",
]
