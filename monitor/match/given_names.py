"""Given names: equivalents across scripts, and a lexicon of names in many languages.

In: a word (any script, any case form). Out: the canonical names of the equivalence table it
may be (`given_names_of`: Сяргей = Siarhei = Sergei), and the genders it has as a given name
in Faker's name lists of 30 locales (`name_genders`; empty for a word that is no given name).
"""

from __future__ import annotations

import functools
import importlib
import re

from monitor.match.endings import Gender
from monitor.match.fold import given_key, skeleton, translit

# canonical: forms in any script. The first form is the canonical spelling.
_MALE = """
aleksandr: Alexander Aleksandr Alexandr Aliaksandr Alyaksandr Aleksander Oleksandr
    Alaksandar Александр Аляксандр Олександр Sasha Саша
aleksei: Aleksei Alexei Alexey Aleksey Aliaksei Alyaksey Aleksiej Oleksii Oleksiy Алексей
    Аляксей Олексій
ales: Ales Aleś Алесь
anatoli: Anatoli Anatoly Anatoliy Anatol Anatolii Анатолий Анатоль Анатолій
andrei: Andrei Andrey Andrej Andrzej Andrii Andriy Andreas Andrew Андрей Андрэй Андрій
anton: Anton Антон
artem: Artem Artyom Artsiom Artsem Артем Артём Арцём Артем
boris: Boris Barys Borys Борис Барыс
dmitri: Dmitri Dmitry Dmitriy Dzmitry Dzmitri Dmytro Dymitr Дмитрий Дзмітрый Дмитро
eduard: Eduard Edward Edvard Эдуард Эдуард Едуард
evgeni: Evgeni Evgeny Yevgeny Yevgeni Yauhen Jauhen Yevhen Eugeniusz Eugene Евгений Яўген
    Євген
fyodor: Fyodor Fedor Fiodar Fedir Teodor Федор Фёдор Фёдар Федір
gennadi: Gennadi Gennady Henadz Hienadz Гена Геннадий Генадзь
grigori: Grigori Grigory Ryhor Hryhoriy Grzegorz Григорий Рыгор Григорій
igor: Igor Ihar Ihor Игорь Ігар Ігор
ivan: Ivan Iwan Иван Іван
kirill: Kirill Kiryl Kyrylo Cyryl Кирилл Кірыл Кирило
konstantin: Konstantin Kanstantsin Kostiantyn Konstanty Константин Канстанцін Костянтин
leonid: Leonid Leanid Leonid Леонид Леанід Леонід
maksim: Maksim Maxim Maksym Maksimilian Максим Максім
mikhail: Mikhail Mikhal Mikhas Mykhailo Michał Michael Михаил Міхаіл Міхась Михайло
nikolai: Nikolai Nikolay Mikalai Mikalaj Mikola Mykola Mikołaj Nicholas Николай Мікалай
    Мікола Микола
oleg: Oleg Aleh Oleh Олег Алег
pavel: Pavel Paval Pavlo Paweł Paul Павел Павал Павло
pyotr: Pyotr Petr Piotr Piatro Petro Peter Пётр Петр Пятро Петро
roman: Roman Raman Роман Раман
sergei: Sergei Sergey Sergej Siarhei Syarhey Siarhiej Siergiej Serhii Serhiy Sergiy
    Сергей Сяргей Сергій
stanislav: Stanislav Stanislau Stanisław Станислав Станіслаў Станіслав
stepan: Stepan Sciapan Stsiapan Stefan Степан Сцяпан
valentin: Valentin Valiantsin Walenty Валентин Валянцін
valeri: Valeri Valery Valeriy Valer Waleriy Валерий Валерый Валер Валерій
viktor: Viktor Viktar Victor Wiktor Віктар Виктор Віктор
vitali: Vitali Vitaly Vitaliy Vitalii Vital Witalij Виталий Віталь Віталій
vladimir: Vladimir Uladzimir Uladzimer Volodymyr Włodzimierz Владимир Уладзімір Володимир
vladislav: Vladislav Uladzislau Vladyslav Władysław Владислав Уладзіслаў
yuri: Yuri Yury Yurii Yuriy Jury Jurij Jerzy Юрий Юрый Юрій
"""

_FEMALE = """
aleksandra: Aleksandra Alexandra Aliaksandra Александра Аляксандра Олександра
alla: Alla Алла
anna: Anna Hanna Ganna Ганна Анна
daria: Daria Darya Daryia Dariya Дарья Дар'я Дарʼя
ekaterina: Ekaterina Yekaterina Katsiaryna Katerina Kateryna Katarzyna Екатерина Кацярына
    Катерина
elena: Elena Yelena Alena Alyona Olena Helena Елена Алена Алёна Олена
irina: Irina Iryna Ирина Ірына Ірина
julia: Julia Yulia Yuliya Iuliia Юлия Юлія
kseniya: Kseniya Ksenia Ksenija Kseniia Ксения Ксенія
lilia: Lilia Liliya Lilija Лилия Лілія
lyudmila: Lyudmila Ludmila Liudmila Ludmiła Людмила Людміла
maria: Maria Maryia Mariya Marya Мария Марыя Марія
marina: Marina Maryna Marynа Марина Марына
natalia: Natalia Natallia Natalya Nataliya Наталья Наталля Наталія
nina: Nina Нина Ніна
olga: Olga Volha Olha Olia Ольга Вольга
polina: Polina Palina Поліна Палина Полина
svetlana: Svetlana Sviatlana Svyatlana Sviatłana Swiatłana Swietłana Swetlana Swjatlana Светлана
    Святлана Світлана
tatiana: Tatiana Tatsiana Tatyana Tetiana Tatsyana Тацяна Татьяна Тетяна
valentina: Valentina Valiantsina Валентина Валянціна
veronika: Veronika Veranika Weronika Вероника Вераніка
viktoria: Viktoria Viktoryia Viktoriya Wiktoria Виктория Вікторыя Вікторія
"""


def _parse(block: str, gender: Gender) -> dict[str, tuple[Gender, tuple[str, ...]]]:
    table: dict[str, tuple[Gender, tuple[str, ...]]] = {}
    for entry in block.replace("\n    ", " ").strip().splitlines():
        canonical, forms = entry.split(":")
        table[canonical.strip()] = (gender, tuple(forms.split()))
    return table


GIVEN_NAMES = {**_parse(_MALE, Gender.MASC), **_parse(_FEMALE, Gender.FEM)}


def _index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for canonical, (_, forms) in GIVEN_NAMES.items():
        for form in forms:
            index.setdefault(given_key(translit(form)), set()).add(canonical)
    return {key: frozenset(names) for key, names in index.items()}


KEY_INDEX = _index()
_TABLE_FORMS = frozenset(f.casefold() for _, forms in GIVEN_NAMES.values() for f in forms)

# Endings a given name takes in running text beyond a final vowel (Сергеем, Віктарам).
# Polish locatives soften a final r: Wiktar -> Wiktarze.
_GIVEN_ENDINGS = (
    "om", "em", "am", "im", "ym", "ej", "oj", "aj", "owi", "ovi", "iem", "jom", "ju", "ze",
)  # fmt: skip


# Before a dative/locative ending k, g, kh alternate (Вераніка -> Вераніцы, Вольга -> Вользе).
_ALTERNATIONS = {"c": "k", "z": "g", "s": "kh"}


def given_stems(word: str) -> list[str]:
    """A translit word and what is left of it without each case ending it may carry; -y and
    -i are the genitive of names in -a (Аляксандры is hers, not Аляксандр's)."""
    stems = [word, *(word[: -len(e)] for e in _GIVEN_ENDINGS if word.endswith(e))]
    if word.endswith(("y", "i")) and len(word) > 3:
        stems.append(word[:-1] + "a")
    if word[-1:] in ("y", "i", "e") and word[-2:-1] in _ALTERNATIONS:
        stems.append(word[:-2] + _ALTERNATIONS[word[-2]])
    return stems


@functools.lru_cache(maxsize=1 << 14)
def keys_of(word: str) -> frozenset[str]:
    """Every key a translit word may carry as a given name, inflected or not."""
    return frozenset(given_key(stem) for stem in given_stems(word))


@functools.lru_cache(maxsize=1 << 14)
def given_names_of(word: str) -> frozenset[str]:
    """'Сяргея' -> {'sergei'}; 'Аляксандра' -> {'aleksandr', 'aleksandra'}; 'bank' -> {}."""
    names: set[str] = set()
    for key in keys_of(translit(word)):
        names |= KEY_INDEX.get(key, frozenset())
    return frozenset(names)


# Faker's name lists by locale: the Slavic languages monitor reads, and the languages whose
# people Slavic news names most. Lists in other scripts are left out (never in a Latin or
# Cyrillic article).
_LOCALES = [
    "bg_BG",
    "cs_CZ",
    "hr_HR",
    "mk_MK",
    "pl_PL",
    "ru_RU",
    "sk_SK",
    "sl_SI",
    "uk_UA",
    "lt_LT",
    "lv_LV",
    "et_EE",
    "hu_HU",
    "ro_RO",
    "de_DE",
    "de_AT",
    "en_US",
    "en_GB",
    "en_IE",
    "en_IN",
    "en_PK",
    "fr_FR",
    "it_IT",
    "es_ES",
    "pt_PT",
    "nl_NL",
    "sv_SE",
    "no_NO",
    "da_DK",
    "fi_FI",
    "tr_TR",
]
_NAME = re.compile(r"[^\W\d_][^\W\d_'’-]+")


def _provider_names(locale: str) -> list[tuple[str, Gender]]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    male = list(getattr(provider, "first_names_male", ()))
    female = list(getattr(provider, "first_names_female", ()))
    either = [] if male or female else list(getattr(provider, "first_names", ()))
    pairs = [(n, Gender.MASC) for n in male] + [(n, Gender.FEM) for n in female]
    return pairs + [(n, Gender.EITHER) for n in either]


@functools.cache
def _names() -> tuple[tuple[str, Gender], ...]:
    """Every (name, gender) of Faker's lists and of the table."""
    pairs = [(f, gender) for gender, forms in GIVEN_NAMES.values() for f in forms]
    for locale in _LOCALES:
        pairs.extend(_provider_names(locale))
    return tuple((name, gender) for name, gender in pairs if _NAME.fullmatch(name))


@functools.cache
def _lexicon() -> dict[str, frozenset[Gender]]:
    """skeleton -> the genders of the names that have it."""
    found: dict[str, set[Gender]] = {}
    for name, gender in _names():
        found.setdefault(skeleton(translit(name)), set()).add(gender)
    return {key: frozenset(genders) for key, genders in found.items()}


@functools.cache
def _spelled() -> frozenset[str]:
    return frozenset(translit(name) for name, _ in _names())


# Case endings of given names (Оксане, Сергеем, Віктару, Siarhieja, Marii): what is left,
# or what is left plus -a (the nominative of most women's names), is looked up.
_CASE = ("a", "u", "e", "i", "y", "ja", "ju", "ji", "om", "em", "am", "oj", "ej", "ju", "owi")


def _nominatives(latin: str) -> set[str]:
    keys = {skeleton(latin)}
    for ending in _CASE:
        if latin.endswith(ending) and len(latin) - len(ending) >= 2:
            for stem in _alternated(latin[: -len(ending)], ending):
                keys.update((skeleton(stem), skeleton(stem + "a")))
    return keys


def _alternated(stem: str, ending: str) -> tuple[str, ...]:
    """The stem, and before -e/-i/-y also with k, g, kh restored (Вераніцы -> Веранік-)."""
    if ending in ("e", "i", "y") and stem[-1:] in _ALTERNATIONS:
        return stem, stem[:-1] + _ALTERNATIONS[stem[-1]]
    return (stem,)


@functools.lru_cache(maxsize=1 << 14)
def name_genders(word: str) -> frozenset[Gender]:
    """'Оксане' -> {FEM}; 'Wojciech' -> {MASC}; 'Bank' -> {} (no given name)."""
    lexicon = _lexicon()
    genders: set[Gender] = set()
    for key in _nominatives(translit(word)):
        genders |= lexicon.get(key, frozenset())
    return frozenset(genders)


def in_table(word: str) -> bool:
    """Whether the word is written exactly as a form of the equivalence table (Volha, Сяргей)."""
    return word.casefold() in _TABLE_FORMS


def is_given_form(word: str) -> bool:
    """Whether the word as written, not inflected, is a given name (May, Michel, Тони)."""
    return translit(word) in _spelled()


def forms_of(canonical: str) -> tuple[str, ...]:
    return GIVEN_NAMES[canonical][1]


def gender_of(canonical: str) -> Gender:
    return GIVEN_NAMES[canonical][0]
