"""Outbox channel: a ``Delivery`` and an ``OutboxTarget`` in, an ``.eml`` and an ``.html``
file in the target's folder out.

For people without a mail server, and as the default: open the ``.html`` in a browser or
the ``.eml`` in a mail client. Files are written atomically and named per delivery, so a
retry overwrites its own files and a crash never leaves half a file. A folder that cannot
be written (read-only, full, not permitted, not a folder) is a passing fault like a mail
server that refuses a connection: the delivery stays owed and is tried again.
"""

from __future__ import annotations

from pathlib import Path

from monitor.deliver.message import build_message, created_utc, route_slug
from monitor.errors import DeliveryError
from monitor.model import Delivery
from monitor.store import atomic_file
from monitor.targets import OutboxTarget


def send_outbox(delivery: Delivery, target: OutboxTarget) -> str:
    """Write ``<UTC time>-<route>-<id>.eml`` and ``.html`` into the target folder."""
    if not str(target.folder).strip():
        raise DeliveryError("outbox: no folder given", permanent=True)
    folder = Path(target.folder)
    eml = build_message(delivery, sender=target.sender).as_bytes()
    stem = outbox_stem(delivery)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"{stem}.html", delivery.digest.html.encode("utf-8"))
        write_atomic(folder / f"{stem}.eml", eml)
    except OSError as exc:  # someone can fix it (remount, free space, chmod): retried
        raise DeliveryError(f"outbox {folder}: {exc.strerror or exc}") from exc
    return f"wrote {folder / stem}.eml"


def outbox_stem(delivery: Delivery) -> str:
    stamp = created_utc(delivery).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{route_slug(delivery.route)}-{delivery.id}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a hidden temp file in the same folder, fsync, then rename over ``path``."""
    with atomic_file(path) as file:
        file.write(data)
