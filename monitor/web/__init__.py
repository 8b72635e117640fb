"""The status page and endpoints: settings, the store and the daemon's live values in; an
HTTP server out, read-only (GET only), behind basic or bearer auth when configured.

- `create_app(...)`  the Starlette app: `/`, `/healthz`, `/readyz`, `/metrics` (app.py);
- `start(settings, app)`  uvicorn serving it in a background thread, `.stop()` (server.py).
"""

from __future__ import annotations

from monitor.web.app import create_app
from monitor.web.server import HttpServer, start

__all__ = ["HttpServer", "create_app", "start"]
