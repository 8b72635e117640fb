"""What tests share: loopback servers (feeds, SMTP, a webhook sink), a store per backend,
pipelines, sample values, and waiting for another process.

The fixture modules (feedserver, sink, smtp, stored, pipelines) are pytest plugins, named
once in tests/conftest.py's ``pytest_plugins``: a test module asks for ``smtp_server`` by
parameter name and imports only helpers and types, e.g.
``from tests.support.smtp import SmtpSink``. ``wait.wait_for`` polls for another process's
or thread's state with a deadline, instead of a fixed sleep.
"""
