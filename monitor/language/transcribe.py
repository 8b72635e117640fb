"""How Slavic newspapers write a name from a rule: practical transcription and Russian forms.

In: one word of a rule's name in `translit` spelling ("johnson", "barnier", "lebedzeu").
Out: other spellings in the same alphabet, as Russian, Ukrainian and Bulgarian papers write
the name in Cyrillic ("džonson" for Джонсон/Джонсън, "barnje" for Барнье/Барние), or as
Russian writes a Belarusian name ("lebedev" for Лебедзеў, "dedok" for Дзядок).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from monitor.language.fold import skeleton

MAX_READINGS = 12  # distinct skeletons per word and source language; more adds collisions
MAX_CHANGES = 3  # letters read otherwise than their first alternative

# Practical transcription: each rule is (pattern, alternatives). Patterns are tried longest
# first at each position; a letter no rule covers stands for itself. The alternatives are
# what Russian/Bulgarian/Ukrainian papers write (Хэммонд/Хамънд/Гаммонд), spelled in the
# `translit` alphabet, so they fold into the same skeletons as the Cyrillic words do.
_V = "aeiouy"
Rule = tuple[str, tuple[str, ...]]

ENGLISH: tuple[Rule, ...] = (
    ("tch", ("č",)), ("sch", ("sk", "š")), ("ch", ("č", "k")), ("sh", ("š",)),
    ("th", ("t",)), ("ph", ("f",)), ("gh", ("", "g")), ("ck", ("k",)), ("wh", ("u",)),
    ("qu", ("kv",)), ("dg", ("dž",)), ("x", ("ks",)), ("j", ("dž",)),
    ("geo", ("džo", "dže", "geo")), ("ge", ("dže", "ge", "dž")), ("gi", ("dži", "gi")),
    ("gy", ("dži", "gi")),
    ("ce", ("se",)), ("ci", ("si",)), ("cy", ("si",)), ("c", ("k",)),
    ("ee", ("i",)), ("ea", ("i", "e")), ("ie", ("i", "aj")), ("oo", ("u",)),
    ("ou", ("au", "u", "o")), ("ow", ("ou", "au")), ("oa", ("ou", "o")), ("oy", ("oj",)),
    ("au", ("o",)), ("aw", ("o",)), ("ay", ("ej",)), ("ai", ("ej", "e", "ea")),
    ("ey", ("ej", "i")),
    ("ei", ("ej", "i")), ("eigh", ("ej",)), ("er", ("er", "ar")), ("ir", ("er", "ir")),
    ("ur", ("er", "ur")), ("w", ("u", "v")), ("h", ("kh", "g", "")), ("s", ("s", "z")),
    ("a", ("a", "e", "ej")), ("i", ("i", "aj")), ("u", ("a", "u", "ju")),
    ("y", ("i", "j", "aj")), ("e", ("e", "")),
)  # fmt: skip

FRENCH: tuple[Rule, ...] = (
    ("eaux", ("o",)), ("eau", ("o",)), ("ier", ("je", "ier")), ("iers", ("je",)),
    ("ch", ("š",)), ("ou", ("u",)), ("oi", ("ua",)), ("au", ("o",)), ("eu", ("e",)),
    ("qu", ("k",)), ("gu", ("g", "gu")), ("gn", ("nj",)), ("ea", ("a", "e")), ("ge", ("že",)),
    ("gi", ("ži",)), ("j", ("ž",)),
    ("ce", ("se",)), ("ci", ("si",)), ("c", ("k",)), ("ll", ("l", "j")), ("h", ("",)),
    ("y", ("i",)), ("u", ("ju", "u")), ("an", ("an",)), ("in", ("en", "in")),
)  # fmt: skip

GERMAN: tuple[Rule, ...] = (
    ("tsch", ("č",)), ("sch", ("š",)), ("ch", ("kh",)), ("ck", ("k",)), ("tz", ("c",)),
    ("dt", ("t", "dt", "d")),
    ("ei", ("aj",)), ("ey", ("aj",)), ("eu", ("oj",)), ("ie", ("i",)), ("oe", ("e",)),
    ("ue", ("ju", "u")), ("ae", ("e",)), ("qu", ("kv",)), ("z", ("c",)), ("w", ("v",)),
    ("v", ("f", "v")), ("j", ("j",)), ("h", ("kh", "")), ("y", ("i",)), ("u", ("u", "ju")),
)  # fmt: skip

_ENDS = {
    # French final consonants are silent (Barnier, Moscovici, Jean-Yves Le Drian).
    "french": re.compile(r"(?<=[^aeiouy])es?$|(?<=[aeiouy])[stdxz]$|(?<=r)[st]$"),
    # An English final -e is silent after a consonant (Gove, Cable); after g and c it
    # softens them (Farage -> Фарадж), so it stays for the rules below.
    "english": re.compile(r"(?<=[^aeiouygc])e$"),
}
SOURCES = {"english": ENGLISH, "french": FRENCH, "german": GERMAN}

# A name already written in a Slavic romanization: no foreign reading is needed (and each
# would only add collisions): Tsikhanouski, Łukaszenka, Kowalewski, Bialiatski, Paulava.
# Belarusian -au/-ou/-eu (ў) follows a consonant (Navikau, Lebedzeu); French -eau does not.
_SURNAME_ENDING = re.compile(
    r"(sk[iyaj]\w{0,3}|ck[iyaj]\w{0,3}|ich|vich|wicz|enk[ao]|uk|iuk|ak|ik|(?<![aeiouy])[aoe]u|ets|"
    r"ov|ev|yk|aw|ow|ew|in|ova|eva|ina|aya|ava|ko|ka)$"
)
_SLAVIC = re.compile(r"kh|zh|dz|szcz|sz|cz|rz|ts|[šžčł]|ia|iu|io")


def looks_slavic(word: str) -> bool:
    """True for a name in a Slavic romanization (the transcriptions are for other names)."""
    return bool(_SLAVIC.search(word) or _SURNAME_ENDING.search(word))


def surname_shaped(word: str) -> bool:
    """A translit word with a Slavic surname suffix: Тихановский, Лосик, Навікаў."""
    return bool(_SURNAME_ENDING.search(word))


def _pieces(word: str, rules: tuple[Rule, ...]) -> list[tuple[str, ...]]:
    """Split a word into the alternatives of each of its letters or letter groups."""
    table = dict(rules)
    longest = max(len(pattern) for pattern, _ in rules)
    out: list[tuple[str, ...]] = []
    at = 0
    while at < len(word):
        for size in range(min(longest, len(word) - at), 0, -1):
            if (gram := word[at : at + size]) in table:
                out.append(table[gram])
                at += size
                break
        else:
            out.append((word[at],))
            at += 1
    return out


def _combos(pieces: list[tuple[str, ...]]) -> Iterator[str]:
    """Spellings with 0, 1, 2... letters read by a later alternative: the plainest first,
    and a change anywhere in the word is tried before two changes."""
    choices = [i for i, alternatives in enumerate(pieces) if len(alternatives) > 1]
    for changes in range(min(MAX_CHANGES, len(choices)) + 1):
        for where in itertools.combinations(choices, changes):
            for picks in itertools.product(*(range(1, len(pieces[i])) for i in where)):
                chosen = dict(zip(where, picks, strict=True))
                yield "".join(alts[chosen.get(i, 0)] for i, alts in enumerate(pieces))


def _strip_silent(word: str, source: str) -> str:
    ends = _ENDS.get(source)
    return ends.sub("", word) if ends is not None and len(word) > 3 else word


def readings(word: str, source: str, limit: int = MAX_READINGS) -> list[str]:
    """'johnson', 'english' -> ['džokhnson', 'džonson', ...]: spellings with distinct
    skeletons, at most `limit`, the plainest first."""
    pieces = _pieces(_strip_silent(word, source), SOURCES[source])
    found: dict[str, str] = {}
    for spelling in _combos(pieces):
        found.setdefault(skeleton(spelling), spelling)
        if len(found) >= limit:
            break
    return list(found.values())


# Russian forms of Belarusian names: unstressed я/ia stands for Russian е (Бяляцкі ->
# Беляцкий, Дзядок -> Дедок, Лебедзеў -> Лебедев); the skeleton already merges дз/д, ц/т,
# а/о and г/h, so only this vowel needs a second spelling.
_IA = re.compile(r"(?:(?<=[^aeiouy])|^)(ia|ja|ya|ie|je)")


def russian_forms(word: str) -> list[str]:
    """'bialiatski' -> ['belatski', 'bialetski', 'beletski', ...] (the word itself excluded)."""
    parts = _IA.split(word)
    if len(parts) == 1:
        return []
    choices = [(p,) if i % 2 == 0 else (p, "e") for i, p in enumerate(parts)]
    forms = {"".join(combo) for combo in itertools.islice(itertools.product(*choices), 16)}
    forms.discard(word)
    return sorted(forms)
