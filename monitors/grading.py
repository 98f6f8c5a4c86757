"""Grade a journey result against a monitor's thresholds: ok, degraded or failed.

The journey already fails as ``slow`` past ``max_ms`` when it is given ``Limits``; the
monitor checks again (a journey may be called without limits) and adds ``degraded_ms``,
which only the monitor knows: a degraded probe passes, but ops sees it on the dashboard.
"""

from __future__ import annotations

import time

from monitors.config import Monitor, Threshold
from monitors.history import ProbeRecord, Status
from pages.result import Cause, JourneyResult, Limits


def limits(monitor: Monitor) -> Limits:
    """The journey's time budget: thresholds plus a per-wait timeout under the probe's."""
    steps = {step: t.max_ms for step, t in monitor.steps.items() if t.max_ms is not None}
    timeout_ms = min(30_000.0, monitor.timeout_s * 1000 / 2)
    return Limits(max_ms=monitor.overall.max_ms, step_max_ms=steps, timeout_ms=timeout_ms)


def _over(ms: float, bound: float | None) -> bool:
    return bound is not None and ms > bound


def _breach(monitor: Monitor, result: JourneyResult, attr: str) -> str:
    """The first threshold of kind ``attr`` the result exceeds, in words ('' if none)."""
    for step, ms in result.steps.items():
        threshold = monitor.steps.get(step, Threshold())
        if _over(ms, getattr(threshold, attr)):
            return f"step {step} took {ms:.0f} ms, above its {attr} {getattr(threshold, attr):.0f}"
    if _over(result.duration_ms, getattr(monitor.overall, attr)):
        bound = getattr(monitor.overall, attr)
        return f"journey took {result.duration_ms:.0f} ms, above {attr} {bound:.0f}"
    return ""


def probe_failure(monitor: Monitor, started: float, cause: Cause, error: str) -> JourneyResult:
    """The result of a journey that could not run (no secret, browser crash, hard timeout)."""
    elapsed_ms = (time.time() - started) * 1000
    return JourneyResult.not_run(
        monitor.journey, monitor.target.base_url, monitor.account.cip, cause, error, elapsed_ms
    )


def grade(monitor: Monitor, result: JourneyResult, started: float) -> ProbeRecord:
    """The stored record of a journey: ok, degraded or failed, with the cause."""
    record = ProbeRecord(
        monitor_id=monitor.id,
        target=monitor.target.base_url,
        cip=monitor.account.cip,
        journey=monitor.journey,
        started_at=started,
        steps=dict(result.steps),
        duration_ms=result.duration_ms,
        code_wait_ms=result.code_wait_ms,
    )
    if not result.ok:
        record.cause = result.cause or Cause.UNEXPECTED_PAGE
        record.error, record.failed_step = result.error, result.failed_step
        return record
    if too_slow := _breach(monitor, result, "max_ms"):
        record.cause, record.error = Cause.SLOW, too_slow
        return record
    if slowish := _breach(monitor, result, "degraded_ms"):
        record.status, record.cause, record.error = Status.DEGRADED, Cause.SLOW, slowish
        return record
    record.status = Status.OK
    return record
