"""Routes: which rules a route takes and where its digests go (pure).

In: a RouteConfig, the Config and the RuleSet. Out: the rule ids the route carries and the
(channel, target) pairs each of its digests is owed to.
"""

from __future__ import annotations

from monitor.config import Config, RouteConfig
from monitor.errors import ConfigError
from monitor.model import RuleSet


def find_route(config: Config, name: str) -> RouteConfig:
    for route in config.routes:
        if route.name == name:
            return route
    known = ", ".join(r.name for r in config.routes)
    raise ConfigError(f"no route named {name!r} (configured: {known})")


def rule_ids(route: RouteConfig, rules: RuleSet) -> set[str] | None:
    """The rules a route takes, by id and by tag; None (every rule) when it names neither."""
    if not route.rules and not route.tags:
        return None
    tags = set(route.tags)
    return {r.id for r in rules.all() if r.id in route.rules or tags & set(r.tags)}


def targets(route: RouteConfig, config: Config) -> list[tuple[str, str]]:
    """One (channel, target) per send a digest of this route is owed."""
    owed = [("outbox", str(config.outbox))] if route.outbox else []
    if route.email_mode == "bcc" and route.email:
        owed.append(("email-bcc", ", ".join(route.email)))
    else:
        owed += [("email", address) for address in route.email]
    owed += [("webhook", name) for name in route.webhooks]
    owed += [("apprise", url) for url in route.apprise]
    return owed
