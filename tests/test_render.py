"""Digest rendering: fixed alerts in, subject/text/HTML checked against golden files and
against what a reader must see (escaping, highlighting, local times, grouping, footer)."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest

from monitor.config.schema import config_from_dict
from monitor.errors import ConfigError
from monitor.model import Alert, Article, Candidate, Digest, Evidence, Match, RuleKind
from monitor.oneline import shorten
from monitor.render import (
    FORMATS,
    LANGUAGES,
    Footer,
    Look,
    Volume,
    load_templates,
    render_digest,
    texts,
)
from tests.support.digests import (
    COURT_SHA256,
    FOOTER,
    NOW,
    RFERL_SHA256,
    SAMPLE_CHANGE,
    sample_alerts,
    sample_digest,
)

GOLDEN = Path(__file__).parent / "golden"


def render(
    route: str,
    alerts: Sequence[Alert],
    now: datetime,
    *,
    timezone: str = "UTC",
    language: str = "en",
    templates_dir: Path | None = None,
    footer: Footer | None = None,
) -> Digest:
    look = Look(load_templates(templates_dir), timezone, language)
    return render_digest(route, alerts, now, look=look, key="dg_test", footer=footer)


@pytest.mark.parametrize(
    ("part", "golden"),
    [("subject", "subject.txt"), ("text", "digest.txt"), ("html", "digest.html")],
)
def test_default_templates_match_golden_files(part: str, golden: str) -> None:
    """Regenerate with UPDATE_GOLDEN=1 after a deliberate template change, then review."""
    rendered = getattr(sample_digest(), part)
    path = GOLDEN / golden
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


def test_html_escapes_article_text() -> None:
    html = sample_digest().html
    assert "<script>" not in html and "<b>live</b>" not in html
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Protest &amp; &#34;solidarity&#34;" in html
    )


def test_only_http_links_are_clickable() -> None:
    html = sample_digest().html
    assert "javascript:" not in html
    assert '<a href="https://www.rferl.example/a/babaryka-hospital/1.html"' in html


def test_subject_is_one_line_without_injected_header() -> None:
    subject = sample_digest().subject
    assert subject.startswith("monitor: 4 new mentions — Maria Kalesnikava, ")
    assert not any(char in subject for char in "\r\n\x00")
    text = sample_digest().text
    assert "Kalesnikava seen in court Bcc: attacker@example.org" in text
    assert "\r" not in text


def test_long_subject_is_cut_after_a_whole_name() -> None:
    names = [f"Political Prisoner Number {i}" for i in range(20)]
    alerts = [_alert(i, name) for i, name in enumerate(names)]
    subject = render("r", alerts, NOW).subject
    assert len(subject) <= 150
    assert subject.endswith(", …")
    shown = subject.removesuffix(", …").split(" — ")[1].split(", ")
    assert len(shown) >= 3 and shown == sorted(names)[: len(shown)]


def test_hit_is_highlighted_in_both_parts() -> None:
    digest = sample_digest()
    assert '<mark style="background:#ffe066;color:#000000;">Ціханоўскі</mark>' in digest.html
    assert "Сяргей «Ціханоўскі» расказаў" in digest.text


def test_times_are_shown_in_the_route_time_zone() -> None:
    digest = sample_digest()
    assert "RFE/RL, Nasha Niva · 2026-11-25 21:40 +03" in digest.text  # 18:40 UTC
    assert "Zerkalo · 2026-11-25 12:00 +03" in digest.text  # naive 09:00 taken as UTC
    utc = render("r", sample_alerts(), NOW, timezone="UTC").text
    assert "RFE/RL, Nasha Niva · 2026-11-25 18:40 UTC" in utc


def test_groups_by_rule_high_priority_first_and_merges_syndicated_copies() -> None:
    text = sample_digest().text
    headings = [line for line in text.splitlines() if line.startswith("== ")]
    assert headings == [
        "== Maria Kalesnikava (person, high priority) ==",
        "== Protest in Minsk (event) ==",
        "== Syarhey Tsikhanouski (person) ==",
        "== Viktar Babaryka (person) ==",
        "== Changed or removed since archived ==",  # after the alerts
        "== Not on your list yet ==",
    ]
    assert text.count("* Babaryka moved to prison hospital") == 1


def test_each_story_shows_the_hash_and_time_of_its_archived_copy() -> None:
    digest = sample_digest()
    # Two syndicated copies, one archived page: the story shows it once, in local time.
    line = f"archived copy: sha256 {RFERL_SHA256} · 2026-11-25 22:00 +03"
    assert digest.text.count(line) == 1
    assert (
        f'<code style="font-size:11px;">{RFERL_SHA256}</code> · 2026-11-25 22:00 +03' in digest.html
    )
    # A body that could not be written is said so, with its hash: never silently.
    assert f"not archived, hash only: sha256 {COURT_SHA256}" in digest.text
    assert "No space left on device" in digest.text and COURT_SHA256 in digest.html


def test_removed_pages_are_reported_with_their_archived_hash() -> None:
    digest = sample_digest()
    section = digest.text.split("== Changed or removed since archived ==")[1]
    assert "* removed: https://nashaniva.example/409876" in section
    assert "Babaryka's lawyer disbarred" in section and "HTTP 404 Not Found" in section
    assert f"archived copy: sha256 {SAMPLE_CHANGE.sha256}" in section
    assert f"{SAMPLE_CHANGE.sha256}</code>" in digest.html
    ru = sample_digest(language="ru")
    assert "Изменены или удалены после архивирования" in ru.text and "удалено:" in ru.text


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("en", ["why: surname, with 'prison' in the article", "why: named in full",
                "why: 'detained' within 20 words of 'Minsk'"]),
        ("ru", ["почему: фамилия и «prison» в статье", "почему: названы имя и фамилия",
                "почему: «detained» в пределах 20 слов от «Minsk»"]),
        ("be", ["чаму: прозвішча і «prison» у артыкуле", "чаму: названыя імя і прозвішча",
                "чаму: «detained» у межах 20 слоў ад «Minsk»"]),
    ],
)  # fmt: skip
def test_why_it_matched_is_one_short_phrase_in_the_digests_language(
    language: str, phrases: list[str]
) -> None:
    """The reader's words, not the matcher's: no variant, no language codes, no '*'."""
    digest = sample_digest(language=language)
    for part in (digest.text, html.unescape(digest.html)):  # the page escapes the quotes
        assert [phrase for phrase in phrases if phrase not in part] == []
        assert "context term" not in part and "surname Babaryka (en)" not in part
    kalesnikava = digest.text.split("== Maria Kalesnikava")[1].split("==")[1]
    assert "why:" not in kalesnikava  # stored without a basis: nothing said


def test_footer_lists_problems_and_is_absent_without_them() -> None:
    with_footer = sample_digest()
    for item in (*FOOTER.failing_feeds, *FOOTER.rule_errors, *FOOTER.dead_deliveries):
        assert item in with_footer.text and item in with_footer.html
    plain = render("r", sample_alerts(), NOW)
    assert "Failing feeds" not in plain.text and "Failing feeds" not in plain.html


def test_digest_keeps_the_alerts_it_carries_route_and_time() -> None:
    alerts = sample_alerts()
    digest = render("belarus", alerts, NOW)
    assert (digest.route, digest.created, digest.key) == ("belarus", NOW, "dg_test")
    assert digest.match_ids == tuple(alert.match_id for alert in alerts)


def test_no_alerts_but_problems_still_renders() -> None:
    digest = render("r", [], NOW, footer=Footer(failing_feeds=("x: HTTP 500",)))
    assert digest.subject == "monitor: no new mentions (1 failing feed)"
    assert "x: HTTP 500" in digest.text


def test_long_snippet_is_clipped_around_the_hit() -> None:
    snippet = "word " * 100 + "Babaryka" + " word" * 100
    digest = render("r", [_alert(1, "Viktar Babaryka", snippet=snippet)], NOW)
    quoted = next(line for line in digest.text.splitlines() if "«Babaryka»" in line)
    assert quoted.strip().startswith('"…word') and quoted.strip().endswith('word…"')
    assert len(quoted) < 400


def test_user_template_overrides_one_default(tmp_path: Path) -> None:
    (tmp_path / "subject.txt.j2").write_text("[{{ route }}] {{ names | join(' / ') }}")
    digest = render("r", sample_alerts(), NOW, templates_dir=tmp_path)
    assert digest.subject.startswith("[r] Maria Kalesnikava / Protest in Minsk")
    assert digest.text == render("r", sample_alerts(), NOW).text


def test_user_template_runs_in_a_sandbox(tmp_path: Path) -> None:
    (tmp_path / "digest.txt.j2").write_text("{{ route.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(ConfigError, match=r"^template digest\.txt\.j2: .*unsafe"):
        render("r", sample_alerts(), NOW, templates_dir=tmp_path)


def test_unknown_variable_in_user_template_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "digest.html.j2").write_text("{{ stories }}")
    with pytest.raises(ConfigError, match=r"^template digest\.html\.j2: 'stories' is undefined$"):
        render("r", sample_alerts(), NOW, templates_dir=tmp_path)


def test_syntax_error_in_user_template_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "digest.txt.j2").write_text("ok\n{% for x in %}\n")
    with pytest.raises(ConfigError, match=r"digest\.txt\.j2:2: "):
        render("r", sample_alerts(), NOW, templates_dir=tmp_path)


def test_missing_templates_dir_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"templates_dir: .*nope is not a folder$"):
        render("r", sample_alerts(), NOW, templates_dir=tmp_path / "nope")


def test_shorten_prefers_name_boundaries() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("monitor: 2 — Alpha Beta, Gamma Delta", 30) == "monitor: 2 — Alpha Beta, …"


def _alert(match_id: int, name: str, snippet: str = "") -> Alert:
    article = Article(title=f"News about {name}", text=snippet or f"{name} is in prison.")
    hit = name.split()[-1]
    evidence = Evidence(hit, snippet or article.text, 0, len(hit))
    match = Match(name.lower().replace(" ", "-"), RuleKind.PERSON, name, (evidence,))
    return Alert(match_id, article, match)


# --- language of the fixed texts -----------------------------------------------------------


@pytest.mark.parametrize("language", ["ru", "be"])
@pytest.mark.parametrize(("part", "golden"), [("subject", "subject"), ("text", "digest")])
def test_translated_digests_match_golden_files(language: str, part: str, golden: str) -> None:
    """Regenerate with UPDATE_GOLDEN=1 after a deliberate change, then have a native reader
    review the diff."""
    rendered = getattr(sample_digest(language=language), part)
    path = GOLDEN / f"{golden}.{language}.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("ru", ["4 новых упоминания · рассылка belarus", "человек", "событие",
                "высокий приоритет", "почему: ", "Источники с ошибками",
                "Ошибки в файлах правил", "Не доставлено (попытки прекращены)"]),
        ("be", ["4 новыя згадкі · рассылка belarus", "асоба", "падзея", "высокі прыярытэт",
                "чаму: ", "Крыніцы з памылкамі", "Памылкі ў файлах правіл",
                "Не дастаўлена (спробы спынены)"]),
    ],
)  # fmt: skip
def test_translated_html_has_every_fixed_text(language: str, phrases: list[str]) -> None:
    html = sample_digest(language=language).html
    assert f'<html lang="{language}">' in html
    assert [phrase for phrase in phrases if phrase not in html] == []
    for english in ("new mention", "high priority", "why:", "Failing feeds", "Undelivered"):
        assert english not in html


@pytest.mark.parametrize(
    ("count", "ru", "be"),
    [(1, "1 новое упоминание", "1 новая згадка"), (2, "2 новых упоминания", "2 новыя згадкі"),
     (5, "5 новых упоминаний", "5 новых згадак"), (11, "11 новых упоминаний", "11 новых згадак"),
     (12, "12 новых упоминаний", "12 новых згадак"), (21, "21 новое упоминание", "21 новая згадка"),
     (24, "24 новых упоминания", "24 новыя згадкі"),
     (111, "111 новых упоминаний", "111 новых згадак")],
)  # fmt: skip
def test_plural_forms_follow_the_number(count: int, ru: str, be: str) -> None:
    assert texts("ru").plural(count, "new_mentions") == ru
    assert texts("be").plural(count, "new_mentions") == be
    english = "1 new mention" if count == 1 else f"{count} new mentions"
    assert texts("en").plural(count, "new_mentions") == english


def test_every_language_has_every_text() -> None:
    english = texts("en")
    for language in LANGUAGES:
        words = texts(language)
        assert set(words.words) == set(english.words), language
        assert set(words.plurals) == set(english.plurals), language
        assert all(len(forms) == (2 if language == "en" else 3) for forms in words.plurals.values())


def test_empty_digest_subject_is_translated() -> None:
    assert render("r", [], NOW, language="be").subject == "monitor: новых згадак няма"


def test_unknown_language_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"^language 'de': expected one of en, ru, be$"):
        render("r", sample_alerts(), NOW, language="de")


def test_a_route_with_an_unknown_language_does_not_load() -> None:
    with pytest.raises(
        ConfigError, match=r"^c: routes\[0\]\.language: Input should be 'en', 'ru' or 'be'"
    ):
        config_from_dict({"routes": [{"name": "r", "language": "de"}]}, "c")


def test_a_digest_showing_part_of_a_flood_states_the_total_in_every_form() -> None:
    alerts = sample_alerts()[:2]  # two Babaryka alerts shown ...
    volume = Volume(10_182, {"babaryka": 9_000}, (("Paval Latushka", 1_180),))  # ... of many
    look = Look(load_templates(None), "UTC", "ru", FORMATS)
    digest = render_digest("r", alerts, NOW, look=look, key="dg_1", volume=volume)
    # CLDR: a number ending in 2 takes the "few" form; a subject line uses plain spaces.
    assert digest.subject.startswith("monitor: 10 182 новых упоминания — Viktar Babaryka")
    assert "Показаны 2 самых весомых из 10\u00a0182 новых упоминаний" in digest.text
    assert "… и ещё 9\u00a0000 упоминаний, не показаны" in digest.text
    assert "Paval Latushka (1\u00a0180)" in digest.text and "Paval Latushka" in digest.html
    assert json.loads(digest.bodies["standard"])["total_mentions"] == 10_182
    assert "и ещё 9\u00a0000 упоминаний" in json.loads(digest.bodies["slack"])["text"]


def test_a_rule_matching_much_of_the_days_news_is_called_too_broad() -> None:
    volume = Volume(5, broad=(("Viktar Babaryka", 300, 1000),))
    digest = render_digest("r", sample_alerts(), NOW, look=Look(load_templates(None)),
                           key="dg_1", volume=volume)  # fmt: skip
    assert (
        "! Viktar Babaryka matched 300 of the 1,000 articles seen in the last 24 hours (30%): "
        "the rule is probably too broad" in digest.text
    )


def _candidate(n: int) -> Candidate:
    return Candidate(
        key=f"K:{n}", name=f"Person {n}", variants=(f"Person {n}",), articles=1,
        sources=("RFE/RL",), first_seen=NOW, last_seen=NOW,
        sentences=(f"Police <b>detained</b> Person {n} on Monday.",),
    )  # fmt: skip


def test_people_not_on_the_list_are_shown_bounded_escaped_and_in_the_payload() -> None:
    look = Look(load_templates(None), "UTC", "be", FORMATS)
    people = [_candidate(n) for n in range(13)]
    digest = render_digest("r", sample_alerts()[:1], NOW, look=look, key="dg_1",
                           candidates=people)  # fmt: skip
    assert "== Яшчэ не ў вашым спісе ==" in digest.text
    assert "Person 9" in digest.text and "Person 10" not in digest.text
    assert "… і яшчэ 3 чалавекі: monitor candidates" in digest.text
    assert "Police &lt;b&gt;detained&lt;/b&gt; Person 0" in digest.html
    assert "<b>detained</b>" not in digest.html
    payload = json.loads(digest.bodies["standard"])
    assert [c["key"] for c in payload["candidates"]] == [f"K:{n}" for n in range(10)]
    assert payload["candidates"][0]["sentences"] == ["Police <b>detained</b> Person 0 on Monday."]


def test_without_candidates_there_is_no_section() -> None:
    digest = render("r", sample_alerts()[:1], NOW)
    assert "Not on your list yet" not in digest.text + digest.html
