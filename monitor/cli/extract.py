"""`monitor extract`: what monitor takes from a page or file, as it will be matched.

In: parsed arguments (files, folders, feeds or URLs, read as `check` reads them). Out: per
article its title, published time, language and text (JSON with --json: one object per
article with `file`, `url`, `title`, `published`, `language`, `text`); exit 2 for input that
cannot be read.
"""

from __future__ import annotations

import argparse
import json

from monitor.cli.inputs import Inputs
from monitor.config import config_file
from monitor.fetch import Fetcher


def cmd_extract(args: argparse.Namespace) -> int:
    inputs = Inputs(args.files)
    with Fetcher(config_file(args.config).user_agent) as fetcher:
        for name, article in inputs.articles(fetcher):
            published = article.published.isoformat() if article.published else None
            if args.json:
                record = {"file": name, "url": article.url, "title": article.title,
                          "published": published, "language": article.language,
                          "text": article.text}  # fmt: skip
                print(json.dumps(record, ensure_ascii=False))
                continue
            print(f"== {name}: {article.title}")
            print(f"   {article.url or '-'} · {published or 'no date'} · "
                  f"{article.language or 'language unknown'}\n")  # fmt: skip
            print(article.text, end="\n\n")
    return inputs.status
