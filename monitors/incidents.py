"""The incident state machine: one alert per incident, reminders, one recovery.

State lives in the history file, not in memory, so a restarted runner neither re-alerts an
open incident nor forgets to announce its recovery:

* failures streak (counted from stored probes) reaches ``failures_before_alert`` → open an
  incident and send one ``alert``; a one-off failure followed by a success sends nothing;
* while it stays open, a ``reminder`` every ``reminder_every``;
* the first ``ok``/``degraded`` probe resolves it and sends one ``recovery``;
* a pause for the account's sake opens the incident at once (whatever N is) and says so;
* so does an up-check failure confirmed by a second up-check (``confirmed``): the second
  check is the confirmation N asks for, and an outage must be heard of within a minute;
* an alert no channel accepted is sent again with the next failed probe (``undelivered``).
"""

from __future__ import annotations

from monitors.alerts import Notice
from monitors.config import AlertPolicy, Monitor
from monitors.history import History, Incident, ProbeRecord


def _notice(
    kind: str, monitor: Monitor, incident: Incident, probe: ProbeRecord, paused: bool
) -> Notice:
    return Notice(
        kind=kind,
        monitor_id=monitor.id,
        target=monitor.target.base_url,
        cause=incident.cause,
        since=incident.since,
        last_error=incident.last_error,
        failed_step=incident.failed_step,
        failures=incident.failures,
        at=probe.started_at,
        paused=paused,
        probe=probe.probe,
    )


def evaluate(
    history: History,
    monitor: Monitor,
    policy: AlertPolicy,
    probe: ProbeRecord,
    *,
    paused_now: bool = False,
    confirmed: bool = False,
) -> list[Notice]:
    """Update the monitor's incident after ``probe`` (already recorded); return what to send."""
    now = probe.started_at
    incident = history.open_incident(monitor.id)
    if probe.up:
        if incident is None:
            return []
        incident.resolved_at = now
        history.save_incident(incident)
        if not policy.recovery_notice or incident.notified_at is None:
            return []
        return [_notice("recovery", monitor, incident, probe, paused=False)]

    failures, since = history.streak(monitor.id)
    if incident is None:
        if failures < policy.failures_before_alert and not (paused_now or confirmed):
            return []  # maybe transient: wait for the next probe
        incident = Incident(
            monitor_id=monitor.id, since=since or now, cause=probe.cause or "unknown"
        )
        kind = "alert"
    elif incident.notified_at is None:
        kind = "alert"  # opened earlier but its alert was not delivered: try again
    elif paused_now:
        kind = "paused"
    elif incident.notified_at is not None and now - incident.notified_at >= policy.reminder_every_s:
        kind = "reminder"
    else:
        kind = None
    incident.cause = probe.cause or incident.cause
    incident.last_error, incident.failed_step = probe.error, probe.failed_step
    incident.failures = failures
    if kind:
        incident.notified_at = now
    history.save_incident(incident)
    return [_notice(kind, monitor, incident, probe, paused=paused_now)] if kind else []


def undelivered(history: History, monitor_id: str) -> None:
    """The incident's alert reached no channel: forget it was sent, so the next failed probe
    sends it again instead of leaving ops unaware of an open incident."""
    incident = history.open_incident(monitor_id)
    if incident is not None:
        incident.notified_at = None
        history.save_incident(incident)
