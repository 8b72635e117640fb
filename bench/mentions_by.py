"""Mentions of generated people as Belarusian, Russian, Ukrainian, Polish and English news
write them: inflected, in their script, with their romanisation.

In: `Listed` people and a seed. Out: `Mention`s, one sentence each, the name in the case the
sentence needs ("Адвакат Сяргея Ціханоўскага...", "Встреча с Сергеем Тихановским...",
"Adwokat Siarhieja Cichanouskiego...", "Syarhey Tsikhanowski's lawyer...").
"""

from __future__ import annotations

import random
import re

from bench.spell_by import romanise, russian, russian_latin, ukrainian
from bench.watchlist import Listed, Mention, feminine

# Sentences by language, one per case: nominative, genitive, dative (Polish: accusative),
# instrumental; {} is the name.
TEMPLATES = {
    "be": ("{} застаецца ў калоніі.", "Адвакат {} паведаміў пра этап.",
           "{} адмовілі ў спатканні.", "Сустрэча з {} доўжылася гадзіну."),
    "ru": ("{} остаётся в колонии.", "Адвокат {} сообщил об этапе.",
           "{} отказали в свидании.", "Встреча с {} длилась час."),
    "uk": ("{} залишається в колонії.", "Адвокат {} повідомив про етап.",
           "{} відмовили в побаченні.", "Зустріч з {} тривала годину."),
    "pl": ("{} pozostaje w kolonii karnej.", "Adwokat {} poinformował o etapie.",
           "Sąd skazał {} na sześć lat.", "Spotkanie z {} trwało godzinę."),
    "en": ("{} remains in a penal colony.", "{}'s lawyer said the appeal failed.",
           "A court in Minsk sentenced {} to six years.", "Friends of {} wrote to the UN."),
}  # fmt: skip
LANGUAGES = tuple(TEMPLATES)

# Nominative ending -> its four case forms (nom gen dat/acc ins), for men | for women ("="
# keeps the word as it is: a woman's consonant surname). Tried in order; "_" is any ending.
_PARADIGMS = {
    "be": """скі скі скага скаму скім | = ; цкі цкі цкага цкаму цкім | = ;
        ская = | ская скай скай скай ; цкая = | цкая цкай цкай цкай ;
        ў ў ва ву вым | = ; ава = | ава авай авай авай ; ін ін іна іну іным | = ;
        ын ын ына ыну ыным | = ; о о о о о | о о о о ; ка ка кі ку кам | ка кі цы кай ;
        ля ля лі лі ляй | ля лі лі ляй ; я я і і яй | я і і яй ; ь ь я ю ем | = ; й й я ю ем | = ;
        а а ы у ам | а ы е ай ; _ _ а у ам | =""",
    "ru": """ский ский ского скому ским | = ; цкий цкий цкого цкому цким | = ;
        ская = | ская ской ской ской ; цкая = | цкая цкой цкой цкой ;
        ов ов ова ову овым | = ; ев ев ева еву евым | = ; ёв ёв ёва ёву ёвым | = ;
        ова = | ова овой овой овой ; ева = | ева евой евой евой ; ёва = | ёва ёвой ёвой ёвой ;
        ин ин ина ину иным | = ;
        о о о о о | о о о о ;
        ий ий ия ию ием | = ; ия = | ия ии ии ией ; ья = | ья ьи ье ьей ; й й я ю ем | = ;
        ка ка ки ке кой | ка ки ке кой ; а а ы е ой | а ы е ой ; _ _ а у ом | =""",
    "uk": """ський ський ського ському ським | = ; цький цький цького цькому цьким | = ;
        ська = | ська ської ській ською ; цька = | цька цької цькій цькою ;
        ов ов ова ову овим | = ; ев ев ева еву евим | = ; ова = | ова ової овій овою ;
        ева = | ева евої евій евою ; ин ин ина ину иним | = ; ля ля лі лю лею | ля лі лі лею ;
        ко ко ка ку ком | = ; ро ро ра ру ром | = ; ло ло ла лу лом | = ; ій ій ія ію ієм | = ;
        ія = | ія ії ії ією ; а а и і ою | а и і ою ; _ _ а у ом | =""",
    "pl": """ski ski skiego skiego skim | = ; cki cki ckiego ckiego ckim | = ;
        ska = | ska skiej ską ską ; cka = | cka ckiej cką cką ; o o o o o | o o o o ;
        awa = | awa awej awą awą ; owa = | owa owej ową ową ; ewa = | ewa ewej ewą ewą ;
        ka ka ki kę ką | ka ki kę ką ;
        ja ja ji ję ją | ja ji ję ją ; a a y ę ą | a y ę ą ; _ _ a a em | =""",
}


def _paradigm(text: str) -> list[tuple[str, tuple[str, ...] | None, tuple[str, ...] | None]]:
    rows = []
    for row in text.split(";"):
        men, women = (side.split() for side in row.split("|"))
        ending = men[0]
        rows.append((ending, _forms(men[1:]), _forms(women)))
    return rows


def _forms(words: list[str]) -> tuple[str, ...] | None:
    return None if words == ["="] or not words else tuple(w.strip("_") for w in words)


PARADIGMS = {language: _paradigm(text) for language, text in _PARADIGMS.items()}
_REGULAR = {"be": ("", "а", "у", "ам"), "ru": ("", "а", "у", "ом"), "uk": ("", "а", "у", "ом")}
# Words that lose a vowel when declined: Павел -> Паўла, Пётр -> Пятра, Дзядок -> Дзядка.
_FLEETING = {"Павел": "Паўл", "Пётр": "Пятр", "Петро": "Петр", "Павло": "Павл"}
_FLEETING_END = re.compile(r"(?<=[^аеёоуыэюяіи])[оеё](?=[кц]$)|(?<=[ёо]н)а(?=к$)")


def decline(word: str, language: str, case: int, woman: bool) -> str:
    """'Тихановский', 'ru', 1 -> 'Тихановского'; 'Лосік', 'be', 1, woman -> 'Лосік'."""
    if case and not woman and language != "pl":
        stem = _FLEETING.get(word) or _FLEETING_END.sub("", word)
        if stem != word:
            return stem + _REGULAR[language][case]
    for ending, men, women in PARADIGMS[language]:
        if ending == "_" or word.endswith(ending):
            forms = women if woman else men
            if forms is None:
                return word
            return word[: len(word) - (0 if ending == "_" else len(ending))] + forms[case]
    return word


def spelled(word: str, language: str, rng: random.Random) -> str:
    """A Belarusian word as `language`'s press writes it."""
    if language == "ru":
        return russian(word)
    if language == "uk":
        return ukrainian(word)
    if language == "pl":  # the Polish press gives Belarusian women Polish -ska
        return re.sub(r"(sk|ck)aja$", r"\1a", romanise(word, "polish"))
    if language == "en":
        style = rng.choices(["passport", "bgn", "national", "russian"], [60, 15, 5, 20])[0]
        return russian_latin(russian(word)) if style == "russian" else romanise(word, style)
    return word


def _given(person: Listed, language: str, rng: random.Random) -> str:
    be, ru, uk, _ = person.given
    return {"be": be, "ru": ru, "uk": uk}.get(language) or spelled(be, language, rng)


def mention(person: Listed, language: str, case: int, rng: random.Random) -> Mention:
    """One sentence naming `person`, in full, in `language` and grammatical `case`."""
    woman = person.given[3] == "f"
    seed = rng.random()  # one romanisation for both names of an English mention
    surname = spelled(
        feminine(person.surname) if woman else person.surname, language, random.Random(seed)
    )
    given = _given(person, language, random.Random(seed))
    if language != "en":
        surname = decline(surname, language, case, woman)
        given = decline(given, language, case, woman)
    shape = rng.random()
    if shape < 0.1:
        name = f"{given[0]}. {surname}"  # an initial: "С. Ціханоўскі"
    elif shape < 0.15 and language in ("ru", "be") and case == 0:
        name = f"{surname} {given}"  # list order: "Тихановский Сергей"
    else:
        name = f"{given} {surname}"
    text = TEMPLATES[language][case].format(name)
    return Mention(person.rule.id, language, text[:1].upper() + text[1:], person.surname)


def mentions(people: list[Listed], per_person: int = 3, seed: int = 9) -> list[Mention]:
    """`per_person` mentions of each person, languages and cases drawn from a seeded RNG."""
    rng = random.Random(seed)
    return [
        mention(person, rng.choice(LANGUAGES), rng.randrange(4), rng)
        for person in people
        for _ in range(per_person)
    ]
