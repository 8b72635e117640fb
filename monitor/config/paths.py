"""Relative paths in a config file mean the file's folder: a Config and that folder in, the
same Config with those paths made absolute out.

So `monitor --config /etc/monitor/monitor.toml run` finds `rules = ["rules"]` in
/etc/monitor/rules whatever the working directory. Only what the file sets is resolved; the
embedded defaults (no file, or a key left out) keep their own lookup (config.bundled).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from monitor.config.schema import Config, FeedConfig, RouteConfig

SQLITE = "sqlite:///"


def resolve_paths(config: Config, base: Path) -> Config:
    """`config` with every relative path it sets resolved against `base`."""
    given = config.model_fields_set
    update: dict[str, object] = {}
    for key in ("data_dir", "outbox_dir", "templates_dir"):
        value = getattr(config, key)
        if key in given and value is not None:
            update[key] = _under(base, value)
    if "rules" in given:
        update["rules"] = tuple(_under(base, path) for path in config.rules)
    if "database_url" in given and config.database_url:
        update["database_url"] = _sqlite_under(base, config.database_url)
    if "feeds" in given:
        update["feeds"] = tuple(_feed(base, feed) for feed in config.feeds)
    if "routes" in given:
        update["routes"] = tuple(_route(base, route) for route in config.routes)
    return config.model_copy(update=update)


def _under(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else base / path


def _sqlite_under(base: Path, url: str) -> str:
    """'sqlite:///var/monitor.db' -> 'sqlite:////etc/monitor/var/monitor.db'."""
    if not url.startswith(SQLITE) or url == SQLITE + ":memory:":
        return url
    path = Path(url.removeprefix(SQLITE))
    return url if path.is_absolute() or str(path).startswith("file:") else SQLITE + str(base / path)


def _feed(base: Path, feed: FeedConfig) -> FeedConfig:
    """A plain local path (no URL scheme) is resolved; URLs stay as they are."""
    parts = urlsplit(feed.url)
    local = parts.scheme == "" or (len(parts.scheme) == 1 and feed.url[1:2] == ":")
    if not local or Path(feed.url).is_absolute():
        return feed
    return feed.model_copy(update={"url": str(base / feed.url)})


def _route(base: Path, route: RouteConfig) -> RouteConfig:
    if route.templates_dir is None:
        return route
    return route.model_copy(update={"templates_dir": _under(base, route.templates_dir)})
