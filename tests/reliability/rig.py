"""The test rig: a folder (and optionally a database URL) in; out, a daemon configured
against a wire on the loopback feed server, a mailbox (aiosmtpd), a webhook sink and its
outbox folder, all ended when the block ends, and the checks on what they received.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.reliability.daemon import Daemon, monitor_cli, write_config
from tests.reliability.newsroom import Wire
from tests.reliability.receivers import Mailbox, Tally, mail_tally, outbox_tally, webhook_tally
from tests.support.feedserver import FeedServer
from tests.support.sink import WebhookSink, run_sink


@dataclass
class Rig:
    wire: Wire
    mailbox: Mailbox
    sink: WebhookSink
    daemon: Daemon
    database_url: str  # the store the daemon uses
    outbox: Path
    refused: int = 0  # the sink's first requests answered with an error: not deliveries

    def tallies(self) -> list[Tally]:
        return [
            outbox_tally(self.outbox),
            mail_tally(self.mailbox),
            webhook_tally(self.sink, self.refused),
        ]

    def missing(self) -> dict[str, list[str]]:
        """Channel -> titles of published stories it has not received."""
        titles = self.wire.titles
        return {tally.channel: tally.missing(titles) for tally in self.tallies()}

    def complete(self) -> bool:
        return not any(self.missing().values())

    def nothing_owed(self) -> bool:
        return "nothing owed" in monitor_cli(self.daemon.config, "outbox").stdout

    def check_exactly_once(self) -> None:
        """Every story on every channel, in one delivery, received once."""
        titles = self.wire.titles
        for tally in self.tallies():
            assert tally.missing(titles) == [], f"{tally.channel}: alerts lost"
            assert tally.split(titles) == [], f"{tally.channel}: an alert sent under two ids"
            assert tally.duplicates == 0, f"{tally.channel}: a delivery received twice"
        assert self.nothing_owed()


@contextmanager
def rig(folder: Path, *, database_url: str = "", mailbox_up: bool = True) -> Iterator[Rig]:
    """The servers started (the mailbox only if `mailbox_up`) and the config written; the
    daemon is not started. Everything, the daemon included, ends with the block."""
    with FeedServer() as server, Mailbox() as mailbox, run_sink() as sink:
        if mailbox_up:
            mailbox.start()
        wire = Wire(server)
        config = write_config(
            folder, feed_url=wire.url, mailbox=mailbox, hook_url=sink.url,
            database_url=database_url,
        )  # fmt: skip
        daemon = Daemon(config, folder / "logs")
        url = database_url or f"sqlite:///{folder / 'var' / 'monitor.db'}"
        try:
            yield Rig(wire, mailbox, sink, daemon, url, folder / "var" / "outbox")
        finally:
            daemon.close()
