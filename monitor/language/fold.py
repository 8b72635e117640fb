"""Folding words of any script into comparable keys.

In: one word (or a whole text). Out: `translit` (lower-case Latin that keeps case endings
readable), `skeleton` (a coarse phonetic key where Belarusian, Russian, Ukrainian, Polish,
German and English spellings of one name meet) and `fold_text` (case and accents removed).
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Cyrillic letters of Russian, Belarusian, Ukrainian and Bulgarian, read as Latin. The soft
# sign vanishes; ъ is read as Bulgarian reads it, a vowel (Джонсън = Джонсон); ў becomes w
# so that Belarusian -оў and Polish -ow meet later.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "jo", "є": "je",
    "ж": "ž", "з": "z", "и": "i", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "w", "ф": "f",
    "х": "kh", "ц": "c", "ч": "č", "ш": "š", "щ": "šč", "ъ": "a", "ы": "y", "ь": "", "э": "e",
    "ю": "ju", "я": "ja",
}  # fmt: skip

# Latin letters whose accents carry sound (Polish ż is not z, ó is u); the rest of the
# accents are simply dropped. č, š, ž are kept as themselves (Czech, Łacinka, ISO 9).
_LATIN = {
    "ł": "l", "ą": "a", "ę": "e", "ó": "u", "ś": "s", "ź": "z", "ż": "ž", "ć": "c",
    "ń": "n", "ŭ": "w", "ü": "u", "ö": "o", "ä": "a", "ß": "ss", "đ": "d", "ø": "o",
    "ř": "rž", "č": "č", "š": "š", "ž": "ž", "'": "", "’": "", "ʼ": "", "`": "",
}  # fmt: skip

# Multigraphs first (longest first), then single letters. The symbols are a private
# alphabet: A (a, o: Belarusian akanne), I (e, i, y, j), U, X (х and ч: Latin "ch" means
# either), Š, Ž, T (т, ц: Belarusian ць is Russian ть), D (д, дз), G (г, h, g).
_MULTI = (
    ("shch", "Š"), ("szcz", "Š"), ("tsch", "X"), ("sch", "Š"), ("šč", "Š"), ("kh", "X"),
    ("ch", "X"), ("cz", "X"), ("sh", "Š"), ("sz", "Š"), ("zh", "Ž"), ("rz", "Ž"),
    ("ts", "T"), ("tz", "T"), ("dz", "D"), ("dž", "Ž"), ("ph", "F"),
    ("th", "T"), ("gh", "G"),
)  # fmt: skip
_SINGLE = {
    "a": "A", "o": "A", "e": "I", "i": "I", "y": "I", "j": "I", "u": "U", "b": "B",
    "p": "P", "v": "V", "w": "V", "f": "F", "g": "G", "h": "G", "k": "K", "q": "K",
    "c": "T", "t": "T", "d": "D", "z": "Z", "s": "S", "š": "Š", "ž": "Ž", "č": "X",
    "x": "KS", "l": "L", "m": "M", "n": "N", "r": "R",
}  # fmt: skip
_MULTI_RE = re.compile("|".join(gram for gram, _ in _MULTI) + "|.", re.DOTALL)
_MULTI_MAP = dict(_MULTI)
_VOWELS = "AIU"


@functools.lru_cache(maxsize=1 << 16)
def translit(word: str) -> str:
    """'Ціханоўскага' -> 'cikhanowskaga'; 'Łukaszenkę' -> 'lukaszenke'."""
    out: list[str] = []
    for ch in word.lower():
        if ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
        elif ch in _LATIN:
            out.append(_LATIN[ch])
        elif ch.isascii():
            out.append(ch)
        else:
            base = unicodedata.normalize("NFD", ch)
            out.append("".join(c for c in base if not unicodedata.combining(c)))
    return "".join(out)


@functools.lru_cache(maxsize=1 << 16)
def skeleton(latin: str) -> str:
    """A `translit` spelling -> phonetic key: 'tsikhanousk', 'tikhanovsk' -> 'TIXANAVSK'."""
    symbols: list[str] = []
    previous = ""
    for gram in _MULTI_RE.findall(latin):
        sym = _MULTI_MAP.get(gram) or _SINGLE.get(gram, "")
        # Latin "ou"/"au"/"eu" write Belarusian ў (Tsikhanouski = Ціханоўскі, Lebedzeu =
        # Лебедзеў); "ju" (ю) stays a vowel.
        if sym == "U" and (symbols[-1:] == ["A"] or previous == "e"):
            sym = "V"
        symbols.append(sym)
        previous = gram
    # Belarusian writes a word-initial в before a consonant as у: Уладзімір, Уласава.
    if len(symbols) > 1 and symbols[0] == "U" and symbols[1][:1] not in _VOWELS:
        symbols[0] = "V"
    return _squeeze("".join(symbols))


def _squeeze(key: str) -> str:
    """Collapse doubled symbols, then drop the glide before a vowel (ia, ja, ю, Lieanid)."""
    return _collapse(_GLIDE.sub("", _collapse(key)))


_GLIDE = re.compile("I(?=[AU])")
_RUNS = re.compile(r"(.)\1+")


def _collapse(key: str) -> str:
    return _RUNS.sub(r"\1", key)


@functools.lru_cache(maxsize=1 << 16)
def consonants(latin: str) -> str:
    """The skeleton without vowels: 'bialiatsk' and 'beljack' -> 'BLTK'."""
    return "".join(c for c in skeleton(latin) if c not in _VOWELS)


# The skeleton reads e and i alike, so Егор (Ягор, Yahor) and Игорь (Ігар, Ihar) would meet;
# a name keeps which of the two it starts with.
_FRONT_START = re.compile(r"(?:[jy]?e|[jy]a|ie|[jy]o)")
_HIGH_START = re.compile(r"[iy](?![aeiouy])")


def _start_mark(latin: str) -> str:
    if _FRONT_START.match(latin):
        return "e"
    return "i" if _HIGH_START.match(latin) else ""


def given_key(latin: str) -> str:
    """Key of a given name: its skeleton without final vowels ('Sergei', 'Сергея' -> 'SIRG'),
    marked by an initial e-sound (Ягор -> 'eAGAR') or i-sound (Ігар -> 'iIGAR')."""
    key = skeleton(latin)
    return _start_mark(latin) + (key.rstrip(_VOWELS) or key)


@functools.lru_cache(maxsize=1 << 16)
def stem_key(latin: str) -> str:
    """Key of a surname stem: its skeleton, marked like a given name's by an initial e- or
    i-sound (Ilyash and Ильяш meet, the Polish Eliasz does not)."""
    return _start_mark(latin) + skeleton(latin)


# --- whole-text folding for term search (events, context) --------------------------------

_APOSTROPHES = {"’": "'", "ʼ": "'", "`": "'"}


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return _APOSTROPHES[ch]
    if ch in "łŁ":
        return "l"
    base = unicodedata.normalize("NFD", ch.lower())
    stripped = "".join(c for c in base if not unicodedata.combining(c))
    return stripped if len(stripped) == 1 else ch


def _changing_chars() -> str:
    ranges = (range(0x80, 0x250), range(0x400, 0x530), range(0x1E00, 0x1F00))
    chars = [chr(c) for r in ranges for c in r if _fold_char(chr(c)) != chr(c)]
    return "".join(chars) + "".join(_APOSTROPHES)


# Only letters that change are visited, so Cyrillic text costs little more than ASCII.
_FOLDABLE = re.compile("[" + re.escape(_changing_chars()) + "]")


# The last few texts folded: the matcher and discovery fold each article in turn.
@functools.lru_cache(maxsize=8)
def fold_text(text: str) -> str:
    """Lower case, accents and apostrophe shapes removed, one character per character."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters (e.g. 'İ') lower to two characters
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return _FOLDABLE.sub(lambda m: _fold_char(m.group()), lowered)
