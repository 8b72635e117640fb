"""Log lines: context keys appear in both formats; JSON lines parse; one setup per process."""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitor import logs
from tests.conftest import ROOT, RULES, SEEDS
from tests.support.sink import WebhookSink
from tests.support.smtp import PASSWORD, USERNAME, SmtpSink, TlsFiles


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


def test_no_secret_reaches_the_logs_even_in_debug(
    tmp_path: Path,
    smtp_starttls_server: SmtpSink,
    tls_files: TlsFiles,
    webhook_sink: WebhookSink,
) -> None:
    """A real run with SMTP AUTH, a signed webhook and an Apprise token, logging everything
    (-vv, both formats): the password, the signing secret and the token appear nowhere."""
    secret = "whsec_" + base64.b64encode(b"log-test-signing-key-32-bytes!!!").decode()
    token = "tok3n-LogTest-77"
    apprise_url = webhook_sink.url.replace("http://", "json://monitor:${LOG_TEST_TOKEN}@")
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "var"}"\nrules = ["{RULES}"]\n'
        f'[[feeds]]\nname = "seeds"\nurl = "{SEEDS}"\n'
        f'[smtp]\nhost = "{smtp_starttls_server.host}"\nport = {smtp_starttls_server.port}\n'
        f'security = "starttls"\nusername = "{USERNAME}"\npassword_env = "LOG_TEST_SMTP"\n'
        'from = "Monitor <monitor@example.org>"\n'
        f'[webhooks.ngo]\nurl = "{webhook_sink.url}"\nsecret_env = "LOG_TEST_WHSEC"\n'
        '[[routes]]\nname = "desk"\nemail = ["desk@example.org"]\nwebhooks = ["ngo"]\n'
        f'apprise = ["{apprise_url}"]\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOG_TEST_SMTP": PASSWORD,
           "LOG_TEST_WHSEC": secret, "LOG_TEST_TOKEN": token,
           "SSL_CERT_FILE": str(tls_files.cert)}  # fmt: skip
    outputs = []
    for log_format in ("text", "json"):
        result = subprocess.run(
            [sys.executable, "-m", "monitor", "-vv", "--log-format", log_format,
             "--config", str(config), "run", "--once"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout + result.stderr)
    assert smtp_starttls_server.messages and len(webhook_sink.requests) >= 2  # all sent
    logged = "\n".join(outputs)
    assert "DEBUG" in logged  # debug logging was on
    for value in (PASSWORD, secret, secret.removeprefix("whsec_"), token):
        assert value not in logged
