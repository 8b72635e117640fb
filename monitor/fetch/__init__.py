"""The fetch stage: URLs or local paths in, FetchResults out (bytes, validators, status).

Public API: `Fetcher` (fetch, fetch_many, close). Everything else is private to the stage.
"""

from monitor.fetch.client import Fetcher

__all__ = ["Fetcher"]
