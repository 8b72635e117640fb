"""The status page in a real browser: Debian's Chromium driven by Playwright, on the app served
over loopback after a real run on the seeds. Checks what a person sees: the feeds table, the
chart, the highlighted evidence, a search submitted through the form, no CSP violation, and
no sideways scrolling on a phone.

Skips, saying why, without /usr/bin/chromium (or $MONITOR_CHROMIUM) or the playwright
package; with MONITOR_REQUIRE_BROWSER=1 (as CI sets) it fails instead.
MONITOR_SCREENSHOTS=DIR saves screenshots there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import Site, serve_seeds

# Debian's package; MONITOR_CHROMIUM names another build (e.g. on a developer's laptop).
CHROMIUM = os.environ.get("MONITOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
HIGHLIGHT = "rgb(255, 224, 102)"  # the <mark> background of the page's style


def _missing() -> list[str]:
    found = Path(CHROMIUM).exists()
    missing = [] if found else [f"Chromium at {CHROMIUM} (apt-get install -y chromium)"]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install playwright)")
    return missing


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if missing := _missing():
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("MONITOR_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with serve_seeds(tmp_path) as served:
        yield served


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    """A fresh page at 1280x900 whose console errors (CSP violations among them) are kept
    in `page.problems`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    opened.problems = []
    opened.on("console", lambda m: m.type == "error" and opened.problems.append(m.text))
    opened.on("pageerror", lambda error: opened.problems.append(str(error)))
    yield opened
    context.close()


def screenshot(page: Any, name: str) -> None:
    if folder := os.environ.get("MONITOR_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_the_page_shows_feeds_chart_and_highlighted_evidence(page: Any, site: Site) -> None:
    page.goto(site.server.url + "/")
    assert page.title() == "monitor · status"
    rows = page.locator("#feeds tbody tr")
    assert rows.count() == 1
    assert "seeds" in rows.first.inner_text() and "ok" in rows.first.inner_text()
    charts = page.locator("#mentions svg.bars")
    assert charts.count() >= 5
    assert charts.first.bounding_box()["width"] > 250
    assert page.locator("#mentions svg.bars rect").count() >= 8
    mark = page.locator("#latest mark", has_text="Viktar Babaryka").first
    assert mark.is_visible()
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") == HIGHLIGHT
    screenshot(page, "status-wide")
    assert page.problems == []


def test_a_search_submitted_through_the_form_lists_highlighted_results(
    page: Any, site: Site
) -> None:
    page.goto(site.server.url + "/")
    assert page.locator("#search .results").count() == 0
    page.fill("#search input[name=q]", "babaryka")
    page.select_option("#search select[name=kind]", "person")
    page.click("#search button[type=submit]")
    page.wait_for_url("**/?q=babaryka*#search")
    assert "kind=person" in page.url
    assert "mentions found" in page.locator("#found").inner_text()
    stories = page.locator("#search .results article")
    assert stories.count() >= 3
    assert page.locator("#search .results mark").count() >= stories.count()  # each says why
    assert page.locator("#search .results mark", has_text="Viktar Babaryka").count() >= 1
    assert page.input_value("#search input[name=q]") == "babaryka"  # the form remembers
    screenshot(page, "status-search")
    assert page.problems == []


def test_on_a_phone_the_page_fits_the_screen(browser: Any, site: Site) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    try:
        phone.goto(site.server.url + "/")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        state = phone.locator("#feeds td[data-label=State]").first
        assert state.is_visible()
        assert phone.locator("#search input[name=q]").bounding_box()["width"] > 250
        screenshot(phone, "status-phone")
    finally:
        context.close()
