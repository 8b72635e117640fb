"""Configuration: one TOML file, read once and validated at load, resolved into the values
the stages take.

In: the config file's path (``--config``, ``$MONITOR_CONFIG``, or none: embedded defaults).
Out: ``Settings`` (settings.py): the checked ``Config`` (schema.py: keys, types, durations),
its relative paths meaning the file's folder (paths.py), its feeds as ``Feed`` values and
its routes as ``Route``s with typed targets and compiled templates (routes.py) on digest
schedules (schedules.py). Every mistake is reported at load, with its key.
"""

from monitor.config.opml import export_opml, import_opml
from monitor.config.routes import Route
from monitor.config.schema import (
    CONFIG_ENV,
    Config,
    FeedConfig,
    HttpConfig,
    parse_duration,
    since_option,
    split_listen,
)
from monitor.config.settings import (
    Settings,
    config_file,
    file_fingerprint,
    load_settings,
)

__all__ = [
    "CONFIG_ENV",
    "Config",
    "FeedConfig",
    "HttpConfig",
    "Route",
    "Settings",
    "config_file",
    "export_opml",
    "file_fingerprint",
    "import_opml",
    "load_settings",
    "parse_duration",
    "since_option",
    "split_listen",
]
