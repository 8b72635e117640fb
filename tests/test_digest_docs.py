"""Docs as tests for docs/digests.md and docs/webhooks.md: every TOML snippet loads, the
template example renders, every documented template value exists, the quoted error is the
real one, and the example digest is what docs/make_example.py makes."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from monitor.errors import ConfigError
from monitor.render import Digest, Look, load_templates, render_digest, texts
from tests.conftest import ROOT
from tests.support.digests import NOW, sample_alerts
from tests.support.settings import settings_from

DOCS = ROOT / "docs"
DIGESTS = (DOCS / "digests.md").read_text(encoding="utf-8")
WEBHOOKS = (DOCS / "webhooks.md").read_text(encoding="utf-8")


def render(route: str, templates: Path) -> Digest:
    """The sample alerts through the user's templates, as a route with templates_dir."""
    look = Look(load_templates(templates))
    return render_digest(route, sample_alerts(), NOW, look=look, key="dg_docs")


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("snippet", blocks(DIGESTS, "toml") + blocks(WEBHOOKS, "toml"))
def test_config_snippets_load(
    snippet: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tomllib.loads(snippet)
    monkeypatch.chdir(tmp_path)  # the folders a snippet names exist, as they would for a user
    folders = [data.get("templates_dir")] + [r.get("templates_dir") for r in data["routes"]]
    for folder in filter(None, folders):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    settings = settings_from(data, "docs")
    assert settings.routes


def test_the_template_example_renders_as_a_subject(tmp_path: Path) -> None:
    [example] = blocks(DIGESTS, "jinja")
    (tmp_path / "subject.txt.j2").write_text(example, encoding="utf-8")
    digest = render("belarus", tmp_path)
    assert digest.subject == (
        "[belarus] 4 new mentions: Maria Kalesnikava, Protest in Minsk, Syarhey Tsikhanouski …"
    )


def _values_table() -> dict[str, str]:
    """First column -> rest of the row, from the table of values a template gets."""
    section = DIGESTS.split("The values a template gets:")[1].split("\n\n")[1]
    rows = [row for row in section.splitlines() if row.startswith("| `")]
    return {re.match(r"\| `([^`(]+)", row)[1]: row for row in rows}  # type: ignore[index]


def test_every_documented_value_is_given_to_templates(tmp_path: Path) -> None:
    names = [name for name in _values_table() if name not in ("story", "snippet")]
    assert len(names) == 14
    check = "{% for value in [" + ", ".join(names) + "] %}{% endfor %}ok"
    (tmp_path / "subject.txt.j2").write_text(check, encoding="utf-8")  # undefined -> error
    assert render("r", tmp_path).subject == "ok"


def test_documented_texts_and_plural_keys_exist() -> None:
    table = _values_table()
    documented = set(re.findall(r"`t\.(\w+)`", table["t"]))
    assert documented == set(texts("en").words)
    keys = set(re.findall(r"`(\w+)`", table["plural"].split("keys")[1]))
    assert keys == set(texts("en").plurals)


def test_the_quoted_template_error_is_the_real_one(tmp_path: Path) -> None:
    default = (ROOT / "monitor" / "render" / "templates" / "digest.html.j2").read_text("utf-8")
    broken = default.replace("story.title }}", "story.titel }}")
    (tmp_path / "digest.html.j2").write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        render("r", tmp_path)
    assert " ".join(f"`{caught.value}`".split()) in " ".join(DIGESTS.split())


def test_linked_files_exist() -> None:
    linked = re.findall(r"\]\(([\w.-]+\.(?:png|html|md))\)", DIGESTS)
    assert {"digest-wide.png", "digest-phone.png", "digest-example.html"} <= set(linked)
    assert [name for name in linked if not (DOCS / name).is_file()] == []


def test_the_apprise_extra_named_in_the_docs_exists() -> None:
    assert "pip install 'monitor[apprise]'" in DIGESTS
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = pyproject["project"]["optional-dependencies"]
    assert any(dep.startswith("apprise") for dep in extras["apprise"])
    assert any(dep.startswith("apprise") for dep in extras["test"])


def _make_example_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_example", DOCS / "make_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_digest_comes_from_the_real_pipeline(tmp_path: Path) -> None:
    """Not compared byte for byte: a matcher or seed change would make this test fail for
    people who never touched the docs. Regenerate with `python docs/make_example.py`."""
    made = (
        _make_example_module()
        .make_example(tmp_path / "example.html", "be")
        .read_text(encoding="utf-8")
    )
    committed = (DOCS / "digest-example.html").read_text(encoding="utf-8")
    for html in (made, committed):
        assert "<title>monitor · digest · 2024-04-23 07:00 UTC</title>" in html
        assert "Viktar Babaryka" in html and "Lilia Vlasova" in html
    assert '<html lang="be">' in made and "асоба" in made
