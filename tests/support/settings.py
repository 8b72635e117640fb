"""Settings for tests: a config as a dict in, validated Settings out (as if loaded from a file)."""

from __future__ import annotations

from typing import Any

from monitor.config.routes import resolve_routes
from monitor.config.schema import config_from_dict
from monitor.config.settings import Settings


def settings_from(
    data: dict[str, Any], origin: str = "monitor.toml", *, secrets: bool = False
) -> Settings:
    config = config_from_dict(data, origin)
    return Settings(config, resolve_routes(config, origin, secrets=secrets))
