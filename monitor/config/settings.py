"""What a process runs with, validated to the end when it loads.

In: the config file's path (``--config``, else ``$MONITOR_CONFIG``, else none: the
embedded defaults). Out: ``Settings``: the Config (relative paths meaning the file's
folder) and its Routes resolved into typed targets with compiled templates, so a mistake
anywhere surfaces at load, never at the first digest. `secrets=True` also checks every
secret the config names is readable.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from monitor.config.paths import resolve_paths
from monitor.config.routes import Route, find_route, resolve_routes
from monitor.config.schema import CONFIG_ENV, Config, FeedConfig, load_config
from monitor.model import Feed, networks


@dataclass(frozen=True)
class Settings:
    config: Config
    routes: tuple[Route, ...]
    path: str | None = None
    fingerprint: str = ""  # of the file as loaded, to notice an edit
    feeds: tuple[Feed, ...] = field(init=False)  # the config's feeds, resolved from it

    def __post_init__(self) -> None:
        object.__setattr__(self, "feeds", resolve_feeds(self.config))

    def enabled_feeds(self) -> list[Feed]:
        return [feed for feed in self.feeds if feed.enabled]

    def feed(self, name: str) -> Feed | None:
        """An enabled feed by name (None: not configured, or disabled)."""
        return self._enabled.get(name)

    @cached_property
    def _enabled(self) -> dict[str, Feed]:
        return {feed.name: feed for feed in self.enabled_feeds()}

    def route(self, name: str) -> Route:
        return find_route(self.routes, name)

    def changed(self) -> bool:
        """Whether the file differs from what was loaded (a broken edit counts too)."""
        return file_fingerprint(self.path) != self.fingerprint


def load_settings(path: str | None = None, *, secrets: bool = False) -> Settings:
    """Load and validate everything; ConfigError listing every problem with its key."""
    path = path or os.environ.get(CONFIG_ENV) or None
    fingerprint = file_fingerprint(path)
    config = config_file(path)
    routes = resolve_routes(config, path or "config", secrets=secrets)
    return Settings(config, routes, path, fingerprint)


def resolve_feeds(config: Config) -> tuple[Feed, ...]:
    """The config's feeds as the stages take them (networks were checked at load)."""
    return tuple(_feed(feed) for feed in config.feeds)


def _feed(feed: FeedConfig) -> Feed:
    return Feed(
        name=feed.name, url=feed.url, interval=feed.interval, language=feed.language,
        full_text=feed.full_text, allow_networks=networks(feed.allow_networks),
        tags=feed.tags, enabled=feed.enabled, history_posts=feed.history_posts,
        history=feed.history,
    )  # fmt: skip


def config_file(path: str | None = None) -> Config:
    """The config alone (for commands that need no routes), its paths resolved."""
    path = path or os.environ.get(CONFIG_ENV) or None
    config = load_config(path)
    return resolve_paths(config, Path(path).resolve().parent) if path else config


def file_fingerprint(path: str | None) -> str:
    if not path:
        return ""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
