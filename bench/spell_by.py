"""How Belarusian names are written elsewhere: romanisations and Russian/Ukrainian forms.

In: a Belarusian Cyrillic word ("Ціханоўскі", "Сяргей"). Out: its romanisation in the systems
people really use (`passport`: the rights groups' and passports' Tsikhanouski; `bgn`:
BGN/PCGN Tsikhanowski; `polish`: the Polish press's Cichanouski; `national`: the Belarusian
national system Cichanoŭski) and its Russian (Тихановский) and Ukrainian (Тихановський) form.
"""

from __future__ import annotations

import re

# These tables are written apart from monitor.language.fold on purpose: the mentions they make
# test the matcher, so they must not share its reading of the letters.
_VOWELS = set("аеёіоуыэюяАЕЁІОУЫЭЮЯ")
_IOTATED = {"е": "e", "ё": "o", "ю": "u", "я": "a"}
_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "h", "д": "d", "ж": "zh", "з": "z", "і": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "ы": "y", "ь": "", "э": "e", "'": "",
    "’": "", "ґ": "g",
}  # fmt: skip
_SYSTEMS = {
    "passport": {**_COMMON, "й": "i", "ў": "u"},
    "bgn": {**_COMMON, "й": "y", "ў": "w"},
    "national": {**_COMMON, "ж": "ž", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "й": "j", "ў": "ŭ"},
    "polish": {
        **_COMMON, "в": "w", "ж": "ż", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "й": "j",
        "ў": "u", "л": "ł",
    },
}  # fmt: skip
# Iotated vowels: (at a word start or after a vowel, after a consonant); after a consonant
# the passport and BGN systems write е as plain e (Lebedzeu, Siarhei, Syarhey).
_GLIDES = {"passport": ("y", "i"), "bgn": ("y", "y"), "national": ("j", "i"), "polish": ("j", "i")}
_PLAIN_E = ("passport", "bgn")


def romanise(word: str, system: str) -> str:
    """'Ціханоўскі', 'passport' -> 'Tsikhanouski'; 'Сяргей', 'polish' -> 'Siarhiej'."""
    table, (initial, medial) = _SYSTEMS[system], _GLIDES[system]
    out: list[str] = []
    lower = word.lower()
    for i, ch in enumerate(lower):
        before = lower[i - 1] if i else ""
        if ch in _IOTATED:
            soft = before and before not in _VOWELS and before not in "'’ь"
            if system == "polish" and before == "л":
                out[-1] = "l"  # Polish writes a soft л as l and drops the glide
                out.append(_IOTATED[ch])
                continue
            glide = "" if soft and ch == "е" and system in _PLAIN_E else medial if soft else initial
            out.append(glide + _IOTATED[ch])
        elif ch == "й" and before == "ы" and i == len(lower) - 1 and system in _PLAIN_E:
            continue  # Юрый -> Yury
        elif system == "polish" and ch == "л" and lower[i + 1 : i + 2] in ("і", "ь"):
            out.append("l")
        else:
            out.append(table.get(ch, ch))
    return _capitalise("".join(out))


def _capitalise(text: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in text.split("-"))


# Russian forms of Belarusian surnames: spelling rules that need no stress (ц/дз before a
# soft vowel are т/д, ў is в, the adjectival and possessive endings), akanne reversed where
# the Russian ending is fixed (-аў -> -ов, -ава -> -ова, -ка -> -ко).
_TO_RUSSIAN = [
    (r"скі$", "ский"), (r"цкі$", "цкий"), (r"ы$", "ий"), (r"аў$", "ов"), (r"еў$", "ев"),
    (r"ёў$", "ёв"), (r"ава$", "ова"), (r"ка$", "ко"), (r"ёнак$", "ёнок"), (r"анак$", "онок"),
    (r"ц(?=[іеёюяь])", "т"), (r"дз(?=[іеёюяь])", "д"), ("ў", "в"), ("э", "е"), ("і", "и"),
    (r"(?<=[кгхжшчщ])ы", "и"), (r"^([^аоуыэяеёюіи]+)я", r"\1е"), ("'", "ь"),
]  # fmt: skip
# Ukrainian papers write the Russian form with Ukrainian letters.
_TO_UKRAINIAN = [
    (r"ский$", "ський"), (r"цкий$", "цький"), (r"ий$", "ий"), ("ё", "ьо"), ("ы", "и"),
    ("э", "е"), ("ьь", "ь"),
]  # fmt: skip


def _convert(word: str, rules: list[tuple[str, str]]) -> str:
    lower = word.lower()
    for pattern, replacement in rules:
        lower = re.sub(pattern, replacement, lower)
    return _capitalise(lower)


def russian(word: str) -> str:
    """'Ціханоўскі' -> 'Тихановский'; 'Лебедзеў' -> 'Лебедев'; 'Бяляцкі' -> 'Беляцкий'."""
    return "-".join(_convert(part, _TO_RUSSIAN) for part in word.split("-"))


def ukrainian(word: str) -> str:
    """'Ціханоўскі' -> 'Тихановський'; 'Навікаў' -> 'Навиков'."""
    return "-".join(_convert(russian(part), _TO_UKRAINIAN) for part in word.split("-"))


def russian_latin(word: str) -> str:
    """A Russian form in the English press's romanisation: 'Тихановский' -> 'Tikhanovsky'."""
    word = re.sub(r"ий$", "y", word.lower())
    table = {**_COMMON, "и": "i", "й": "i", "е": "e", "ё": "yo", "ю": "yu", "я": "ya",
             "щ": "shch", "г": "g", "в": "v", "ъ": "", "є": "ye", "ї": "yi"}  # fmt: skip
    return _capitalise("".join(table.get(ch, ch) for ch in word))
