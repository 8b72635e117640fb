"""What monitor knows of the languages it reads, shared by matching and discovery.

In: words and texts of any script. Out: folding across scripts (`translit`, `skeleton`,
`fold_text`, keys), case endings and the gender they show (`stems_of`, `splits`), the
given-name lexicon and its table of equivalents (`lexicon`, `name_genders`,
`given_names_of`), practical transcription of foreign names (`readings`), how common a
word is and which language a text is in (`zipf`, `guess_language`). Word lists and name
lists come from installed packages (wordfreq, Faker); nothing is downloaded.
"""

from monitor.language.endings import (
    ADJECTIVAL,
    CONSONANT,
    NOUN_A,
    PLURAL_ONLY,
    POSSESSIVE,
    POSSESSIVE_ADJECTIVE,
    Form,
    Gender,
    Stem,
    czech_feminine,
    splits,
    stems_of,
)
from monitor.language.fold import (
    consonants,
    fold_text,
    given_key,
    skeleton,
    stem_key,
    translit,
)
from monitor.language.given_names import (
    forms_of,
    gender_of,
    given_names_of,
    given_stems,
    in_table,
    keys_of,
)
from monitor.language.lexicon import COMMON, LANGUAGES, guess_language, zipf
from monitor.language.name_lexicon import is_given_form, lexicon, locale_names, name_genders
from monitor.language.offices import is_office
from monitor.language.transcribe import (
    SOURCES,
    looks_slavic,
    readings,
    russian_forms,
    surname_shaped,
)
from monitor.language.wordlists import top_words

__all__ = [
    "ADJECTIVAL",
    "COMMON",
    "CONSONANT",
    "LANGUAGES",
    "NOUN_A",
    "PLURAL_ONLY",
    "POSSESSIVE",
    "POSSESSIVE_ADJECTIVE",
    "SOURCES",
    "Form",
    "Gender",
    "Stem",
    "consonants",
    "czech_feminine",
    "fold_text",
    "forms_of",
    "gender_of",
    "given_key",
    "given_names_of",
    "given_stems",
    "guess_language",
    "in_table",
    "is_given_form",
    "is_office",
    "keys_of",
    "lexicon",
    "locale_names",
    "looks_slavic",
    "name_genders",
    "readings",
    "russian_forms",
    "skeleton",
    "splits",
    "stem_key",
    "stems_of",
    "surname_shaped",
    "top_words",
    "translit",
    "zipf",
]
