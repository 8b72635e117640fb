"""Ordinary words that are also surnames (Мароз 'frost', Лосик 'little elk', Kowal 'smith').

In: nothing. Out: `ORDINARY_KEYS`, the skeletons of their stems. A person whose surname
falls here is matched only where the word is used as a name.
"""

from __future__ import annotations

from monitor.match.endings import stems_of
from monitor.match.fold import skeleton, translit

_WORDS = {
    "ru": "мороз лосик зима волк сокол орел голубь медведь заяц лиса воробей соловей петух "
    "баран козел бык гусь лебедь жук рыба щука карась окунь береза дуб сосна мельник кузнец "
    "коваль бондарь гончар пастух казак кот барсук бобер лось снег ветер",
    "be": "мароз лосік зіма воўк сокал арол голуб мядзведзь заяц ліс верабей салавей певень "
    "казёл бык гусь жук рыба шчупак карась бяроза дуб сасна мельнік каваль ганчар пастух "
    "казак кот барсук бабёр лось снег вецер",
    "uk": "мороз зима вовк сокіл орел голуб ведмідь заєць лис горобець соловей півень коваль "
    "мельник гончар пастух козак кіт бобер лось сніг вітер",
    "pl": "mróz zima wilk sokół orzeł gołąb niedźwiedź zając lis wróbel słowik kowal młynarz "
    "garncarz pasterz kozak kot borsuk bóbr dąb sosna ryba szczupak karaś śnieg wiatr",
    "en": "frost winter wolf fox falcon eagle bear smith miller baker cook fisher king bird "
    "brown black white green young long rich little wood stone hill snow wind",
    "de": "frost winter wolf fuchs falke adler bär müller bäcker koch fischer vogel braun "
    "schwarz weiß klein lang jung stein berg schnee wind",
}


def _keys() -> frozenset[str]:
    return frozenset(
        skeleton(stem.stem)
        for words in _WORDS.values()
        for word in words.split()
        for stem in stems_of(translit(word))
    )


ORDINARY_KEYS = _keys()
