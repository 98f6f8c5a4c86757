"""Where a finished probe goes: history, incident, the alert outbox, metrics, Allure.

The one writer of each output: a probe's record (``ProbeRecord``, graded by
``monitors.grading``) comes here and nowhere else; its row, the expiry dates it learnt, its
incident and its notices in the outbox are one ``BEGIN IMMEDIATE`` transaction of the
history, so the incident both loops update is never read half-written and a crash leaves
all of them or none. Metrics are written here only, through ``monitors.metrics`` (the
up-check's samples and the account's pause too).

One ``Sinks`` per thread that settles probes: the journey loop has one, the up-check loop
another with its own SQLite connection (a connection belongs to the thread that opened it)
and its own apprise object, sharing the metrics registry (thread-safe).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from monitors import incidents
from monitors.alerts import Channels, Notice
from monitors.config import Config, Monitor
from monitors.history import History, ProbeRecord
from monitors.metrics import ProbeMetrics
from monitors.screens import ScreenStore
from pages.result import JourneyResult

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What the runner prints: the stored record, or why no probe ran."""

    monitor_id: str
    record: ProbeRecord | None = None
    skipped: str = ""  # why the probe did not run (account paused or busy)
    notices: tuple[Notice, ...] = ()  # queued by this probe
    delivered: tuple[Notice, ...] = ()  # accepted by a channel meanwhile (older ones too)


@dataclass
class Sinks:
    config: Config
    history: History
    metrics: ProbeMetrics
    channels: Channels
    allure: object | None = None  # monitors.results_allure.AllureWriter
    screens: ScreenStore | None = None  # last successful screen per step, for alerts
    _windowed: dict[str, bool] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.schedule = self.config.schedule()  # maintenance windows

    def in_maintenance(self, monitor: Monitor, at: float) -> bool:
        return self.schedule.active(monitor.id, monitor.target.name, at) is not None

    def watch(self, monitor: Monitor, *, paused: bool) -> None:
        """Seed ``monitor``'s series from the history (a fresh process reports the true last
        success) and the guard, and answer ``probe_maintenance`` at each scrape."""
        target = monitor.target.base_url
        self.metrics.seed(monitor.id, target, self.history.last_success(monitor.id), paused)
        in_window = functools.partial(self._in_window, monitor)
        self.metrics.watch_maintenance(monitor.id, target, in_window)

    def _in_window(self, monitor: Monitor) -> bool:
        """For ``probe_maintenance`` at a scrape: a history busy past its timeout keeps the
        last answer rather than failing the whole exposition."""
        try:
            self._windowed[monitor.id] = self.in_maintenance(monitor, time.time())
        except sqlite3.Error as exc:
            log.warning("maintenance windows of %s unread: %s", monitor.id, exc)
        return self._windowed.get(monitor.id, False)

    def paused(self, monitor: Monitor, paused: bool) -> None:
        """Whether the account guard holds ``monitor``'s account paused, as the guard said."""
        self.metrics.set_paused(monitor.id, monitor.target.base_url, paused)

    def sample(
        self, monitor: Monitor, ok: bool, seconds: float, status: int, not_after: float | None
    ) -> None:
        """One up-check's sample (no record: only a confirmed failure is settled)."""
        self.metrics.observe_upcheck(monitor.id, monitor.target.base_url, ok, seconds, status,
                                     not_after)  # fmt: skip

    def settle(
        self,
        monitor: Monitor,
        record: ProbeRecord,
        result: JourneyResult | None = None,
        *,
        confirmed: bool = False,
        paused_now: bool = False,
    ) -> Outcome:
        """Store the record, its expiry dates and its notices in one transaction, then update
        the metrics and deliver the outbox; a failure's notices carry the failing screen of
        ``result`` and that step's last success.
        A probe inside a maintenance window is stored as such and alerts nobody.

        ``confirmed``: the failure was already seen twice (an up-check and its confirmation),
        so the incident opens now rather than after ``failures_before_alert`` probes.
        ``paused_now``: this probe paused the account (the guard said so): the one "paused"
        alert.
        """
        record.probe = record.probe or self.config.probe.name
        record.maintenance = record.maintenance or self.in_maintenance(monitor, record.started_at)
        target = monitor.target.base_url
        with self.history.transaction():
            row = self.history.record(record)
            for kind, expires_at in record.expiries.items():
                self.history.set_expiry(monitor.id, kind, expires_at, record.started_at)
            notices = incidents.evaluate(
                self.history, monitor, self.config.alerts, record, self.channels,
                paused_now=paused_now, confirmed=confirmed,
            )  # fmt: skip
            notices += incidents.notice_warning(self.history, monitor, record, row, self.channels)
        self.metrics.observe(record, target)
        if paused_now:
            self.paused(monitor, True)
        if self.screens is not None:
            shown = self.screens.compare(monitor.id, result)
            if result is not None:
                self.screens.keep(monitor.id, result)
            notices = [
                n if n.kind == "recovery" else dataclasses.replace(n, screens=shown)
                for n in notices
            ]
        delivered = self.deliver(notices)
        if self.allure is not None:
            self.allure.write(monitor, record)
        return Outcome(monitor.id, record, notices=tuple(notices), delivered=tuple(delivered))

    def deliver(self, fresh: Sequence[Notice] = ()) -> list[Notice]:
        """Send what the outbox holds: ``fresh`` (this probe's, with their screens) and any
        notice a crash or a channel down left behind."""
        return incidents.deliver(self.history, self.channels, fresh)
