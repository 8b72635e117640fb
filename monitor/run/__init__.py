"""Running it: the orchestrator and the processes that drive it.

- pipeline.py  ``Pipeline``: one service per stage, the one place where stages meet;
               ``open_pipeline`` wires it to its store, lock and fetcher;
- daemon.py    ``monitor run``: APScheduler jobs calling the pipeline's services;
- cluster.py   ``monitor worker``: the same services as procrastinate tasks (imported only
               by workers: procrastinate is heavy).
"""

from monitor.run.daemon import run_daemon, serve_http
from monitor.run.pipeline import Pipeline, RunSummary, describe_failure, open_pipeline

__all__ = [
    "Pipeline",
    "RunSummary",
    "describe_failure",
    "open_pipeline",
    "run_daemon",
    "serve_http",
]
