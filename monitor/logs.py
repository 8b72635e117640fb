"""Logging set up once for the process: a level and a format in, handlers on the root out.

Context travels as `extra=` keys with stable names (CONTEXT_KEYS: feed, rule, route,
channel, delivery, target...). The text format appends them as `key=value` after the
message; the JSON format (one object per line, for log collectors) carries them as fields.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

CONTEXT_KEYS = ("feed", "rule", "route", "channel", "delivery", "target", "article", "url")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Every HTTP request at INFO is noise; so is APScheduler's "job executed" chatter.
NOISY = ("httpx", "httpcore", "apscheduler")


def context(record: logging.LogRecord) -> dict[str, Any]:
    return {key: getattr(record, key) for key in CONTEXT_KEYS if hasattr(record, key)}


class TextFormatter(logging.Formatter):
    """The message, then its context as `key=value` pairs."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        pairs = " ".join(f"{key}={value}" for key, value in context(record).items())
        line = super().formatMessage(record)
        return f"{line} [{pairs}]" if pairs else line


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, context, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **{key: str(value) for key, value in context(record).items()},
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup(level: int, fmt: str = "text", *, libraries: int = logging.WARNING) -> None:
    """Send records at `level` and above to stderr in `fmt` ('text' or 'json')."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in NOISY:
        logging.getLogger(name).setLevel(libraries)
