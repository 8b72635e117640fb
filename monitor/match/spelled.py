"""Which rules a search names, in any script or spelling.

In: a RuleSet and what someone typed ("Лосик", "losik", "Łosik", "Лосіка", "Losi"). Out: the
ids of the rules whose name or `aka` the text spells, word by word, by the matcher's own
folding and endings: both sides are transliterated, read with their case endings split off
(Лосіка, Ціханоўскага), and keyed by the phonetic skeleton where Belarusian, Russian,
Ukrainian, Polish, German and English spellings meet. A typed word meets a name's word when
one of its readings is a stem of the name, or begins one (a name typed halfway: Losi).
"""

from __future__ import annotations

import re

from monitor.language import skeleton, splits, stems_of, translit
from monitor.model import PersonRule, RuleSet

# Shorter keys than this meet too many names to mean one (Li, Ян).
MIN_KEY = 3
_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def rules_spelled(rules: RuleSet, text: str) -> set[str]:
    """Ids of the rules every word of `text` (of at least MIN_KEY sounds) spells."""
    wanted = [_readings(word) for word in _WORDS.findall(text)]
    wanted = [keys for keys in wanted if max(map(len, keys)) >= MIN_KEY]
    if not wanted:
        return set()
    found = set()
    for rule in rules.all():
        names = (rule.name, *rule.aka) if isinstance(rule, PersonRule) else (rule.name,)
        stems = {key for name in names for word in _WORDS.findall(name) for key in _stems(word)}
        if all(_meets(typed, stems) for typed in wanted):
            found.add(rule.id)
    return found


def _readings(word: str) -> set[str]:
    """A typed word's keys: as written, and with each case ending it may carry split off."""
    latin = translit(word)
    cyrillic = latin != word.lower()
    return {skeleton(stem) for stem, _ in splits(latin, cyrillic)} - {""}


def _stems(word: str) -> set[str]:
    """A name word's keys: as written, and each stem its declension builds on."""
    latin = translit(word)
    return {skeleton(latin), *(skeleton(stem.stem) for stem in stems_of(latin))}


def _meets(typed: set[str], stems: set[str]) -> bool:
    if typed & stems:
        return True
    return any(stem.startswith(key) for key in typed if len(key) >= MIN_KEY for stem in stems)
