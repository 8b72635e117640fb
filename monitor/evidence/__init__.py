"""Evidence that outlives the article: the documents matches were found in, exported and
checked again.

The poll archives them (store.EvidenceStore, with the HTTP exchange fetch recorded); this
package reads that archive. Public API: `write_warc` (a WARC 1.1 file of archived
exchanges and the matches they hold), `Rechecker` (fetch archived URLs again, judge, record:
`due` on the daemon's schedule, `check` for `monitor evidence verify`), `judge` and
`Verdict` (is a fresh fetch still what was archived).
"""

from monitor.evidence.recheck import Checked, Rechecker
from monitor.evidence.verdict import Verdict, judge
from monitor.evidence.warc import write_warc

__all__ = ["Checked", "Rechecker", "Verdict", "judge", "write_warc"]
