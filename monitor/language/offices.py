"""Words of office written before a surname: "premier May", "канцлер Меркель", "prezydent
Trump". A word after one of them is used as a name, whatever else it may mean.

In: a word (any script, any case form). Out: whether it is such a word of office, in one of
the languages monitor reads (ru, be, uk, pl, cs, sk, sl, bg, en, de). Honorifics (pan, pani,
Mr) are left out on purpose: they stand before given names too ("pani Teresa").
"""

from __future__ import annotations

import functools

from monitor.language.fold import fold_text

# Stems, folded (lower case, no accents): a declined form adds at most MAX_ENDING letters
# (premiera, premierem, премьера, президентом, kancléřka).
_STEMS = """
premier premiér премьер прем'єр премиер
president prezident prezydent президент прэзідэнт predsednik predsednica председател
председник präsident
kanclerz kancler kancléř kancelár kanzler канцлер
minister ministr министр міністр міністар министър
senator senátor сенатор
kongresman congressman конгрессмен
gubernator governor губернатор
ambasador ambassador velvyslanec veleposlanik посол
lider leader лидер лідер лідэр
spiker speaker спикер спікер
kral král król kralj король кароль король король кралица královna królowa kraljica королева
каралева queen king könig königin
princ prince książę knez принц
papież papež pápež pope patriarcha patriarch патриарх патріарх
generał generál general генерал
"""
MAX_ENDING = 4


@functools.cache
def _stems() -> frozenset[str]:
    return frozenset(fold_text(word) for word in _STEMS.split())


def is_office(word: str) -> bool:
    """'premiera', 'Канцлер', 'prezydentem' -> True; 'premiere' too; 'pani', 'pandemic' ->
    False."""
    folded = fold_text(word)
    stems = _stems()
    shortest = max(len(folded) - MAX_ENDING, 2)
    return any(folded[:cut] in stems for cut in range(len(folded), shortest - 1, -1))
