"""One probe, from the safety checks to the alert.

``Prober.probe(monitor)`` is the whole life of a probe: skip it if the monitor is paused or
the account's failed-login budget is spent, take the account lock, check the TLS certificate,
check the vault, run the journey in a fresh browser context under a hard timeout, grade the
result against the thresholds, then store it, update the incident, send notices and metrics.
A failure's notice carries the masked screen of the failing step next to that step's last
success (``ScreenStore``); certificate and password expiry are kept for the status page.
The journey is one function of a Playwright page returning a ``JourneyResult``; which one
(``later_login`` or ``first_access``) is decided by ``journeys.bind``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from monitors import safety, tls
from monitors.alerts import Channels
from monitors.chromium import WarmBrowser
from monitors.config import Config, Monitor
from monitors.grading import grade, probe_failure
from monitors.history import History, ProbeRecord, Status
from monitors.journeys import Binder, SetupError
from monitors.metrics import ProbeMetrics
from monitors.screens import ScreenStore
from monitors.sinks import Outcome, Sinks
from pages.browser import RemoteBrowserError
from pages.journeys import NotEnrolled
from pages.result import Cause, JourneyResult
from pages.steps import capturing_screens

__all__ = ["Outcome", "ProbeBroken", "Prober"]

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
        self.stop: threading.Event | None = None  # set by the runner on SIGTERM/SIGINT
        self.lock_dir = config.history.parent / (config.history.name + ".locks")
        for monitor in config.monitors:
            self.metrics.seed(
                monitor.id, monitor.target.base_url, history.last_success(monitor.id),
                history.paused(monitor.id) is not None,
            )  # fmt: skip

    # The sinks' parts, as attributes of the prober for the runner and the tests.
    history = property(lambda self: self.sinks.history)
    metrics = property(lambda self: self.sinks.metrics)
    allure = property(lambda self: self.sinks.allure)

    @property
    def channels(self) -> Channels:
        return self.sinks.channels

    @channels.setter
    def channels(self, channels: Channels) -> None:
        self.sinks.channels = channels

    def probe(self, monitor: Monitor) -> Outcome:
        target, cip = monitor.target.base_url, monitor.account.cip
        lock = safety.account_lock(self.lock_dir, target, cip)
        try:
            safety.acquire(lock, timeout_s=monitor.timeout_s)
        except safety.AccountBusy as exc:
            return Outcome(monitor.id, skipped=str(exc))
        try:  # checked under the lock: another process may have just used the account
            if why := self._must_skip(monitor):
                return Outcome(monitor.id, skipped=why)
            record, result = self._run(monitor)
        finally:
            lock.release()
        if self.stop is not None and self.stop.is_set():
            return Outcome(monitor.id, skipped="runner stopping: probe discarded")
        return self.settle(monitor, record, result)

    def _must_skip(self, monitor: Monitor) -> str:
        """Why this probe must not log in now ('' if it may)."""
        target, cip = monitor.target.base_url, monitor.account.cip
        pause = self.history.paused(monitor.id)  # `resume` may run in another process
        self.metrics.set_paused(monitor.id, target, pause is not None)
        if pause is not None:
            return f"{pause[1]}; run 'python -m monitors resume {monitor.id}'"
        retry_at = safety.budget_exhausted(self.history, target, cip, time.time())
        if retry_at is not None:
            when = time.strftime("%H:%M:%S", time.localtime(retry_at))
            return f"3 failed logins on this account in 15 min; next try after {when}"
        return ""

    def _run(self, monitor: Monitor) -> tuple[ProbeRecord, JourneyResult]:
        """The stored record, and the journey's result it was graded from."""
        started = time.time()
        tls_left = None
        if monitor.target.is_https:
            try:
                not_after = tls.not_after(monitor.target.base_url, timeout=10)
            except OSError:
                pass  # unreachable: the journey will say so in its own words
            else:
                self.metrics.set_cert_expiry(monitor.id, monitor.target.base_url, not_after)
                self.history.set_expiry(monitor.id, "tls", not_after, at=started)
                tls_left = not_after - time.time()
        try:
            result = self._journey(monitor, self.binder.bind(monitor))
        except NotEnrolled as exc:
            result = probe_failure(monitor, started, Cause.NOT_ENROLLED, str(exc))
        except (SetupError, ProbeBroken) as exc:  # password file gone, browser crash...
            result = probe_failure(monitor, started, Cause.PROBE_ERROR, str(exc))
        record = grade(monitor, result, started)
        if tls_left is not None and record.status != Status.FAILED:
            level = tls.grade(tls_left)
            if level != Status.OK:
                record.status, record.cause = level, Cause.TLS_EXPIRING
                record.error = f"certificate expires in {tls_left / 86400:.1f} days"
        if result.password_expires_at is not None:
            self.history.set_expiry(monitor.id, "password", result.password_expires_at, started)
        return record, result

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
                with capturing_screens():
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
        except ProbeBroken:
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
    ) -> Outcome:
        return self.sinks.settle(monitor, record, result, confirmed=confirmed)
