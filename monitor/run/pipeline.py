"""The orchestrator: the one place where the stages meet. It composes them; it does none
of their work.

In: Settings (config, resolved feeds and routes), a Store and a Fetcher. Out: one service per
stage (poll, make a digest, relay, reload, replay, prune) that every entry point calls: the
daemon's jobs (daemon.py), `run --once`, the cluster's tasks (cluster.py) and the commands.
`run_once` polls every feed, makes each route's digest and sends what is owed, returning a
RunSummary. Rule files are watched by LiveRules; new rules are run over recent articles once.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from monitor.alerts import Digester, Failed, Outcome, Relay, Sent
from monitor.clock import Clock, utcnow
from monitor.config import Route, Settings, file_fingerprint, load_settings
from monitor.errors import ConfigError
from monitor.evidence import Rechecker
from monitor.fetch import Fetcher
from monitor.match import lint
from monitor.model import Digest, Feed, RuleSet, without_where
from monitor.poll import POOL_MIN_FEEDS, Poller, PollReport, WorkerPool
from monitor.render import Footer
from monitor.rules import APART_FROM, COMPILED, KEPT, Active, Learner, LiveRules
from monitor.store import Store, StoreLock

log = logging.getLogger(__name__)

# Up to this many rule warnings are logged one by one; more are summarised in one line.
WARNINGS_LISTED = 10
# How far back a new or edited rule looks when the rule files change.
RETRO_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class RunSummary:
    """What one `run --once` did, as printed for the user."""

    poll: PollReport
    outcomes: tuple[Outcome, ...] = ()

    @property
    def failed(self) -> list[Failed]:
        return [o for o in self.outcomes if isinstance(o, Failed)]

    def lines(self) -> list[str]:
        sent = [o for o in self.outcomes if isinstance(o, Sent)]
        failed_feeds = self.poll.feeds_failed
        return [
            f"feeds read: {self.poll.feeds_read}"
            + (f" ({len(failed_feeds)} failed)" if failed_feeds else ""),
            f"new articles: {self.poll.new_articles}",
            f"new matches: {self.poll.matches}",
            f"digests delivered: {len(sent)}",
            *(f"  {o.route} -> {o.channel}: {o.done}" for o in sent),
            *(f"feed failed: {line}" for line in failed_feeds),
            *(f"delivery failed: {describe_failure(o)}" for o in self.failed),
        ]


def describe_failure(failed: Failed) -> str:
    when = failed.retry_at
    verdict = f"retry at {when:%Y-%m-%d %H:%M} UTC" if when else "dead, not retried"
    error = without_where(failed.error, failed.channel, failed.target)
    return f"{failed.channel} {failed.target}: {error} ({verdict})"


def apart(settings: Settings, rules: Active) -> bool:
    """Whether new rules are compiled in a child process: where the poll starts worker
    processes anyway, or the list is long. A daemon of a few feeds and rules stays one
    process (a killed one leaves nothing behind)."""
    many = len(settings.enabled_feeds()) >= POOL_MIN_FEEDS
    return many or len(rules.rules.people) >= APART_FROM


def prepare_rules(rules: Active, marker: Path, apart: bool) -> None:
    """With `apart`, compile rules whose compiled form is not kept yet in a child process
    (beside the first poll's fetching: monitor.match.prepare), which works out their start-up
    warnings too; then warn about noisy rules once."""
    if apart:
        rules.matcher.keep()
    warn_noisy_once(rules, marker)


def warn_noisy_once(rules: Active, marker: Path) -> None:
    """warn_noisy, once per set of rule files: `marker` holds the fingerprint of the last
    set warned about, so restarts (or `run --once` from cron) do not repeat the warnings of
    rules nobody has edited since; `monitor rules check` shows them at any time."""
    try:
        if marker.read_text(encoding="utf-8") == rules.fingerprint:
            return
    except OSError:
        pass  # never warned about, in this data folder
    warn_noisy(rules.rules, rules.matcher.folder)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(rules.fingerprint, encoding="utf-8")
    except OSError as exc:
        log.info("cannot remember which rules were checked (%s); warnings will repeat", exc)


def warn_noisy(rules: RuleSet, folder: Path | None = None) -> None:
    """Rules likely to alert wrongly (a shared surname, a very short one, no given name),
    said in the daemon's log when they load. Reading every surname against each language's
    everyday words is left to `monitor rules check`: 90,000 words cost 1.5 s of CPU on
    every start, and the matcher already keeps a lone everyday-word surname quiet."""
    warnings = lint(rules, languages=(), folder=folder)  # kept there per rule version
    if len(warnings) <= WARNINGS_LISTED:
        for warning in warnings:
            log.warning("rule may alert wrongly: %s", warning)
        return
    kinds = Counter(warning.kind for warning in warnings)
    counts = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
    log.warning("%d rules may alert wrongly (%s); `monitor rules check` lists each with what "
                "to add", len({w.rule_id for w in warnings}), counts)  # fmt: skip


class Pipeline:
    """One service per stage, for every entry point (daemon jobs, `run --once`, the cluster's
    tasks, the commands): each method composes stages and does none of their work."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        fetcher: Fetcher,
        clock: Clock = utcnow,
        workers: WorkerPool | None = None,
        *,
        lock: StoreLock | None = None,
        warn_rules: bool = True,
    ) -> None:
        self.settings, self.store, self.clock, self.lock = settings, store, clock, lock
        data = settings.config.data_dir
        self.rules = LiveRules(settings.config.rules, data / KEPT, data / COMPILED)
        self._prepare: threading.Thread | None = None
        if warn_rules:
            # Compiling rules not compiled yet (in a child process) and reading them for
            # warnings: done beside the first poll's fetching, which mostly waits.
            self._prepare = threading.Thread(
                target=prepare_rules,
                args=(self.rules.active, self._linted(), apart(settings, self.rules.active)),
                name="rules-prepare",
                daemon=True,
            )
            self._prepare.start()
        # Archived evidence: re-checks, pruning; the settings are read anew at each use, so
        # a reloaded config is followed.
        self.evidence = Rechecker(store, fetcher, clock, lambda: self.settings.feeds,
                                  lambda: self.settings.config.evidence_checks,
                                  lambda: self.settings.config.evidence_days)  # fmt: skip
        # What the stored articles taught about the surnames: in force from the start, learned
        # anew once a day (the daemon's housekeeping, `run --once`, a worker's refresh).
        self.learner = Learner(store, self.rules, clock, lambda: self.settings.config.learn_days)
        self.learner.due(learn=False)
        self._poller = Poller(store, fetcher, self.rules, clock, workers,
                              first_check=self.evidence.first_check)  # fmt: skip
        self._digester = Digester(store, clock)
        self._relay = Relay(store, clock)
        self._broken_config = ""  # fingerprint of the config file last refused
        # Why the running process differs from its config file until it restarts (the store
        # it opened cannot change under it); None when it runs as configured.
        self.restart_needed: str | None = None

    # --- the whole cycle -----------------------------------------------------------------

    def run_once(self, advance: Callable[[int], object] = lambda n: None) -> RunSummary:
        """Poll every enabled feed, make every route's digest now, send what is owed;
        `advance(n)` is told of feeds done (a progress bar)."""
        self.learner.due()  # a day since the store's articles last taught the rules?
        report = self.poll(self.feeds(), advance)
        self.evidence.due()  # archived pages whose re-check has come
        for route in self.settings.routes:
            self._digester.make(route, self.rules.active)
        return RunSummary(report, tuple(self.relay_owed()))

    # --- poll ----------------------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        return self.settings.enabled_feeds()

    def poll(
        self, feeds: Sequence[Feed], advance: Callable[[int], object] = lambda n: None
    ) -> PollReport:
        """Fetch, parse, store and match these feeds; record each one's health."""
        return self._poller.poll(feeds, advance)

    def poll_due(self) -> PollReport:
        """Poll the feeds whose next check has come."""
        return self.poll(self._poller.due(self.feeds()))

    # --- digests and deliveries ----------------------------------------------------------

    def make_digest(self, route_name: str, *, urgent_only: bool = False) -> int:
        """Make one route's digest of what is pending (only `priority: high` alerts with
        urgent_only); how many deliveries it owes. A route no longer configured: none."""
        route = self._route(route_name)
        if route is None:
            return 0
        return self._digester.make(route, self.rules.active, urgent_only=urgent_only)

    def preview_digest(self, route_name: str) -> tuple[int, Digest]:
        """The route's next digest as it would be sent now, and how many alerts it carries;
        nothing is written."""
        route, active = self.settings.route(route_name), self.rules.active
        pending = self._digester.pending(route, active)
        return len(pending), self._digester.render(route, pending, active)

    def send_urgent(self) -> list[Outcome]:
        """`priority: high` matches go out at once on every route that takes their rule."""
        active = self.rules.active
        owed = sum(
            self._digester.make(route, active, urgent_only=True) for route in self.settings.routes
        )
        return self.relay_owed() if owed else []

    def send_digest(self, route_name: str) -> list[Outcome]:
        """Make one route's digest now and send what is owed."""
        self._digester.make(self.settings.route(route_name), self.rules.active)
        return self.relay_owed()

    def relay_owed(self) -> list[Outcome]:
        """Send every owed delivery whose time has come."""
        return self._relay.relay(self.settings.routes)

    def deliver(self, delivery_id: int) -> Outcome | None:
        """Send one owed delivery (multi-node mode's deliver job); None when it was not
        owed (sent already, or claimed by another worker)."""
        return self._relay.relay_one(delivery_id, self.settings.routes)

    def footer(self) -> Footer:
        """What the next digest's footer says: failing feeds, rule errors, given-up sends."""
        return self._digester.footer(self.rules.active.errors)

    # --- rules, config, stored articles --------------------------------------------------

    def reload_rules(self) -> bool:
        """Load changed rule files; a new or edited rule sees the recent articles once."""
        if not self.rules.reload(self.settings.config.rules):
            return False
        prepare_rules(self.rules.active, self._linted(), apart(self.settings, self.rules.active))
        checked, found = self.replay(self.clock() - RETRO_WINDOW)
        log.info("rules changed: re-matched %d recent articles, %d new matches", checked, found)
        return True

    def reload_config(self) -> bool:
        """Run with the config file as edited, if it changed; False when it did not, or when
        the edit is broken (logged once per edit; the running config stays)."""
        current = self.settings
        if not current.changed() or file_fingerprint(current.path) == self._broken_config:
            return False
        try:
            settings = load_settings(current.path, secrets=True)
        except ConfigError as exc:
            self._broken_config = file_fingerprint(current.path)
            log.error("config reload failed, keeping the running config:\n%s", exc)
            return False
        self.settings = self._same_store(settings)
        self.reload_rules()  # the rule paths may have changed too
        log.info("config reloaded: %d feeds, %d routes", len(settings.feeds), len(settings.routes))
        return True

    def _same_store(self, settings: Settings) -> Settings:
        """`settings` on the store this process opened: a new database_url or engine takes a
        restart (the store, its lock and its workers were opened at start); said once in the
        log and on /readyz until then."""
        running = self.settings.config
        if (settings.config.db_url, settings.config.engine) == (running.db_url, running.engine):
            self.restart_needed = None  # (again) the store it runs on
            return settings
        self.restart_needed = ("database_url or engine changed in the config file; it takes "
                               "a restart (the store opened at start is still in use)")  # fmt: skip
        log.error("config reloaded except its store: %s", self.restart_needed)
        kept = {"database_url": running.db_url, "engine": running.engine}
        return replace(settings, config=settings.config.model_copy(update=kept))

    def replay(
        self, since: datetime, advance: Callable[[int], object] = lambda n: None
    ) -> tuple[int, int]:
        """Re-match articles first seen since `since`; (checked, new matches). Matches an
        article already had are not added again, so nothing repeats."""
        matcher = self.rules.active.matcher
        return self.store.articles.rematch(
            since, lambda a: matcher.match(a.full_text, a.language), self.clock(), advance
        )

    def prune(self) -> tuple[int, int]:
        """Apply `retention_days` (and `evidence_days`): (stories deleted, stories emptied
        of their text)."""
        self.evidence.prune()
        days = self.settings.config.retention_days
        if not days:
            return 0, 0
        before = self.clock() - timedelta(days=days)
        deleted, emptied = self.store.articles.prune(before)
        sightings = self.store.candidates.prune(before)
        if deleted or emptied or sightings:
            log.info("retention (%d days): %d stories forgotten, %d matched ones kept "
                     "without their text, %d sightings of candidates forgotten", days, deleted,
                     emptied, sightings)  # fmt: skip
        return deleted, emptied

    def close(self) -> None:
        """Record sends the database missed, stop the worker processes, finish the rule
        warnings (the store and fetcher belong to the caller)."""
        self._relay.record_unrecorded()
        if unrecorded := self._relay.unrecorded():
            log.error("%d send(s) the database never recorded will be sent again at the next "
                      "start (same Message-ID and webhook-id)", unrecorded)  # fmt: skip
        self._poller.close()
        if self._prepare is not None:
            self._prepare.join()  # its warnings are logged before the process ends

    def _route(self, name: str) -> Route | None:
        return next((route for route in self.settings.routes if route.name == name), None)

    def _linted(self) -> Path:
        """Where the fingerprint of the last rules warned about is kept."""
        return self.settings.config.data_dir / "rules-checked"


@contextmanager
def open_pipeline(
    settings: Settings, *, owner: str | None = None, jobs: bool = False, warn_rules: bool = False
) -> Iterator[Pipeline]:
    """The pipeline with its store and fetcher, closed in order when the block ends. With
    `owner` (what is running, e.g. "monitor run"), this process first takes the store's lock
    (StoreBusyError if another holds it) and owes again the sends a stopped owner left
    claimed; `jobs`: multi-node mode's job queue."""
    with ExitStack() as stack:
        url = settings.config.db_url
        lock = stack.enter_context(StoreLock(url, owner)) if owner else None
        store = Store.open(url, jobs=jobs)
        stack.callback(store.close)
        if lock is not None and (released := store.deliveries.release_claims(utcnow())):
            log.warning("%d delivery(ies) were being sent when monitor last stopped; sending "
                        "them again (a receiver may see one twice)", released)  # fmt: skip
        fetcher = stack.enter_context(Fetcher(settings.config.user_agent))
        pipeline = Pipeline(settings, store, fetcher, lock=lock, warn_rules=warn_rules)
        stack.callback(pipeline.close)  # parse workers first: they may be mid-task
        yield pipeline
