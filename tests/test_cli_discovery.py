"""`monitor names` and `monitor candidates`, end to end as a user runs them: a folder feed
of articles in three languages about one journalist's arrest, a listed person's sentence
and a footballer's goals; `run --once`, then the candidates, their rule, the digest."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest

from tests.test_cli import monitor

ARTICLES = {
    "01-en.txt": "Journalist detained in Minsk\n\nBelarusian KGB officers detained Ihar Karnei, "
    "a freelance journalist, at his flat in Minsk on Monday (<b>no</b> warrant).\n",
    "02-ru.txt": "В Минске задержан журналист\n\nСотрудники КГБ задержали в понедельник "
    "журналиста Игоря Карнея в его квартире в Минске, сообщили коллеги.\n",
    "03-be.txt": "У Мінску затрымалі журналіста\n\nСупрацоўнікі КДБ у панядзелак затрымалі "
    "журналіста Ігара Карнея, паведамілі калегі.\n",
    "04-ru.txt": "Приговор правозащитнице\n\nСуд приговорил волонтера «Вясны» Марфу Рабкову "
    "к 15 годам колонии.\n",
    "05-en.txt": "Dinamo win again\n\nStriker Ivan Petrov scored twice as Dinamo Minsk beat "
    "Shakhtyor 3-1 on Sunday evening.\n",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "feed").mkdir()
    for name, text in ARTICLES.items():
        (tmp_path / "feed" / name).write_text(text, encoding="utf-8")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yaml").write_text(
        "people:\n  - id: rabkova\n    name: Marfa Rabkova\n", encoding="utf-8"
    )
    (tmp_path / "m.toml").write_text(
        f'data_dir = "{tmp_path / "data"}"\nrules = ["{tmp_path / "rules"}"]\n'
        f'[[feeds]]\nname = "local"\nurl = "{tmp_path / "feed"}"\n'
        '[[routes]]\nname = "digest"\noutbox = true\nschedule = "daily 07:00"\n',
        encoding="utf-8",
    )
    run = monitor("--config", str(tmp_path / "m.toml"), "run", "--once", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    return tmp_path


def candidates(site: Path, *args: str) -> list[dict[str, object]]:
    result = monitor("--config", str(site / "m.toml"), "candidates", "--json", *args, cwd=site)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_one_journalist_from_three_articles_not_the_listed_nor_the_footballer(site: Path) -> None:
    [karnei] = candidates(site)
    assert karnei["name"] == "Ihar Karnei"
    assert karnei["articles"] == 3
    assert {"Ihar Karnei", "Игоря Карнея", "Ігара Карнея"} <= set(karnei["variants"])  # type: ignore[call-overload]
    assert karnei["sources"] and karnei["first_seen"] and karnei["last_seen"]


def test_the_suggested_rule_passes_rules_check_and_finds_him(site: Path) -> None:
    [karnei] = candidates(site)
    entry = "\n".join("  " + line for line in str(karnei["rule"]).splitlines())
    (site / "rules" / "new.yaml").write_text(f"people:\n{entry}\n", encoding="utf-8")
    checked = monitor("rules", "check", str(site / "rules"), cwd=site)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    found = monitor("check", "--rules", str(site / "rules"), "--json",
                    str(site / "feed" / "02-ru.txt"), cwd=site)  # fmt: skip
    assert json.loads(found.stdout)["matches"][0]["name"] == "Ihar Karnei"
    # now on the list: no longer a candidate
    assert candidates(site) == []


def test_dismissed_for_good(site: Path) -> None:
    [karnei] = candidates(site)
    done = monitor("--config", str(site / "m.toml"), "candidates", "--dismiss", str(karnei["key"]))
    assert done.returncode == 0 and "dismissed" in done.stdout
    assert candidates(site) == []
    unknown = monitor("--config", str(site / "m.toml"), "candidates", "--dismiss", "nobody")
    assert unknown.returncode == 2 and "no candidate" in unknown.stderr


def test_the_digest_has_a_section_for_people_not_on_the_list(site: Path) -> None:
    [eml] = (site / "data" / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    section = text.split("== Not on your list yet ==")[1]
    assert "Ihar Karnei" in section and "Rabkov" not in section and "Petrov" not in section
    assert "Not on your list yet" in html and "Ihar Karnei" in html
    assert "&lt;b&gt;no&lt;/b&gt;" in html  # article text is text, never markup


def test_names_lists_every_full_name_with_its_key(tmp_path: Path) -> None:
    files = [tmp_path / "a.txt", tmp_path / "b.txt"]
    files[0].write_text(ARTICLES["01-en.txt"], encoding="utf-8")
    files[1].write_text(ARTICLES["02-ru.txt"], encoding="utf-8")
    result = monitor("names", "--json", *map(str, files))
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["file"] == str(files[0])
    [ihar] = first["names"]
    [igor] = second["names"]
    assert (igor["text"], igor["name"]) == ("Игоря Карнея", "Игорь Карней")
    assert ihar["key"] == igor["key"]
    plain = monitor("names", str(files[1]))
    assert "Игорь Карней (written 'Игоря Карнея')" in plain.stdout


def test_names_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = monitor("names", str(tmp_path / "nothing.txt"))
    assert result.returncode == 2 and "nothing.txt" in result.stderr
