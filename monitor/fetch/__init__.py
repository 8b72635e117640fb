"""The fetch stage: URLs or local paths in, FetchResults out (bytes, validators, status).

Public API: `Fetcher` (fetch, fetch_many, fetch_pages, close), `conditional_headers` (whether
a feed's state lets it answer 304) and `host_key` (the per-host politeness key). Everything
else is private to the stage.
"""

from monitor.fetch.client import Fetcher, host_key
from monitor.fetch.remote import conditional_headers

__all__ = ["Fetcher", "conditional_headers", "host_key"]
