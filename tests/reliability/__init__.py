"""Reliability tests: the daemon as a real process, killed at random and restarted
(test_crash.py), and its mail server, webhook receiver and database taken away for a while
(test_outages.py); what its receivers got is counted at the receivers.

The CI run is sized for about a minute; MONITOR_RELIABILITY_KILLS=100 adds the long run.
"""
