"""A person's name found in an article, put in the nominative, and the key of the person.

In: the words of a full name as written ("Игоря", "Карнея"), and the words the article writes.
Out: `nominative` ("Игорь Карней") and `person_key`: one value for one person across
articles, scripts and languages ("Ihar Karnei", "Игорь Карней" and "Ігар Карней" share it).

The surname follows the given name: written in the nominative, it is left as it is; in a case
form, the case ending is taken off the surname as the given name's gender declines it
(Бориса Джонсона -> Борис Джонсон; Терезы Мэй -> Тереза Мэй, a foreign woman's surname does
not decline; Theresy Mayové -> Theresa Mayová).
"""

from __future__ import annotations

import re

from monitor.discover.givens import CYRILLIC, nominative_given
from monitor.language import Gender, given_names_of, name_genders, translit

INITIAL = re.compile(r"^[^\W\d_]\.$")
PATRONYMIC = re.compile(
    r"(ович|евич|ьевич|овна|евна|ьевна|ична|інічна|авіч|евіч|аўна|еўна|івна)\w{0,3}$"
)

# (case ending, nominative ending), longest first within each table.
Endings = tuple[tuple[str, str], ...]
_FEMININE_CYRILLIC: Endings = (
    ("овой", "ова"), ("евой", "ева"), ("иной", "ина"), ("ской", "ская"), ("цкой", "цкая"),
    ("овою", "ова"), ("ову", "ова"), ("еву", "ева"), ("ину", "ина"), ("скую", "ская"),
    ("цкую", "цкая"),
)  # fmt: skip
_FEMININE_LATIN: Endings = (
    ("ovou", "ová"), ("ové", "ová"), ("ovej", "ová"), ("owej", "owa"), ("ową", "owa"),
    ("skiej", "ska"), ("ską", "ska"), ("ckiej", "cka"), ("cką", "cka"), ("ské", "ská"),
    ("skou", "ská"),
)  # fmt: skip
_MASCULINE_CYRILLIC: Endings = (
    ("ского", "ский"), ("скому", "ский"), ("ским", "ский"), ("ском", "ский"),
    ("цкого", "цкий"), ("цкому", "цкий"), ("цким", "цкий"), ("ого", "ый"), ("ому", "ый"),
    ("ом", ""), ("ем", ""), ("ём", ""), ("ым", ""), ("ею", "ей"), ("ея", "ей"),
    ("а", ""), ("у", ""), ("е", ""), ("я", "ь"), ("ю", "ь"),
)  # fmt: skip
_MASCULINE_LATIN: Endings = (
    ("skiego", "ski"), ("skiemu", "ski"), ("skim", "ski"), ("ckiego", "cki"),
    ("ckiemu", "cki"), ("ckim", "cki"), ("ého", "ý"), ("ému", "ý"), ("ým", "ý"),
    ("’owi", ""), ("'owi", ""), ("’a", ""), ("'a", ""), ("’em", ""), ("'em", ""),
    ("owi", ""), ("ovi", ""), ("iem", ""), ("em", ""), ("om", ""), ("a", ""), ("u", ""),
    ("e", ""), ("y", ""),
)  # fmt: skip
# Slovene puts -j- between a foreign name's final r and its ending (Barnierja, Junckerju).
_SLOVENE_RJ = re.compile(r"(?<=r)j(?:a|u|em|u)$")
_VOWELS = "аеиоуыэюяіїєaeiouy"


# Languages whose names take no case endings: a name is written in the nominative.
UNDECLINED = frozenset(["bg", "en", "de", "mk"])


def nominative(words: list[str], seen: frozenset[str] = frozenset(), language: str | None = None
               ) -> str:  # fmt: skip
    """'Игоря Карнея' -> 'Игорь Карней'; initials and patronymics as written."""
    if language in UNDECLINED:
        return " ".join(words)
    *givens, surname = words
    named = [g if INITIAL.match(g) or PATRONYMIC.search(g) else nominative_given(g, seen, surname)
             for g in givens]  # fmt: skip
    first, nom = givens[0], named[0]
    return " ".join([*named, _surname(surname, first, nom, seen)])


def _surname(word: str, given: str, given_nom: str, seen: frozenset[str]) -> str:
    """The surname's nominative: as written when the given name is (both agree in case),
    unless the given name does not decline (Джереми Ханта) and the article writes the
    surname without the ending elsewhere."""
    if given == given_nom:
        return _undeclined_given(word, given_nom, seen)
    feminine = _feminine(given_nom)
    cyrillic = bool(CYRILLIC.search(word))
    if feminine:
        table = _FEMININE_CYRILLIC if cyrillic else _FEMININE_LATIN
    else:
        table = _MASCULINE_CYRILLIC if cyrillic else _MASCULINE_LATIN
    lowered = word.lower()
    if not cyrillic and not feminine and (rj := _SLOVENE_RJ.search(lowered)):
        return word[: rj.start()]
    for ending, replacement in table:
        if lowered.endswith(ending) and len(word) - len(ending) >= 2:
            stem = word[: -len(ending)]
            if replacement == "ь" and stem[-1:].lower() in _VOWELS:
                replacement = "й"  # Карнея -> Карней, Игоря -> Игорь
            guess = stem + replacement
            # A surname in -a or -o (Duda, Дуда, Бойко) keeps it: the article writes that
            # form elsewhere, the guess it does not.
            for form in (guess, stem + "a", stem + "а", stem + "o", stem + "о"):
                if form.lower() in seen and form.lower() != lowered:
                    return form
            return guess
    return word


def _feminine(given: str) -> bool:
    """A woman's given name: one the lexicon knows only as a woman's, or one ending in -a
    that it does not know only as a man's (Nikola, Kuba)."""
    genders = name_genders(given)
    if genders == {Gender.FEM}:
        return True
    return given.lower().endswith(("a", "а", "я")) and genders != {Gender.MASC}


def _undeclined_given(word: str, given: str, seen: frozenset[str]) -> str:
    if _feminine(given):
        return word
    table = _MASCULINE_CYRILLIC if CYRILLIC.search(word) else _MASCULINE_LATIN
    lowered = word.lower()
    for ending, replacement in table:
        form = word[: -len(ending)] + replacement
        if lowered.endswith(ending) and form != word and form.lower() in seen and len(form) > 2:
            return form
    return word


# --- the key of a person ------------------------------------------------------------------
# Letters in classes where Latin spellings and Cyrillic transcriptions of one name meet:
# vowels drop; s, z, š, ž, č and Latin ch are one class (Тереза = Theresa, Мишел = Michel);
# h and х drop (Khan = Хан, Hunt = Хант); j, y, ж, дж and English g before e/i are one
# (Jean = Жан, Nigel = Найджъл). A j between a vowel and a consonant is a glide (Дейвис =
# Davis), between a consonant and a vowel a softening (Беляцкий = Bialiatski). The French
# -ier ends in a vowel (Barnier = Барние). ts and ц are t (Tsikhanouski = Ціханоўскі), and
# the Belarusian ў, written ou, au, eu before -ski or at the end, is v (= Тихановский).
_GRAMS = (
    ("tsch", "S"), ("sch", "S"), ("ier", ""), ("ch", "S"), ("kh", ""), ("sh", "S"),
    ("sz", "S"), ("cz", "S"), ("zh", "S"), ("rz", "S"), ("dž", "J"), ("dz", "D"), ("th", "T"),
    ("ph", "F"), ("ck", "K"), ("qu", "KV"), ("gh", "G"), ("ge", "J"), ("gi", "J"),
    ("ts", "T"), ("tz", "T"),
)  # fmt: skip
_ONE = {
    "b": "B", "p": "P", "v": "V", "w": "V", "f": "F", "g": "G", "k": "K", "q": "K", "c": "K",
    "t": "T", "d": "D", "z": "S", "s": "S", "š": "S", "ž": "J", "č": "S", "x": "KS",
    "l": "L", "m": "M", "n": "N", "r": "R", "j": "J", "y": "J",
}  # fmt: skip
_GRAM = re.compile("|".join(g for g, _ in _GRAMS) + "|.", re.DOTALL)
_GRAM_CLASS = dict(_GRAMS)


def sound_class(latin: str, latin_script: bool) -> str:
    """'johnson' -> 'JNSN'; 'džonson' (Джонсон) -> 'JNSN'."""
    grams = _GRAM.findall(latin)
    out: list[str] = []
    for at, gram in enumerate(grams):
        last = at == len(grams) - 1
        if gram == "ier":
            out.append("" if last else "R")
        elif gram in ("ge", "gi") and not latin_script:
            out.append("G")
        elif gram in ("j", "y") and (_glide(grams, at) or _softens(grams, at)):
            out.append("")
        elif gram in ("c", "ck") and not latin_script:
            out.append("T" + gram[1:].upper())  # Cyrillic ц: Ціханоўскі = Tsikhanouski
        elif gram == "u" and not at and not latin_script and grams[1:2] != ["a"]:
            out.append("V")  # Belarusian у for a first в: Уласава = Власова
        elif gram == "u" and latin_script and _belarusian_u(grams, at):
            out.append("V")  # Latin ou, au, eu for Belarusian ў: Tsikhanouski, Lebedzeu
        elif gram == "y" and at and grams[at - 1][-1:] not in _LATIN_VOWELS:
            out.append("")  # Latin y after a consonant is a vowel: Corbyn = Корбин
        else:
            out.append(_GRAM_CLASS.get(gram) or _ONE.get(gram, ""))
    return re.sub(r"(.)\1+", r"\1", "".join(out))


_LATIN_VOWELS = "aeiouy"


def _softens(grams: list[str], at: int) -> bool:
    """A j or y between a consonant and a vowel only softens the consonant: Беляцкий
    (beljackij) = Bialiatski, Татьяна = Tatiana."""
    before = grams[at - 1][-1:] if at else ""
    after = grams[at + 1][:1] if at + 1 < len(grams) else ""
    return bool(before) and before not in "aeiouy" and bool(after) and after in "aeiou"


def _belarusian_u(grams: list[str], at: int) -> bool:
    before = grams[at - 1] if at else ""
    rest = "".join(grams[at + 1 :])
    return before in ("a", "o", "e") and rest in ("", "ski", "skaja", "skaya", "skay")


def _glide(grams: list[str], at: int) -> bool:
    before = grams[at - 1][-1:] if at else ""
    after = grams[at + 1][:1] if at + 1 < len(grams) else ""
    return bool(before) and before in "aeiou" and (not after or after not in "aeiou")


# A possessive suffix, and the one Czech and Slovak add to a woman's name: Рабков and
# Rabková, May and Mayová, Bibi and Bibiová share a key.
_POSSESSIVE = re.compile(r"(?<=\w\w)(?:ova|ov|owa|ow|eva|ev|ewa|ew|ava|av|aw|au)$")


def person_key(name: str) -> str:
    """One value per person: the class of the first given name's first sound (or its
    canonical form in the table of equivalents) and the surname's consonant classes, a
    final -ov/-ová/-ow and a final glide dropped (May = Mayová, Рабков = Рабкова)."""
    *given, surname = name.split()  # a patronymic is given names' (Статкевич is a surname)
    words = [w for w in given if not INITIAL.match(w) and not PATRONYMIC.search(w)]
    first = words[0] if words else surname
    # twice: Czech adds -ová to a Belarusian -ava (Kalesnikavová)
    latin = _POSSESSIVE.sub("", _POSSESSIVE.sub("", translit(surname.lower())))
    surname_class = sound_class(latin, surname.isascii())
    if surname_class.endswith("J") and len(surname_class) > 1:
        surname_class = surname_class[:-1]  # Mayová's y before -ová: May
    return f"{_first_sound(first)}:{surname_class}"


def _first_sound(given: str) -> str:
    canonical = sorted(given_names_of(given))
    latin = canonical[0] if len(canonical) == 1 else translit(given.lower())
    if latin.startswith(("dž", "j", "y", "ž")):
        return "J"
    if latin[:1] in "aeiou":
        return "A"
    return sound_class(latin, True)[:1]
