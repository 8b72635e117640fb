"""The status page and endpoints: settings, the store and the daemon's live values in; an
HTTP server out, read-only (GET only), behind basic or bearer auth when configured.

- status.py  ``gather``: the facts a monitor checks in the morning, as a frozen ``Status``
             (also printed by ``monitor status``);
- app.py     ``create_app(...)``: the Starlette app: ``/``, ``/healthz``, ``/readyz``, ``/metrics``;
- server.py  ``start(settings, app)``: uvicorn serving it in a background thread;
- auth.py, view.py, chart.py, scrape.py: credentials, page values, the chart, metrics.

Only the status facts are imported with the package: Starlette and uvicorn are imported by
those who serve the page (``monitor.web.app``, ``monitor.web.server``).
"""

from monitor.web.status import FeedLine, Status, gather, local_time, when

__all__ = ["FeedLine", "Status", "gather", "local_time", "when"]
