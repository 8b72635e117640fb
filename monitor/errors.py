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
    """A feed could not be fetched."""


class ParseError(MonitorError):
    """A document could not be turned into articles."""


class StoreError(MonitorError):
    """The database could not be opened or migrated."""


class DeliveryError(MonitorError):
    """A send failed. `permanent` means retrying cannot help (e.g. 4xx, bad address)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
