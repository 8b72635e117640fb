"""Log lines: context keys appear in both formats; JSON lines parse; one setup per process."""

from __future__ import annotations

import json
import logging

import pytest

from monitor import logs


def record(**context: object) -> logging.LogRecord:
    args = ("HTTP 500",)
    made = logging.LogRecord("monitor.poll", logging.WARNING, "x.py", 1, "failed: %s", args, None)
    for key, value in context.items():
        setattr(made, key, value)
    return made


def test_text_lines_carry_the_context_passed_with_extra() -> None:
    line = logs.TextFormatter().format(record(feed="rferl", url="https://x.example/f"))
    assert line.endswith(
        "WARNING monitor.poll: failed: HTTP 500 [feed=rferl url=https://x.example/f]"
    )


def test_text_lines_without_context_have_no_brackets() -> None:
    assert logs.TextFormatter().format(record()).endswith("monitor.poll: failed: HTTP 500")


def test_json_lines_have_stable_keys() -> None:
    entry = json.loads(logs.JsonFormatter().format(record(route="desk", delivery=7)))
    assert {k: entry[k] for k in ("level", "logger", "message", "route", "delivery")} == {
        "level": "WARNING", "logger": "monitor.poll", "message": "failed: HTTP 500",
        "route": "desk", "delivery": "7",
    }  # fmt: skip
    assert entry["time"].endswith("+00:00")


def test_setup_replaces_handlers_and_quiets_libraries(capsys: pytest.CaptureFixture[str]) -> None:
    logs.setup(logging.INFO, "json")
    logging.getLogger("monitor.test").info("hello", extra={"feed": "f"})
    logging.getLogger("httpx").info("GET http://x")
    lines = capsys.readouterr().err.splitlines()
    assert [json.loads(line)["message"] for line in lines] == ["hello"]
