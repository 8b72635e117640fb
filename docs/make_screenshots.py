"""Regenerate docs/status-wide.png (1280 wide) and docs/status-phone.png (390 wide): the
bundled seeds and rules run once at a fixed time, the status page served on loopback and
photographed by headless Chromium (Debian's /usr/bin/chromium, driven by Playwright); and
docs/digest-wide.png and digest-phone.png, the first screen of docs/digest-example.html
(made by docs/make_example.py) in a desktop and a phone browser.

Usage: python docs/make_screenshots.py [OUTPUT_DIR]
Needs `apt-get install -y chromium` and `pip install playwright` (never `playwright install`).
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

from monitor.config.routes import resolve_routes
from monitor.config.schema import config_from_dict
from monitor.config.settings import Settings
from monitor.fetch import Fetcher
from monitor.run.pipeline import Pipeline
from monitor.store import Store
from monitor.web.app import create_app
from monitor.web.server import start

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime(2024, 4, 23, 7, 0, tzinfo=UTC)  # the morning after the seed articles
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# name -> (viewport width, height, whole page): the phone shot shows the first screens only.
SHOTS = {"status-wide.png": (1280, 900, True), "status-phone.png": (390, 1600, False)}
DIGEST_SHOTS = {"digest-wide.png": (1100, 1400, False), "digest-phone.png": (420, 1400, False)}


def make_screenshots(output: Path) -> list[Path]:
    """Run the pipeline on the defaults in a temp folder, serve the page, photograph it."""
    with tempfile.TemporaryDirectory() as temp:
        config = config_from_dict(
            {
                "data_dir": temp,
                "feeds": [{"name": "seeds", "url": str(ROOT / "seeds")}],
                "rules": [str(ROOT / "rules")],
                "routes": [{"name": "morning", "outbox": True, "timezone": "Europe/Minsk"}],
            }
        )
        settings = Settings(config, resolve_routes(config, "make_screenshots"))
        store, fetcher = Store.open(config.db_url), Fetcher(config.user_agent)
        pipeline = Pipeline(settings, store, fetcher, lambda: WHEN)
        try:
            pipeline.run_once()
            app = create_app(
                settings, store, rules=lambda: pipeline.rules.active, ticks=lambda: WHEN,
                now=lambda: WHEN,
            )  # fmt: skip
            server = start(settings, app, listen="127.0.0.1:0")
            try:
                page = _photograph(server.url + "/", output, SHOTS)
            finally:
                server.stop()
            digest = (ROOT / "docs" / "digest-example.html").as_uri()
            return page + _photograph(digest, output, DIGEST_SHOTS)
        finally:
            pipeline.close()
            fetcher.close()
            store.close()


def _photograph(
    url: str, output: Path, shots: dict[str, tuple[int, int, bool]]
) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, (width, height, whole) in shots.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(url)
                page.screenshot(path=str(output / name), full_page=whole)
                page.close()
                written.append(output / name)
        finally:
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    for path in make_screenshots(args.output):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
