"""Equivalent given names across Belarusian, Russian, Ukrainian, Polish, Czech, Slovene,
Bulgarian, German, English and French, with English short forms (Bill = William).

In: a word (any script, any case form). Out: the canonical names of the equivalence table it
may be (`given_names_of`: Сяргей = Siarhei = Sergei), the keys it carries as a given name
(`keys_of`, case endings dropped) and the table's genders (`gender_of`).
"""

from __future__ import annotations

import functools

from monitor.language.endings import Gender
from monitor.language.fold import given_key, translit

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


# Western given names: their short forms (Bill = William, Kate = Catherine) and how the
# languages monitor reads write them (Francis = Franciszek = František = Франциск). Forms of
# languages it does not read (Pedro, Pierre) are left out: beside a Slavic surname they would
# make a Portuguese Pedro agree with a Belarusian Piotr. An
# entry whose canonical is above adds to it (Mike to Михаил). These forms are no sign that
# a person is Slavic (`in_table` reads the tables above only).
_MALE_WEST = """
aleksandr: Alex Alec Алекс
andrei: Andy Drew Ondřej Энди Енди
anthony: Anthony Tony Antony Antoni Antonín Энтони Тони
benjamin: Benjamin Ben Benny Beniamin Вениамин Бенджамин Бен
charles: Charles Charlie Karol Karel Karl Карл Чарльз Чарлз
christopher: Christopher Chris Krzysztof Kryštof Krištof Christoph Кристофер Крис Кшиштоф
daniel: Daniel Dan Danny Даниил Даниэль Дэниел Дэниэл Дэн
david: David Dave Dawid Давид Дэвид Дейвид Дейв Дэйв
eduard: Ed Eddie Ted Teddy Эд Тед
francis: Francis Franciszek František Frančišek Franz Franziskus Франциск Франсис Франц
    Францішак Франтишек
henry: Henry Harry Henryk Jindřich Heinrich Генрих Генри Гарри Хенрик
james: James Jim Jimmy Jamie Джеймс Джим
john: John Johnny Jack Jan Johann Johannes Иоанн Джон Ян
joseph: Joseph Joe Józef Josef Jožef Иосиф Йосиф Юзеф Джозеф Джо
matthew: Matthew Matt Mateusz Matěj Matej Matthias Матвей Мэтью Метью Мэтт
mikhail: Mike Mick Michal Майкл Майк Міхал
nikolai: Nick Ник
patrick: Patrick Pat Paddy Patryk Patrik Патрик
pavel: Пол
philip: Philip Phil Filip Philipp Филип Филипп Пилип Піліп
pyotr: Pete Петер Питер
richard: Richard Rick Dick Ryszard Рихард Ричард
robert: Robert Bob Bobby Rob Robbie Роберт Боб Роб
samuel: Samuel Sam Самуэль Сэмюэл Сэмюэль Сэм
stepan: Stephen Steven Steve Štěpán Стивен Стив Стефан
thomas: Thomas Tom Tommy Tomasz Tomáš Tomaž Tomas Томас Том
william: William Bill Billy Will Wilhelm Vilém Viljem Вильгельм Уильям Уилям Вільям Билл Уилл
yuri: George Georg Jiří Georgi Георгий Георги Георгій Джордж
"""

_FEMALE_WEST = """
anna: Anne Ann Annie Энн Анне
catherine: Catherine Katherine Kathryn Kate Katie Kathy Cathy Kateřina Katarína Katharina
    Кэтрин Кетрин Кейт Кэт Кэти
elena: Helen Helene Хелен
elizabeth: Elizabeth Liz Lizzie Beth Betty Eliza Elżbieta Alžběta Elisabeth Елизавета Єлизавета
    Елізавета Лізавета Елизабет Элизабет Лиз
julia: Julie Julija Джулия Джулія
margaret: Margaret Maggie Meg Peggy Małgorzata Markéta Margarete Маргарет Маргарита Маргарыта
maria: Mary Мэри
susan: Susan Sue Susanne Zuzana Zuzanna Сьюзан Сюзанна
theresa: Theresa Teresa Tess Tessa Terezie Tereza Terézia Тереза Терезія
viktoria: Victoria Vicky Вікі
"""


def _parse(block: str, gender: Gender) -> dict[str, tuple[Gender, tuple[str, ...]]]:
    table: dict[str, tuple[Gender, tuple[str, ...]]] = {}
    for entry in block.replace("\n    ", " ").strip().splitlines():
        canonical, forms = entry.split(":")
        table[canonical.strip()] = (gender, tuple(forms.split()))
    return table


def _joined(
    *tables: dict[str, tuple[Gender, tuple[str, ...]]],
) -> dict[str, tuple[Gender, tuple[str, ...]]]:
    """The tables as one: an entry of a later table adds its forms to an earlier one's."""
    out: dict[str, tuple[Gender, tuple[str, ...]]] = {}
    for table in tables:
        for canonical, (gender, forms) in table.items():
            before = out.get(canonical, (gender, ()))[1]
            out[canonical] = (gender, tuple(dict.fromkeys((*before, *forms))))
    return out


SLAVIC_NAMES = {**_parse(_MALE, Gender.MASC), **_parse(_FEMALE, Gender.FEM)}
GIVEN_NAMES = _joined(
    SLAVIC_NAMES, _parse(_MALE_WEST, Gender.MASC), _parse(_FEMALE_WEST, Gender.FEM)
)


def _index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for canonical, (_, forms) in GIVEN_NAMES.items():
        for form in forms:
            index.setdefault(given_key(translit(form)), set()).add(canonical)
    return {key: frozenset(names) for key, names in index.items()}


KEY_INDEX = _index()
_TABLE_FORMS = frozenset(f.casefold() for _, forms in SLAVIC_NAMES.values() for f in forms)

# Endings a given name takes in running text beyond a final vowel (Сергеем, Віктарам).
# Polish locatives soften a final r: Wiktar -> Wiktarze.
_GIVEN_ENDINGS = (
    "om", "em", "am", "im", "ym", "ej", "oj", "aj", "owi", "ovi", "iem", "jom", "ju", "ze",
)  # fmt: skip


# Before a dative/locative ending k, g, kh alternate (Вераніка -> Вераніцы, Вольга -> Вользе).
ALTERNATIONS = {"c": "k", "z": "g", "s": "kh"}


def given_stems(word: str) -> list[str]:
    """A translit word and what is left of it without each case ending it may carry; -y and
    -i are the genitive of names in -a (Аляксандры is hers, not Аляксандр's)."""
    stems = [word, *(word[: -len(e)] for e in _GIVEN_ENDINGS if word.endswith(e))]
    if word.endswith(("y", "i")) and len(word) > 3:
        stems.append(word[:-1] + "a")
    # Czech and Slovak instrumental of a name in -a (s Theresou); the genitive and dative of
    # a name in -y or -i (Harryho, Jeremy'ego: translit drops the apostrophe).
    if word.endswith("ou") and len(word) > 4:
        stems.append(word[:-2] + "a")
    for ending in ("ho", "ego", "emu"):
        bare = word[: -len(ending)]
        if word.endswith(ending) and bare[-1:] in ("y", "i") and len(bare) > 3:
            stems.append(bare)
    if word[-1:] in ("y", "i", "e") and word[-2:-1] in ALTERNATIONS:
        stems.append(word[:-2] + ALTERNATIONS[word[-2]])
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


def in_table(word: str) -> bool:
    """Whether the word is written exactly as a Slavic form of the equivalence table (Volha,
    Сяргей; not Bill or Kate)."""
    return word.casefold() in _TABLE_FORMS


def forms_of(canonical: str) -> tuple[str, ...]:
    return GIVEN_NAMES[canonical][1]


def gender_of(canonical: str) -> Gender:
    return GIVEN_NAMES[canonical][0]
