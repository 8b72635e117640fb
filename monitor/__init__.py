"""monitor: a news-monitoring and alerting daemon.

Polls feeds, parses articles, matches them against watch rules (people, events) and
delivers digests by outbox, email and webhook. See README.md for the pipeline.
"""

__version__ = "0.1.0"
