"""What the store learned about famous surnames, as the commands show it: `run --once`
learns, `check --explain` decides with it and says on what counts, `rules check
--against-store` lists the everyday-word surnames and which of them stand alone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from monitor.clock import utcnow
from monitor.model import Article
from monitor.store import Store
from tests.test_cli import monitor

RULES = (
    "people:\n"
    "  - id: lukashenko\n    name: Alexander Lukashenko\n"
    "  - id: hunt\n    name: Jeremy Hunt\n"
)
ALONE = "Лукашенко подписал указ о помиловании.\n\nУказ вступает в силу сегодня.\n"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A config whose store holds a week of news naming Alexander Lukashenko in full (and
    Jeremy Hunt, beside a hunt for votes), and an article naming him by surname alone."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "people.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "feeds").mkdir()
    (tmp_path / "monitor.toml").write_text(
        'rules = ["rules"]\n\n[[feeds]]\nname = "local"\nurl = "feeds"\n', encoding="utf-8"
    )
    (tmp_path / "alone.txt").write_text(ALONE, encoding="utf-8")
    store = Store.open(f"sqlite:///{tmp_path / 'var' / 'monitor.db'}")
    try:
        for day in range(7):
            store.articles.ingest([
                Article(title=f"День {day}", text=f"Александр Лукашенко провёл совещание №{day}. "
                        "Лукашенко заявил о мерах.", url=f"https://example.org/by/{day}"),
                Article(title=f"Day {day}", text=f"Jeremy Hunt spoke on day {day}. The hunt for "
                        "votes goes on.", url=f"https://example.org/uk/{day}"),
            ], utcnow() - timedelta(days=day), lambda a: ())  # fmt: skip
    finally:
        store.close()
    return tmp_path


def explain(workdir: Path) -> str:
    result = monitor("-c", "monitor.toml", "check", "--explain", "alone.txt", cwd=workdir)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_before_learning_the_everyday_word_alone_needs_the_given_name(workdir: Path) -> None:
    out = explain(workdir)
    assert "no matches" in out
    assert "does not count: ordinary word in ru" in out


def test_run_once_learns_and_check_then_decides_as_the_daemon_does(workdir: Path) -> None:
    assert monitor("-c", "monitor.toml", "run", "--once", cwd=workdir).returncode == 0
    out = explain(workdir)
    assert "person lukashenko (Alexander Lukashenko): Лукашенко" in out
    assert "counts: ordinary word in ru" in out and "names this person alone" in out
    assert "named in full in 7, beside another given name in 0, written lower-case in 0 of 7" in (
        out
    )


def test_learning_turned_off_is_not_used_by_check(workdir: Path) -> None:
    assert monitor("-c", "monitor.toml", "run", "--once", cwd=workdir).returncode == 0
    config = workdir / "monitor.toml"
    config.write_text("learn_days = 0\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    assert "no matches" in explain(workdir)


def test_rules_check_against_the_store_says_which_everyday_surnames_stand_alone(
    workdir: Path,
) -> None:
    result = monitor("-c", "monitor.toml", "rules", "check", "--against-store", "--since", "28d",
                     cwd=workdir)  # fmt: skip
    assert result.returncode == 0, result.stderr
    section = result.stdout.split("surnames that are everyday words, alone:\n", 1)[1]
    lines = dict(line.strip().split(": ", 1) for line in section.splitlines())
    assert lines["lukashenko"].startswith("'Lukashenko' alone names this person (in the store")
    assert "named in full in 7" in lines["lukashenko"]
    assert lines["hunt"].startswith("needs the given name (written lower-case in more than 5%")


def test_check_never_creates_a_store(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ALONE, encoding="utf-8")
    rules = tmp_path / "people.yaml"
    rules.write_text(RULES, encoding="utf-8")
    assert monitor("check", "--rules", str(rules), "a.txt", cwd=tmp_path).returncode == 0
    assert not (tmp_path / "var").exists()
