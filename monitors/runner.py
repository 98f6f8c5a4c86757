"""The long-lived runner and ``--once``.

One process, one warm Chromium (``WarmBrowser``), monitors run one after the other in due
order: the sync Playwright API is bound to one thread, and probes of the same portal gain
nothing from racing each other. Beside them, a lighter loop (``monitors.upcheck.UpWatch``, its
own thread, no browser) checks every ``up_every`` that each login page is there, alerts on an
outage within a minute and asks for a journey at once when the portal is back. Each scheduled
journey starts when its code step falls early in an unused TOTP step (``monitors.alignment``),
so a probe never waits for a code; one asked for at once starts at once. SIGTERM/SIGINT
stop both loops; a probe in flight is cut short by killing this runner's own Chromium, is not
recorded (a shutdown is not an outage), and the browser is closed so no Chromium outlives the
runner.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from croniter import croniter

from monitors.alerts import cause_words
from monitors.alignment import Aligner, for_prober
from monitors.config import Config, Monitor
from monitors.probe import Outcome, Prober
from monitors.upcheck import UpWatch
from wording.portal_text import for_terminal


def next_due(monitor: Monitor, after: float) -> float:
    """Next start time strictly after ``after`` (interval or cron, in local time like cron)."""
    if monitor.cron:
        return croniter(monitor.cron, datetime.fromtimestamp(after)).get_next(float)
    assert monitor.every_s is not None
    return after + monitor.every_s


def first_due(monitor: Monitor, now: float) -> float:
    """Interval monitors start at once; cron monitors wait for their first slot."""
    return next_due(monitor, now) if monitor.cron else now


def progress_line(outcome: Outcome) -> str:
    """One line per probe for a terminal or a container log; never a secret, never a control
    character of the page's (``wording.portal_text``)."""
    clock = time.strftime("%H:%M:%S")
    if outcome.record is None:
        return f"{clock}  {outcome.monitor_id:<24} SKIPPED   {outcome.skipped}"
    rec = outcome.record
    steps = " · ".join(f"{step} {ms:.0f}" for step, ms in rec.steps.items())
    line = f"{clock}  {rec.monitor_id:<24} {rec.status.upper():<9} {rec.duration_ms:>6.0f} ms"
    if steps:
        line += f"  ({steps})"
    if rec.cause:
        line += f"  {cause_words(rec.cause)}"
        if rec.error:
            line += f": {for_terminal(rec.error)}"
    for notice in outcome.delivered:
        line += f"  [{notice.kind} sent]"
    for notice in outcome.notices:
        if notice not in outcome.delivered:
            line += f"  [{notice.kind} queued]"
    return line


class Runner:
    #: A probe that starts this late after its planned start is planned again.
    LATE_S = 1.0

    def __init__(
        self,
        config: Config,
        prober: Prober,
        out: TextIO | None = None,
        aligner: Aligner | None = None,
    ) -> None:
        self.config, self.prober = config, prober
        self.aligner = aligner or for_prober(prober)
        self.out = out if out is not None else sys.stdout
        self.stop = threading.Event()
        prober.stop = self.stop
        self._now: set[str] = set()  # monitors whose journey must run at once
        self._now_lock = threading.Lock()
        # Told of every outcome once it is settled (e.g. the status page's cache), from the
        # journeys' thread or the up-check's.
        self.listeners: list[Callable[[Outcome], None]] = []

    def _report(self, outcome: Outcome) -> None:
        print(progress_line(outcome), file=self.out, flush=True)
        for listener in self.listeners:
            listener(outcome)

    def install_signal_handlers(self) -> None:
        """First SIGTERM/SIGINT: stop after cutting the current probe short; second: exit."""

        def handle(signum: int, _frame: object) -> None:
            if self.stop.is_set():
                raise KeyboardInterrupt
            self.stop.set()
            self.prober.browser.kill()  # ends a probe in flight; close() cleans up after

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

    def send_queued(self) -> None:
        """At start: send the notices a previous run queued but could not deliver (killed
        while sending, channel down)."""
        for notice in self.prober.deliver():
            clock = time.strftime("%H:%M:%S")
            print(f"{clock}  {notice.monitor_id:<24} {notice.kind} from the outbox sent",
                  file=self.out, flush=True)  # fmt: skip

    def journey_now(self, monitor_id: str) -> None:
        """Run this monitor's journey as soon as the current one ends (thread-safe)."""
        with self._now_lock:
            self._now.add(monitor_id)

    def _take_now(self) -> set[str]:
        with self._now_lock:
            taken, self._now = self._now, set()
        return taken

    def run_forever(self, max_probes: int | None = None) -> int:
        """Probe every monitor on its schedule until stopped; returns the number of probes."""
        self.send_queued()
        watch_stop = threading.Event()  # the up-check loop ends with the journeys' loop
        watch = UpWatch(self.config, self.prober.metrics, self.journey_now, watch_stop,
                        report=self._report).start()  # fmt: skip
        try:
            return self._journeys(max_probes)
        finally:
            watch_stop.set()
            watch.join()

    def _journeys(self, max_probes: int | None) -> int:
        now = time.time()
        due = {m.id: first_due(m, now) for m in self.config.monitors}
        by_id = {m.id: m for m in self.config.monitors}
        starts: dict[str, float] = {}  # the planned start of each monitor that is due
        urgent: set[str] = set()  # asked for at once: started as soon as possible, unaligned
        done = 0
        while not self.stop.is_set() and (max_probes is None or done < max_probes):
            for monitor_id in self._take_now():
                due[monitor_id] = starts[monitor_id] = min(due[monitor_id], time.time())
                urgent.add(monitor_id)
            monitor_id = min(due, key=lambda m: starts.get(m, due[m]))
            wait = starts.get(monitor_id, due[monitor_id]) - time.time()
            if wait > 0:
                self.stop.wait(min(wait, 0.5))
                continue
            if monitor_id not in urgent and (monitor_id not in starts or -wait > self.LATE_S):
                starts[monitor_id] = self.aligner.plan(by_id[monitor_id], time.time())
                continue
            starts.pop(monitor_id, None)
            urgent.discard(monitor_id)
            outcome = self.prober.probe(by_id[monitor_id])
            if self.stop.is_set():
                break
            self._report(outcome)
            done += 1
            # A late probe does not trigger a burst of catch-up probes.
            due[monitor_id] = max(next_due(by_id[monitor_id], due[monitor_id]), time.time())
        return done

    def run_once(self) -> bool:
        """Each monitor once, in config order; True when every probe passed."""
        self.send_queued()
        passed = True
        for monitor in self.config.monitors:
            if self.stop.is_set():
                return False
            outcome = self.prober.probe(monitor)
            self._report(outcome)
            passed &= outcome.record is not None and outcome.record.up
        return passed
