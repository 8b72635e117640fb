"""A route's digest templates, compiled once when the config loads.

In: a folder of the user's templates, or None. Out: `Templates`, whose every file (the
user's, else the defaults in `templates/`) has compiled, or a ConfigError naming the file
and line. Rendering is always sandboxed (a user's template may be anything), autoescaped
for HTML, and strict: an unknown name is an error, not an empty string.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from monitor.errors import ConfigError
from monitor.render.texts import DEFAULT_TEMPLATES

NAMES = ("subject.txt.j2", "digest.txt.j2", "digest.html.j2")


@dataclass(frozen=True)
class Templates:
    folder: Path | None  # the user's folder; None: the defaults only
    env: SandboxedEnvironment

    def render(self, name: str, context: dict[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateError as exc:
            raise ConfigError(f"template {_where(exc, name)}: {exc.message or exc}") from exc


def load_templates(folder: Path | None = None) -> Templates:
    """Compile every template a digest uses; ConfigError at the first that does not."""
    if folder is not None and not folder.is_dir():
        raise ConfigError(f"templates_dir: {folder} is not a folder")
    env = _environment(folder)
    for name in NAMES:
        try:
            env.get_template(name)
        except jinja2.TemplateError as exc:
            raise ConfigError(f"template {_where(exc, name)}: {exc.message or exc}") from None
    return Templates(folder, env)


@functools.lru_cache(maxsize=16)
def _environment(folder: Path | None) -> SandboxedEnvironment:
    search = [str(folder)] if folder else []
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([*search, str(DEFAULT_TEMPLATES)]),
        autoescape=_is_html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _where(exc: jinja2.TemplateError, name: str) -> str:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or name}:{exc.lineno}"
    return name


def _is_html(name: str | None) -> bool:
    return bool(name) and str(name).endswith((".html", ".html.j2", ".htm"))
