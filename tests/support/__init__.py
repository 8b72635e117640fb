"""Reusable loopback servers for tests: SMTP (aiosmtpd) and an HTTP webhook sink.

Test modules import the fixtures they use explicitly, e.g.
``from tests.support.smtp import smtp_server``.
"""
