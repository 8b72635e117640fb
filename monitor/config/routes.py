"""Routes resolved when the config loads: the config's [[routes]] in, typed Routes out.

A Route knows which rules it takes, when its digest goes out, how it looks (templates
compiled, language, time zone) and its typed targets, so nothing downstream reads the
config again. Every problem is collected and reported at once with its key, e.g.
``monitor.toml: routes[1].schedule: ...``; secrets the routes need are checked too, when
asked (`run` and `digest send` ask; read-only commands do not need them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from apscheduler.triggers.cron import CronTrigger

from monitor.config.schedules import parse_schedule
from monitor.config.schema import Config, RouteConfig, WebhookConfig
from monitor.credentials import missing_secret, read_secret
from monitor.deliver import check_urls, decode_secret, placeholders
from monitor.errors import ConfigError, MonitorError
from monitor.model import Rule, RuleSet
from monitor.render import Look, load_templates
from monitor.targets import (
    DEFAULT_SENDER,
    AppriseTarget,
    EmailTarget,
    OutboxTarget,
    SmtpServer,
    Target,
    WebhookTarget,
)


@dataclass(frozen=True)
class Route:
    name: str
    schedule: str
    trigger: CronTrigger = field(compare=False)
    look: Look = field(compare=False)
    targets: tuple[Target, ...] = ()
    rule_ids: frozenset[str] = frozenset()  # rules by id; with no tags either, every rule
    tags: frozenset[str] = frozenset()
    urgent: bool = True  # `priority: high` alerts at once; False: on the schedule only

    def takes(self, rule: Rule) -> bool:
        if not self.rule_ids and not self.tags:
            return True
        return rule.id in self.rule_ids or bool(self.tags & set(rule.tags))

    def selected(self, rules: RuleSet) -> set[str] | None:
        """The ids of the rules it takes; None when it takes every rule."""
        if not self.rule_ids and not self.tags:
            return None
        return {rule.id for rule in rules.all() if self.takes(rule)}

    def target(self, channel: str, key: str) -> Target | None:
        return next((t for t in self.targets if (t.channel, t.key) == (channel, key)), None)


def find_route(routes: Sequence[Route], name: str) -> Route:
    for route in routes:
        if route.name == name:
            return route
    known = ", ".join(r.name for r in routes)
    raise ConfigError(f"no route named {name!r} (configured: {known})")


def resolve_routes(config: Config, origin: str, *, secrets: bool = False) -> tuple[Route, ...]:
    """Every route of the config, resolved; ConfigError listing every problem."""
    problems: list[str] = []
    routes = []
    for i, route in enumerate(config.routes):
        resolved, found = _route(route, config, f"{origin}: routes[{i}]")
        problems += found
        if resolved is not None:
            routes.append(resolved)
    if secrets:
        problems += [f"{origin}: {p}" for p in _missing_secrets(config)]
    if problems:
        raise ConfigError("\n".join(problems))
    return tuple(routes)


def _route(route: RouteConfig, config: Config, where: str) -> tuple[Route | None, list[str]]:
    """The resolved route, or None and every problem found in it."""
    problems: list[str] = []
    trigger = look = None
    try:
        trigger = parse_schedule(route.schedule, route.timezone)
    except ValueError as exc:
        problems.append(f"{where}.schedule: {exc}")
    try:
        check_urls(route.apprise)
    except ValueError as exc:
        problems.append(f"{where}.apprise: {exc}")
    targets = _targets(route, config)
    try:
        templates = load_templates(route.templates_dir or config.templates_dir)
        formats = tuple(sorted({t.format for t in targets if isinstance(t, WebhookTarget)}))
        look = Look(templates, route.timezone, route.language, formats)
    except MonitorError as exc:
        key = "templates_dir" if route.templates_dir else "(templates)"
        problems.append(f"{where}.{key}: {exc}")
    if problems or trigger is None or look is None:
        return None, problems
    rule_ids, tags = frozenset(route.rules), frozenset(route.tags)
    return Route(
        route.name, route.schedule, trigger, look, targets, rule_ids, tags, route.urgent
    ), []


def _targets(route: RouteConfig, config: Config) -> tuple[Target, ...]:
    """Outbox first, then email, webhooks and Apprise, in the order the route names them."""
    sender = config.smtp.sender if config.smtp else DEFAULT_SENDER
    targets: list[Target] = [OutboxTarget(config.outbox, sender)] if route.outbox else []
    if route.email and config.smtp is not None:
        server = _server(config)
        if route.email_mode == "bcc":
            targets.append(EmailTarget(server, route.email, bcc=True))
        else:
            targets += [EmailTarget(server, (address,)) for address in route.email]
    for name in route.webhooks:
        targets.append(_webhook(name, config.webhooks[name], config.user_agent))
    targets += [AppriseTarget(url) for url in route.apprise]
    return tuple(targets)


def _server(config: Config) -> SmtpServer:
    smtp = config.smtp
    assert smtp is not None
    return SmtpServer(
        host=smtp.host,
        port=smtp.port,
        security=smtp.security,
        sender=smtp.sender,
        timeout=smtp.timeout.total_seconds(),
        username=smtp.username,
        password_env=smtp.password_env,
    )


def _webhook(name: str, hook: WebhookConfig, user_agent: str) -> WebhookTarget:
    return WebhookTarget(
        name=name,
        url=hook.url,
        format=hook.format,
        timeout=hook.timeout.total_seconds(),
        user_agent=user_agent,
        secret_env=hook.secret_env,
    )


def _missing_secrets(config: Config) -> list[str]:
    """Each secret the config names that cannot be read now, with its key and variable."""
    problems = []
    smtp = config.smtp
    if smtp is not None and smtp.username:
        env = smtp.password_env or "MONITOR_SMTP_PASSWORD"
        problems.append(missing_secret(env, "smtp.password_env (smtp.username is set)"))
    for name, hook in config.webhooks.items():
        if hook.secret_env:
            key = f"webhooks.{name}.secret_env"
            problems.append(missing_secret(hook.secret_env, key) or _bad_secret(hook, key))
    if (http := config.http) is not None:
        http_secrets = {"password_env": http.password_env, "token_env": http.token_env}
        problems += [missing_secret(env, f"http.{key}") for key, env in http_secrets.items() if env]
    for i, route in enumerate(config.routes):
        for name in dict.fromkeys(n for url in route.apprise for n in placeholders(url)):
            problems.append(missing_secret(name, f"routes[{i}].apprise (${{{name}}})"))
    return [problem for problem in problems if problem]


def _bad_secret(hook: WebhookConfig, key: str) -> str | None:
    secret = read_secret(hook.secret_env or "")
    try:
        decode_secret(secret.get_secret_value() if secret else "", hook.secret_env or "")
    except ValueError as exc:
        return f"{key}: {exc}"
    return None
