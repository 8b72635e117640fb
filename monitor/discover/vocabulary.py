"""Words of detention, search, charge, trial, sentence, fine and prison, in the languages
monitor reads.

In: an article's text, folded (match.fold.fold_text: lower case, accents off). Out: `hits`,
the offsets of each such word. Each entry is the start of a word (a stem: "задерж" finds
задержан, задержали, задержания), matched at a word's beginning.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from monitor.match import fold_text

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


@functools.lru_cache(maxsize=64)
def _pattern(extra: tuple[str, ...]) -> re.Pattern[str]:
    stems = {s for words in STEMS.values() for s in words.split()}
    whole = sorted(s for s in stems if s in _WHOLE)
    starts = sorted((s for s in stems if s not in _WHOLE), key=len, reverse=True)
    own = sorted({fold_text(term) for term in extra if term.strip()}, key=len, reverse=True)
    parts = [rf"(?:{'|'.join(map(re.escape, whole))})\b"]
    parts.append(f"(?:{'|'.join(map(re.escape, starts))})")
    if own:
        parts.append(rf"(?:{'|'.join(map(re.escape, own))})\b")
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})")


def hits(folded: str, extra: Sequence[str] = ()) -> list[int]:
    """Where in the folded text words of detention and trial begin (and `extra` terms: an
    event rule's `any` words when it says `discover: true`)."""
    return [m.start() for m in _pattern(tuple(extra)).finditer(folded)]
