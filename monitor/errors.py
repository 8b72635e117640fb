"""The one error tree of the package.

In: nothing. Out: exception classes. Every error a user can cause derives from MonitorError,
so the CLI can print it without a traceback and exit 2.
"""


class MonitorError(Exception):
    """Base of every error the user can cause or fix."""


class ConfigError(MonitorError):
    """The configuration file is missing, unreadable or invalid."""


class RuleError(MonitorError):
    """One or more rule files are invalid; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class FetchError(MonitorError):
    """A source could not be fetched or its body decoded; the message is what users read."""


class ParseError(MonitorError):
    """A document could not be turned into articles."""


class StoreError(MonitorError):
    """The database could not be opened, migrated or written."""


class StoreBusyError(StoreError):
    """Another monitor process holds the store; the message names it and what to do."""


class DeliveryError(MonitorError):
    """A send failed. `permanent` means retrying cannot help (e.g. 4xx, bad address)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class EndpointGoneError(DeliveryError):
    """The endpoint answered HTTP 410: nothing more goes there until a person says so."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)
