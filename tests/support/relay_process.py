"""A relay in a process of its own, for the two-process tests: waits until a start file
exists, then sends what is owed on the store, as a second `monitor` would (no store lock),
with its clock fixed at NOW; prints how many deliveries it sent or failed.

Usage: python -m tests.support.relay_process CONFIG.json START_FILE NOW(ISO 8601)
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from monitor.alerts.relay import Relay
from monitor.store import Store
from tests.support.settings import settings_from
from tests.support.wait import wait_for


def main() -> None:
    settings = settings_from(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
    store = Store.open(settings.config.db_url)
    start = Path(sys.argv[2])
    wait_for(start.exists, 60, f"{start}")  # both processes are ready before either relays
    now = datetime.fromisoformat(sys.argv[3])
    outcomes = Relay(store, lambda: now).relay(settings.routes)
    store.close()
    print(len(outcomes))


if __name__ == "__main__":
    main()
