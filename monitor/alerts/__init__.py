"""Alerts: matches become digests, digests become deliveries, deliveries are sent.

- digest.py  ``Digester``: a route's pending alerts -> one rendered digest owed to each of
             its targets (written with the claim of its alerts in one transaction);
- relay.py   ``Relay``: owed deliveries -> claimed, sent over their channel, recorded
             (``Sent``/``Failed``);
- retry.py   when a failed delivery is tried again, and when it is given up.
"""

from monitor.alerts.digest import Digester
from monitor.alerts.relay import Failed, Outcome, Relay, Sent

__all__ = ["Digester", "Failed", "Outcome", "Relay", "Sent"]
