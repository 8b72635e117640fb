"""Configuration: one TOML file, read once and validated at load.

In: a path (``--config`` or ``MONITOR_CONFIG``) or none. Out: a frozen ``Config``, the
file's keys and types checked (routes are resolved into targets by routes.py; settings.py
loads both). Every problem is reported at once, each naming its key, e.g.
``monitor.toml: feeds[2].interval: expected a duration like '15m'``. Without a file the
embedded defaults apply: poll ``seeds/``, match ``rules/``, store in ``var/monitor.db`` and
write digests to ``var/outbox/``.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import tomllib
import typing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor.errors import ConfigError

CONFIG_ENV = "MONITOR_CONFIG"
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: object) -> timedelta:
    """'90s', '15m', '2h', '1d' or a number of seconds -> timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return timedelta(seconds=value)
    if isinstance(value, str) and (m := _DURATION.match(value)) and int(m[1]) > 0:
        return timedelta(**{_UNITS[m[2]]: int(m[1])})
    raise ValueError(f"expected a duration like '15m', '2h' or '1d', got {value!r}")


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def since_option(text: str) -> datetime:
    """A command's `--since 30d`: that long before now; ConfigError naming the option."""
    try:
        return datetime.now(UTC) - parse_duration(text)
    except ValueError as exc:
        raise ConfigError(f"--since: {exc}") from None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeedConfig(_Model):
    name: str
    url: str  # http(s)://, file://, or a local file or folder path
    interval: Duration = timedelta(minutes=15)
    language: str | None = None
    full_text: bool = False
    # Networks the feed's links may lead to although not public (e.g. an intranet news site);
    # by default full_text fetches only public http(s) addresses.
    allow_networks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    enabled: bool = True
    # A Telegram channel's first poll reads back at most this many posts, this far back.
    history_posts: int = Field(default=100, ge=1, le=10_000)
    history: Duration = timedelta(days=7)

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            try:
                ipaddress.ip_network(text, strict=False)
            except ValueError:
                raise ValueError(f"{text!r} is not a network like '10.0.0.0/8'") from None
        return value


class SmtpConfig(_Model):
    host: str
    port: int = 587
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password_env: str | None = "MONITOR_SMTP_PASSWORD"  # the secret itself never sits here
    sender: str = Field(alias="from")
    timeout: Duration = timedelta(seconds=30)


class WebhookConfig(_Model):
    url: str
    format: Literal["standard", "slack", "discord"] = "standard"
    secret_env: str | None = None  # env var holding the `whsec_...` signing secret
    timeout: Duration = timedelta(seconds=15)


class RouteConfig(_Model):
    name: str
    outbox: bool = False
    email: tuple[str, ...] = ()
    webhooks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # rules by tag; with `rules` also empty, the route takes all
    rules: tuple[str, ...] = ()  # rules by id
    schedule: str = "daily 07:00"  # checked with the other route settings (routes.py)
    timezone: str = "UTC"
    email_mode: Literal["each", "bcc"] = "each"  # bcc: one message, recipients hidden
    apprise: tuple[str, ...] = ()  # Apprise URLs; `${NAME}` parts come from the environment
    language: Literal["en", "ru", "be"] = "en"  # of the digest's fixed texts
    templates_dir: Path | None = None  # this route's own templates (else the global ones)
    # `priority: high` rules alert at once; false: this route sends them on its schedule.
    urgent: bool = True

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            hint = "use a name like 'Europe/Minsk'"
            raise ValueError(f"unknown time zone {value!r} ({hint})") from None
        return value


class HttpConfig(_Model):
    """The optional status page and endpoints (`[http] listen = "127.0.0.1:8787"`)."""

    listen: str
    username: str | None = None  # HTTP basic auth, with the password in $password_env
    password_env: str | None = None
    token_env: str | None = None  # or a shared secret: "Authorization: Bearer <token>"

    @field_validator("listen")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        host, port = split_listen(value)
        if not host or not 0 < port < 65536:
            raise ValueError(f"expected 'host:port' like '127.0.0.1:8787', got {value!r}")
        return value

    @model_validator(mode="after")
    def _auth_beyond_loopback(self) -> HttpConfig:
        if bool(self.username) != bool(self.password_env):
            raise ValueError("username and password_env go together")
        host, _ = split_listen(self.listen)
        if not is_loopback(host) and not (self.password_env or self.token_env):
            raise ValueError(
                f"listening on {host} (beyond this machine) needs username and password_env, "
                "or token_env"
            )
        return self


def split_listen(value: str) -> tuple[str, int]:
    """'127.0.0.1:8787' -> ('127.0.0.1', 8787); '[::1]:80' -> ('::1', 80); port 0 if bad."""
    host, _, port = value.strip().rpartition(":")
    return host.strip("[]"), int(port) if port.isdigit() else 0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bundled(name: str) -> Path:
    """A folder of the working directory, else the copy shipped inside the package (a
    wheel), else the one of the source checkout the package runs from (an editable
    install, which has no copy of its own)."""
    here = Path(name)
    if here.exists():
        return here
    package = Path(__file__).resolve().parent.parent  # monitor/
    shipped = package / "_bundled" / name
    checkout = package.parent / name
    return checkout if not shipped.exists() and checkout.is_dir() else shipped


def _default_feeds() -> tuple[FeedConfig, ...]:
    return (FeedConfig(name="seeds", url=str(bundled("seeds"))),)


def _default_rules() -> tuple[Path, ...]:
    return (bundled("rules"),)


def _default_routes() -> tuple[RouteConfig, ...]:
    return (RouteConfig(name="digest", outbox=True),)


class Config(_Model):
    data_dir: Path = Path("var")
    database_url: str | None = None  # default: sqlite:///<data_dir>/monitor.db
    outbox_dir: Path | None = None  # default: <data_dir>/outbox
    rules: tuple[Path, ...] = Field(default_factory=_default_rules)
    templates_dir: Path | None = None  # files here override the default digest templates
    user_agent: str = "monitor/0.1 (+news monitoring for human-rights work)"
    # How often the daemon looks for due feeds, owed deliveries and edited files.
    tick: Duration = timedelta(seconds=30)
    # Stories not seen for this many days are forgotten (matched ones keep a record without
    # their text; matches and deliveries stay for audit). 0 keeps everything.
    retention_days: int = Field(default=180, ge=0)
    # The archived copies of matched pages (monitor.evidence) outlive retention_days: kept
    # for good unless this says for how many days.
    evidence_days: int | None = Field(default=None, ge=1)
    # When a matched page is fetched again to see whether it changed or was removed, counted
    # from when it was archived. [] checks only on `monitor evidence verify`.
    evidence_checks: tuple[Duration, ...] = (timedelta(days=1), timedelta(days=7),
                                             timedelta(days=30))  # fmt: skip
    # How far back stored articles teach which listed surnames, everyday words too (Johnson),
    # name their person alone (monitor.match.standing); learned once a day. 0: never.
    learn_days: int = Field(default=28, ge=0)
    feeds: tuple[FeedConfig, ...] = Field(default_factory=_default_feeds)
    smtp: SmtpConfig | None = None
    webhooks: dict[str, WebhookConfig] = Field(default_factory=dict)
    routes: tuple[RouteConfig, ...] = Field(default_factory=_default_routes)
    http: HttpConfig | None = None  # the status page and endpoints; off when absent
    # apscheduler: one daemon (`monitor run`) does everything. procrastinate: any number of
    # `monitor worker` processes on one PostgreSQL store share the work (see docs/scaling.md).
    engine: Literal["apscheduler", "procrastinate"] = "apscheduler"

    @model_validator(mode="after")
    def _cross_checks(self) -> Config:
        problems = _duplicates("feeds", [f.name for f in self.feeds]) + _same_urls(self.feeds)
        problems += _duplicates("routes", [r.name for r in self.routes])
        for i, route in enumerate(self.routes):
            if route.email and self.smtp is None:
                problems.append(f"routes[{i}].email: needs an [smtp] section")
            for name in route.webhooks:
                if name not in self.webhooks:
                    problems.append(f"routes[{i}].webhooks: no [webhooks.{name}] section")
        postgres = (self.database_url or "").startswith(("postgresql://", "postgresql+psycopg://"))
        if self.engine == "procrastinate" and not postgres:
            problems.append("engine: 'procrastinate' needs a database_url = 'postgresql://...'")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'monitor.db'}"

    @property
    def outbox(self) -> Path:
        return self.outbox_dir or self.data_dir / "outbox"


def _duplicates(section: str, names: list[str]) -> list[str]:
    seen: set[str] = set()
    problems = []
    for i, name in enumerate(names):
        if name in seen:
            problems.append(f"{section}[{i}].name: {name!r} is used twice; names must be unique")
        seen.add(name)
    return problems


def _same_urls(feeds: tuple[FeedConfig, ...]) -> list[str]:
    """A URL polled under two names would be fetched once and one of them never hear of it."""
    first: dict[str, int] = {}
    problems = []
    for i, feed in enumerate(feeds):
        if feed.url in first:
            problems.append(f"feeds[{i}].url: the same URL as feeds[{first[feed.url]}]; "
                            "poll each URL once")  # fmt: skip
        first.setdefault(feed.url, i)
    return problems


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate the config; None means $MONITOR_CONFIG, else the embedded defaults."""
    path = path or os.environ.get(CONFIG_ENV)
    if not path:
        return Config()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return config_from_dict(data, str(path))


def config_from_dict(data: dict[str, Any], origin: str = "config") -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = [f"{origin}: {_describe(err)}" for err in exc.errors()]
        raise ConfigError("\n".join(problems)) from None


def _describe(err: Any) -> str:
    loc = _location(err["loc"])
    if err["type"] == "extra_forbidden":
        return f"{loc}: unknown key{_suggestion(err)}"
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{loc}: {message}" if loc else message


def _location(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _suggestion(err: Any) -> str:
    key = str(err["loc"][-1])
    known = _known_keys(err["loc"][:-1])
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _known_keys(parent: tuple[Any, ...]) -> list[str]:
    """The keys allowed where an unknown key was found (aliases as written in TOML)."""
    model: type[BaseModel] | None = Config
    for part in parent:
        if model is not None and part in model.model_fields:
            model = _inner_model(model.model_fields[part].annotation)
    if model is None:
        return []
    return [fld.alias or name for name, fld in model.model_fields.items()]


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation such as `tuple[FeedConfig, ...]` or `X | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if found := _inner_model(arg):
            return found
    return None
