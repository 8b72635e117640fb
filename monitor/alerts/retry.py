"""When to try a failed delivery again: pure math over its attempts, its digest's age and
`now`. In: values and a random.Random. Out: a datetime, or None once it is to be given up.

    wait = min(RETRY_FIRST * 2**attempts, RETRY_CAP) * (1 + up to 20% jitter)
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

# A failed delivery is retried with exponential back-off (1 min doubling, capped at 6 h,
# plus up to 20% jitter) for about three days after its digest was made; then it is dead.
RETRY_FIRST = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)
RETRY_FOR = timedelta(days=3)


def delivery_retry_at(
    attempts: int, created: datetime, now: datetime, rng: random.Random
) -> datetime | None:
    """When to try a failed delivery again; None once it has been owed past RETRY_FOR.

    `attempts` counts the sends tried before this failure (0 on the first failure).
    """
    if now - created > RETRY_FOR:
        return None
    wait: timedelta = min(RETRY_FIRST * 2 ** min(attempts, 20), RETRY_CAP)
    return now + wait * (1 + rng.random() * 0.2)
