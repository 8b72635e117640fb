"""The `monitor` console script: argv in, the CLI's exit status out.

Kept free of imports on purpose: parse worker processes start by importing the parent's main
module, and importing `monitor.cli` (and everything behind it) there cost each worker about
50 MiB it never uses. The CLI is imported only when the command actually runs.
"""

from __future__ import annotations


def main() -> int:
    from monitor.cli.main import main as run

    return run()
