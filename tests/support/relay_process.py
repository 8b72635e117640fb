"""A relay in a process of its own, for the two-process tests: waits until a start file
exists, then sends what is owed on the store, as a second `monitor` would (no store lock).

Usage: python -m tests.support.relay_process CONFIG.json START_FILE
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from monitor.alerts.relay import Relay
from monitor.store import Store
from tests.support.settings import settings_from


def main() -> None:
    settings = settings_from(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
    store = Store.open(settings.config.db_url)
    start = Path(sys.argv[2])
    while not start.exists():  # both processes are ready before either relays
        time.sleep(0.01)
    outcomes = Relay(store, lambda: datetime.now(UTC)).relay(settings.routes)
    store.close()
    print(len(outcomes))


if __name__ == "__main__":
    main()
