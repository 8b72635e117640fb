"""Regenerate docs/digest-example.html: the bundled seeds and rules in, the digest that
`monitor run --once` writes to its outbox out, at a fixed time so the file is reproducible.

Usage: python docs/make_example.py [OUTPUT] [--language en|ru|be]
(tests/test_digest_docs.py checks that the committed file is what this makes.)
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from monitor.config.routes import resolve_routes
from monitor.config.schema import config_from_dict
from monitor.config.settings import Settings
from monitor.fetch import Fetcher
from monitor.run.pipeline import Pipeline
from monitor.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "digest-example.html"
WHEN = datetime(2024, 4, 23, 7, 0, tzinfo=UTC)  # the morning after the seed articles


def make_example(output: Path, language: str = "en") -> Path:
    """Run the real pipeline on the defaults in a temp folder; copy the outbox .html."""
    with tempfile.TemporaryDirectory() as temp:
        config = config_from_dict(
            {
                "data_dir": temp,
                "feeds": [{"name": "seeds", "url": str(ROOT / "seeds")}],
                "rules": [str(ROOT / "rules")],
                "routes": [{"name": "digest", "outbox": True, "language": language}],
            }
        )
        settings = Settings(config, resolve_routes(config, "make_example"))
        store, fetcher = Store.open(config.db_url), Fetcher(config.user_agent)
        pipeline = Pipeline(settings, store, fetcher, lambda: WHEN)
        try:
            pipeline.run_once()
        finally:
            pipeline.close()
            fetcher.close()
            store.close()
        [html] = (config.outbox).glob("*.html")
        shutil.copyfile(html, output)
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=EXAMPLE)
    parser.add_argument("--language", choices=("en", "ru", "be"), default="en")
    args = parser.parse_args()
    print(f"wrote {make_example(args.output, args.language)}")


if __name__ == "__main__":
    main()
