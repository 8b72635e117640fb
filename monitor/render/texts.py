"""The fixed words of digests in the route's language: a language code in, Texts out.

Words come from `templates/texts.toml` (en, ru, be), plural forms by CLDR rules, so
templates say `plural(4, "new_mentions")` and get "4 новых упоминания" in Russian.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from monitor.errors import ConfigError

DEFAULT_TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = ("en", "ru", "be")


@dataclass(frozen=True)
class Texts:
    """The fixed words of one language: ``words[key]`` and ``plural(n, key)`` for templates."""

    language: str
    words: Mapping[str, str]
    plurals: Mapping[str, tuple[str, ...]]

    def plural(self, n: int, key: str) -> str:
        """'4 new mentions', '4 новых упоминания': the form the number asks for."""
        forms = self.plurals.get(key)
        if forms is None:
            raise jinja2.UndefinedError(f"no plural text {key!r} (known: {sorted(self.plurals)})")
        return forms[plural_form(self.language, n)].format(n=self.number(n))

    def why(self, basis: str, terms: Sequence[str] = ()) -> str:
        """Why a hit counts, in a few words of this language ("named in full", "'протест'
        within 30 words of 'Минск'"); "" for a hit stored without a basis."""
        if basis == "near" and len(terms) == 3:
            term, near, within = terms
            form = self.plurals["why_near"][plural_form(self.language, int(within))]
            return form.format(term=term, near=near, n=self.number(int(within)))
        phrase = self.words.get(f"why_{basis}") if basis else None
        return phrase.format(term=terms[0] if terms else "") if phrase else ""

    def number(self, n: int) -> str:
        """10182 -> '10,182' in English, '10 182' (no-break space) in Russian and Belarusian."""
        grouped = f"{n:,}"
        return grouped if self.language == "en" else grouped.replace(",", "\u00a0")


def texts(language: str) -> Texts:
    """The fixed words of ``language``; ConfigError for a language we have no words for."""
    if language not in LANGUAGES:
        raise ConfigError(f"language {language!r}: expected one of {', '.join(LANGUAGES)}")
    table = _text_tables()[language]
    words = {key: value for key, value in table.items() if isinstance(value, str)}
    plurals = {key: tuple(value) for key, value in table.items() if isinstance(value, list)}
    return Texts(language, words, plurals)


@functools.cache
def _text_tables() -> dict[str, dict[str, str | list[str]]]:
    text = (DEFAULT_TEMPLATES / "texts.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def plural_form(language: str, n: int) -> int:
    """Index of the plural form: en one/other; ru, be one/few/many (CLDR rules)."""
    if language == "en":
        return 0 if n == 1 else 1
    if n % 10 == 1 and n % 100 != 11:
        return 0
    return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2
