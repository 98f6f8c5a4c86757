"""Grade a journey result against a monitor's thresholds: ok, degraded or failed.

The journey already fails as ``slow`` past ``max_ms`` when it is given ``Limits``; the
monitor checks again (a journey may be called without limits) and adds ``degraded_ms``,
which only the monitor knows: a degraded probe passes, but ops sees it on the dashboard.

Then the downgrades of what is announced in advance, in this order: the target's TLS
certificate close to its end (``monitors.tls.grade``), and a notice the table of notice
kinds says ops must hear of (``wording.notices``: the password expiring within
``alerts.password_expiry_warn_days``). The dates they imply go with the record
(``ProbeRecord.expiries``) for the one sink that stores them.
"""

from __future__ import annotations

import time

from monitors import step_network, tls
from monitors.config import AlertPolicy, Monitor, Threshold
from monitors.history import ProbeRecord, Status
from pages.result import Cause, JourneyResult, Limits
from wording.notices import Alert, JourneyWarning

DAY = 86400.0


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


def _alerting(warnings: list[JourneyWarning]) -> list[tuple[int, JourneyWarning, Alert]]:
    """The warnings ops may hear of, with their counted field (``days``) and their row's
    alert, smallest first."""
    found = []
    for warning in warnings:
        alert = warning.row.alert
        value = warning.number(alert.field) if alert else None
        if alert is not None and value is not None:
            found.append((value, warning, alert))
    return sorted(found, key=lambda each: each[0])


def expiries(record: ProbeRecord, tls_not_after: float | None) -> dict[str, float]:
    """The dates a probe learnt: the certificate's end, and each alerting notice's (its
    field counts days from the probe)."""
    found = {"tls": tls_not_after} if tls_not_after is not None else {}
    for value, _, alert in reversed(_alerting(record.warnings)):
        if alert.expiry:
            found[alert.expiry] = record.started_at + value * DAY
    return found


def downgrade(record: ProbeRecord, alerts: AlertPolicy, tls_not_after: float | None) -> None:
    """Degrade a probe for what is announced in advance: the certificate's end (failed under
    ``tls.CRITICAL_DAYS``), then, for a passed probe, a notice within its ``[alerts]`` bound:
    once the password expires every probe fails, so ops must change it before then."""
    if tls_not_after is not None and record.status != Status.FAILED:
        left = tls_not_after - time.time()
        level = tls.grade(left)
        if level != Status.OK:
            record.status, record.cause = level, Cause.TLS_EXPIRING
            record.error = f"certificate expires in {left / DAY:.1f} days"
    if record.status != Status.OK:
        return
    for value, warning, alert in _alerting(record.warnings):
        if value <= getattr(alerts, alert.within):
            record.status, record.cause = Status.DEGRADED, alert.cause
            values = {alert.field: value, "cip": record.cip, "text": warning.text}
            record.error = alert.error.format(**values)
            return


def grade(
    monitor: Monitor,
    result: JourneyResult,
    started: float,
    alerts: AlertPolicy | None = None,
    tls_not_after: float | None = None,
) -> ProbeRecord:
    """The stored record of a journey: ok, degraded or failed, with the cause, and the dates
    it learnt; ``tls_not_after``: the target's certificate end, read before the journey."""
    record = _against_thresholds(monitor, result, started)
    record.expiries = expiries(record, tls_not_after)
    downgrade(record, alerts or AlertPolicy(), tls_not_after)
    return record


def _against_thresholds(monitor: Monitor, result: JourneyResult, started: float) -> ProbeRecord:
    record = ProbeRecord(
        monitor_id=monitor.id,
        target=monitor.target.base_url,
        cip=monitor.account.cip,
        journey=monitor.journey,
        started_at=started,
        steps=dict(result.steps),
        duration_ms=result.duration_ms,
        code_wait_ms=result.code_wait_ms,
        warnings=list(result.warnings),
        network=step_network.as_json(result.network),
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
