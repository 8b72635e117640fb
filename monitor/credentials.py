"""Secrets from the environment: a variable's name in, its value (or why it is missing) out.

A secret is read from `$NAME`, else from the file named by `$NAME_FILE` (systemd
credentials, Docker secrets), trailing newline dropped. Values travel as pydantic
SecretStr, so a stray print or log line shows `**********`, never the secret.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import SecretStr

from monitor.errors import ConfigError


def read_secret(env_name: str, env: Mapping[str, str] = os.environ) -> SecretStr | None:
    """The secret, None when neither variable is set; ConfigError for an unreadable file."""
    if (value := env.get(env_name)) is not None:
        return SecretStr(value)
    if path := env.get(f"{env_name}_FILE"):
        try:
            return SecretStr(Path(path).read_text(encoding="utf-8").rstrip("\r\n"))
        except OSError as exc:
            raise ConfigError(f"${env_name}_FILE: cannot read {path}: {exc.strerror}") from exc
    return None


def missing_secret(env_name: str, key: str, env: Mapping[str, str] = os.environ) -> str | None:
    """Why the secret `key` names cannot be read now, or None when it can."""
    try:
        secret = read_secret(env_name, env)
    except ConfigError as exc:
        return f"{key}: {exc}"
    if secret is None:
        return f"{key}: ${env_name} is not set (nor ${env_name}_FILE)"
    if not secret.get_secret_value():
        where = f"${env_name}" if env.get(env_name) is not None else f"${env_name}_FILE's file"
        return f"{key}: {where} is set but empty"
    return None
