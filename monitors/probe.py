"""One probe, from the account guard to the alert.

``Prober.probe(monitor)`` is the whole life of a probe: open an attempt on the account guard
(``authenticator.guard``: the account's lock, its pause and its budget of unproven
submissions, shared by every process of the machine), check the TLS certificate, check the
vault, run the journey in a fresh browser context under a hard timeout (the journey reports
each password and code to the attempt before sending it), grade the result against the
thresholds and what is announced in advance (``monitors.grading``), and hand the one record
to the sinks (``monitors.sinks.settle``), which store it with its expiry dates, queue and
deliver its notices and update the metrics. A failure's notice carries the masked screen of
the failing step next to that step's last success (``ScreenStore``), and the record names
the scrubbed Playwright trace the monitor's ``trace`` mode kept (``TraceStore``), so a
failure can be replayed.
The journey is one function of a Playwright page returning a ``JourneyResult``; which one
(``later_login`` or ``first_access``) is decided by ``journeys.bind``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from authenticator.guard import AccountBusy, AccountGuard, AccountPaused, Attempt, GuardError
from monitors import tls
from monitors.alerts import Channels, Notice
from monitors.chromium import WarmBrowser
from monitors.config import Config, Monitor
from monitors.grading import grade, probe_failure
from monitors.history import History, ProbeRecord
from monitors.journeys import Binder, SetupError
from monitors.metrics import ProbeMetrics
from monitors.screens import ScreenStore
from monitors.sinks import Outcome, Sinks
from monitors.traces import TraceStore
from pages.browser import RemoteBrowserError
from pages.journeys import NotEnrolled
from pages.result import Cause, JourneyResult
from reports.tracing import Tracer

__all__ = ["Outcome", "ProbeBroken", "Prober"]

log = logging.getLogger(__name__)
LAUNCH_TIMEOUT_S = 90.0  # (re)launching Chromium; Playwright's own launch timeout is 30 s


class ProbeBroken(RuntimeError):
    """The probe itself failed (browser crash, hard timeout): cause ``probe_error``."""


class Prober:
    def __init__(
        self,
        config: Config,
        history: History,
        browser: WarmBrowser,
        binder: Binder,
        metrics: ProbeMetrics | None = None,
        channels: Channels | None = None,
        allure=None,
        guard: AccountGuard | None = None,
    ) -> None:
        self.config, self.browser, self.binder = config, browser, binder
        self.sinks = Sinks(
            config,
            history,
            metrics or ProbeMetrics(config.probe.name),
            channels or Channels(config.alerts.channels, config.language, config.report_url),
            allure,
            ScreenStore(config.history.parent / (config.history.name + ".screens")),
        )
        # Beside the screens store, with its privacy: a kept trace shows the portal's pages.
        self.traces = TraceStore(config.history.parent / (config.history.name + ".traces"),
                                 config.traces)  # fmt: skip
        self.traces.prune()  # bounds changed in the config apply at start, not at a failure
        self.guard = guard or config.guard.open()
        self.stop: threading.Event | None = None  # set by the runner on SIGTERM/SIGINT
        for monitor in config.monitors:
            self.sinks.watch(monitor, paused=self.guard.status(monitor.identity).paused)

    # The sinks' parts, as attributes of the prober for the runner and the tests.
    history = property(lambda self: self.sinks.history)
    metrics = property(lambda self: self.sinks.metrics)
    allure = property(lambda self: self.sinks.allure)
    screens = property(lambda self: self.sinks.screens)

    @property
    def channels(self) -> Channels:
        return self.sinks.channels

    @channels.setter
    def channels(self, channels: Channels) -> None:
        self.sinks.channels = channels

    def probe(self, monitor: Monitor) -> Outcome:
        paused_now, result = False, None
        try:
            with self.guard.attempt(monitor.identity, wait_s=monitor.timeout_s) as attempt:
                self.sinks.paused(monitor, False)
                record, result = self._run(monitor, attempt)
            paused_now = attempt.paused_now
        except AccountBusy as exc:
            return Outcome(monitor.id, skipped=str(exc))
        except AccountPaused as exc:  # `resume` may run in another process: asked each time
            self.sinks.paused(monitor, True)
            if not exc.caused_here:
                return Outcome(monitor.id, skipped=str(exc))
            # Paused just now (by this journey, or by unproven submissions of a process that
            # died): this probe sends the one "paused" alert.
            record, paused_now = self._not_run(monitor, Cause.ACCOUNT_PAUSED, str(exc)), True
        except GuardError as exc:  # no login without the guard: ops must hear of it
            record = self._not_run(monitor, Cause.PROBE_ERROR, f"account guard: {exc}")
        if self.stop is not None and self.stop.is_set() and not paused_now:
            return Outcome(monitor.id, skipped="runner stopping: probe discarded")
        return self.settle(monitor, record, result, paused_now=paused_now)

    def _not_run(self, monitor: Monitor, cause: Cause, error: str) -> ProbeRecord:
        started = time.time()
        failure = probe_failure(monitor, started, cause, error)
        return grade(monitor, failure, started, self.config.alerts)

    def _run(self, monitor: Monitor, attempt: Attempt) -> tuple[ProbeRecord, JourneyResult]:
        """The stored record, and the journey's result it was graded from."""
        started = time.time()
        not_after = None
        if monitor.target.is_https:
            with contextlib.suppress(OSError):  # unreachable: the journey says so in its words
                not_after = tls.not_after(monitor.target.base_url, timeout=10)
        tracer = self._tracer(monitor, started)
        try:
            # The masked screen of a failing step, and of every step now and then: an alert
            # shows the failing one beside the last success.
            every = self.screens is not None and self.screens.due(monitor.id, started)
            journey = functools.partial(
                self.binder.bind(monitor),
                attempt=attempt,
                screenshots="every step" if every else "failed step",
                trace=tracer,
            )
            result = self._journey(monitor, journey)
        except NotEnrolled as exc:
            result = probe_failure(monitor, started, Cause.NOT_ENROLLED, str(exc))
        except (SetupError, ProbeBroken) as exc:  # password file gone, browser crash...
            result = probe_failure(monitor, started, Cause.PROBE_ERROR, str(exc))
        record = grade(monitor, result, started, self.config.alerts, not_after)
        if tracer is not None and tracer.kept is not None:
            record.trace = str(tracer.kept)
            self.traces.prune()
        return record, result

    def _tracer(self, monitor: Monitor, started: float) -> Tracer | None:
        """The journey's tracer (None when the monitor traces nothing); the file it keeps is
        scrubbed of the account's password and of every code (``reports.trace_scrub``)."""
        if monitor.trace == "off":
            return None
        path = self.traces.path_for(monitor.id, started)
        return Tracer(path, monitor.trace, detail=monitor.trace_detail)

    def _journey(self, monitor: Monitor, journey) -> JourneyResult:
        """Run the journey in a fresh context on the browser thread.

        The probe's timeout starts once the page is ready: (re)launching Chromium on a busy
        machine is not the portal's time, and killing a browser mid-launch leaves Playwright
        waiting for its own launch timeout. Past the timeout the browser is killed (and
        relaunched on the next probe): a sync Playwright call cannot be interrupted otherwise.
        Raises ``ProbeBroken`` when the probe, not the portal, failed.
        """
        ready = threading.Event()

        def work() -> JourneyResult:
            context = self.browser.new_context(
                ignore_https_errors=not monitor.target.verify_tls,
                ws_endpoint=monitor.target.browser_ws,
            )
            try:
                page = context.new_page()
                ready.set()
                return journey(page)
            finally:
                with contextlib.suppress(Exception):  # a context of a dying browser
                    context.close()

        future = self.browser.submit(work)
        try:
            if not self._wait(future, LAUNCH_TIMEOUT_S, ready):
                self._abandon(future)
                raise ProbeBroken(f"the browser did not start in {LAUNCH_TIMEOUT_S} s")
            if not self._wait(future, monitor.timeout_s):
                self._abandon(future)
                raise ProbeBroken(
                    f"probe exceeded its {monitor.timeout_s:.0f} s timeout; browser restarted"
                )
            if self.stop is not None and self.stop.is_set() and not future.done():
                raise ProbeBroken("runner stopping")
            return future.result()
        except (ProbeBroken, AccountPaused):  # AccountPaused: the journey's next submission
            raise
        except RemoteBrowserError as exc:
            raise ProbeBroken(str(exc)) from None
        except Exception as exc:  # a browser crash: the probe failed, not the portal
            first_line = str(exc).splitlines()[0][:200] if str(exc) else ""
            raise ProbeBroken(f"browser error: {type(exc).__name__}: {first_line}") from None

    def _wait(self, future: Future, seconds: float, until: threading.Event | None = None) -> bool:
        """Wait for ``future`` (or ``until``) in short slices, so SIGTERM is never kept
        waiting; False when ``seconds`` ran out first."""
        deadline = time.monotonic() + seconds
        while not future.done() and not (until is not None and until.is_set()):
            if self.stop is not None and self.stop.is_set():
                return True
            if time.monotonic() >= deadline:
                return False
            with contextlib.suppress(FutureTimeout):
                future.result(timeout=min(0.5, max(0.0, deadline - time.monotonic())))
        return True

    def _abandon(self, future: Future) -> None:
        self.browser.kill()
        with contextlib.suppress(Exception):
            future.result(timeout=60)  # let the browser thread unwind before the next probe

    def settle(
        self,
        monitor: Monitor,
        record: ProbeRecord,
        result: JourneyResult | None = None,
        *,
        confirmed: bool = False,
        paused_now: bool = False,
    ) -> Outcome:
        return self.sinks.settle(monitor, record, result, confirmed=confirmed,
                                 paused_now=paused_now)  # fmt: skip

    def deliver(self) -> list[Notice]:
        """Send what the outbox holds (notices a crash or a channel down left behind)."""
        return self.sinks.deliver()
