"""Where a finished probe goes: history, incident, the alert outbox, metrics, Allure.

One ``Sinks`` per thread that settles probes: the journey loop has one, the up-check loop
another with its own SQLite connection (a connection belongs to the thread that opened it)
and its own apprise object, sharing the metrics registry (thread-safe). Both write the same
history file; each probe's writes are one ``BEGIN IMMEDIATE`` transaction, so the incident
they both update is never read half-written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from monitors import incidents
from monitors.alerts import Channels, Notice
from monitors.config import Config, Monitor
from monitors.history import History, ProbeRecord
from monitors.metrics import ProbeMetrics
from monitors.screens import ScreenStore
from pages.result import JourneyResult


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

    def __post_init__(self) -> None:
        self.schedule = self.config.schedule()  # maintenance windows

    def in_maintenance(self, monitor: Monitor, at: float) -> bool:
        return self.schedule.active(monitor.id, monitor.target.name, at) is not None

    def settle(
        self,
        monitor: Monitor,
        record: ProbeRecord,
        result: JourneyResult | None = None,
        *,
        confirmed: bool = False,
        paused_now: bool = False,
    ) -> Outcome:
        """Store the record and queue its notices in one transaction, then deliver the outbox;
        a failure's notices carry the failing screen of ``result`` and that step's last success.
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
            notices = incidents.evaluate(
                self.history, monitor, self.config.alerts, record, self.channels,
                paused_now=paused_now, confirmed=confirmed,
            )  # fmt: skip
            notices += incidents.password_warning(self.history, monitor, record, row, self.channels)
        self.metrics.observe(record, target)
        if paused_now:
            self.metrics.set_paused(monitor.id, target, True)
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
