"""The incident state machine: one alert per incident, reminders, one recovery.

State lives in the history file, not in memory, so a restarted runner neither re-alerts an
open incident nor forgets to announce its recovery:

* failures streak (counted from stored probes) reaches ``failures_before_alert`` → open an
  incident and send one ``alert``; a one-off failure followed by a success sends nothing;
* while it stays open, a ``reminder`` every ``reminder_every``;
* the first ``ok``/``degraded`` probe resolves it and sends one ``recovery``;
* a failure inside a maintenance window (``probe.maintenance``) opens nothing and sends
  nothing; the first failure after the window alerts at once when the streak it ends began
  inside the window: the portal has been failing for the whole window already;
* a pause for the account's sake opens the incident at once (whatever N is) and says so,
  inside a window too: the account waits for a person's ``resume`` either way;
* so does an up-check failure confirmed by a second up-check (``confirmed``): the second
  check is the confirmation N asks for, and an outage must be heard of within a minute;
* every notice goes through the history's outbox: ``evaluate`` queues it in the probe's
  transaction, ``deliver`` sends the queue and marks the incident notified only once a
  channel accepted a notice, so an alert lost to a crash or a channel down is sent later, once.

Apart from incidents, one ``warning`` when a passed probe is first degraded by a notice the
table of notice kinds says ops must hear of (``notice_warning``; ``wording.notices``: the
portal starts saying that the monitoring account's password expires soon).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable

from monitors import step_network
from monitors.alerts import Channels, Notice
from monitors.config import AlertPolicy, Monitor
from monitors.history import History, Incident, ProbeRecord
from wording.notices import alerting

#: The outbox's incident id of a notice that belongs to no incident (a warning).
NO_INCIDENT = 0


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
        **_evidence(probe),
    )


def _evidence(probe: ProbeRecord) -> dict[str, object]:
    """What a failed probe leaves to look at: its trace and its first failed request."""
    if probe.up:
        return {}
    found: dict[str, object] = {"trace": probe.trace}
    request = step_network.first_failed_request(probe.failed_step, probe.network)
    if request is not None:
        found["request"] = f"{request['method']} {request['path']}"
        found["request_status"] = request.get("status") or 0
        found["request_error"] = request.get("error") or ""
    return found


def evaluate(
    history: History,
    monitor: Monitor,
    policy: AlertPolicy,
    probe: ProbeRecord,
    channels: Channels,
    *,
    paused_now: bool = False,
    confirmed: bool = False,
) -> list[Notice]:
    """Update the monitor's incident after ``probe`` (already recorded) and queue what ops
    must hear in the outbox; returns the notices queued. Call inside the probe's transaction."""
    now = probe.started_at
    incident = history.open_incident(monitor.id)
    if probe.up:
        if incident is None:
            return []
        incident.resolved_at = now
        history.save_incident(incident)
        history.drop(incident_id=incident.id)  # an alert still queued is moot now
        if not policy.recovery_notice or incident.notified_at is None:
            return []
        notice = _notice("recovery", monitor, incident, probe, paused=False)
        return _queue(history, channels, incident.id, notice)

    if probe.maintenance and not paused_now:
        return []  # planned work: stored, told to nobody
    failures, since = history.streak(monitor.id)
    if incident is None:
        confirmed = confirmed or _failing_since_window(history, monitor.id, since)
        if failures < policy.failures_before_alert and not (paused_now or confirmed):
            return []  # maybe transient: wait for the next probe
        incident = Incident(
            monitor_id=monitor.id, since=since or now, cause=probe.cause or "unknown"
        )
        kind = "alert"
    elif paused_now:
        kind = "paused"
    elif history.pending(incident.id):
        kind = None  # its notice is still in the outbox: it goes out before anything new
    elif incident.notified_at is None:
        kind = "alert"
    elif now - incident.notified_at >= policy.reminder_every_s:
        kind = "reminder"
    else:
        kind = None
    incident.cause = probe.cause or incident.cause
    incident.last_error, incident.failed_step = probe.error, probe.failed_step
    incident.failures = failures
    history.save_incident(incident)
    if kind is None:
        return []
    notice = _notice(kind, monitor, incident, probe, paused_now)
    return _queue(history, channels, incident.id, notice)


def _failing_since_window(history: History, monitor_id: str, since: float | None) -> bool:
    """Whether the current streak of failures began inside a maintenance window."""
    if since is None:
        return False
    return any(p.maintenance for p in history.probes(monitor_id, since=since))


#: The causes a notice degrades a passed probe with (``grading.downgrade``).
WARNED = frozenset(alert.cause for alert in alerting().values())


def notice_warning(
    history: History, monitor: Monitor, probe: ProbeRecord, row: int, channels: Channels
) -> list[Notice]:
    """Queue one ``warning`` when a probe is first degraded by an alerting notice (``row``
    is its id). Call inside the probe's transaction.

    Once: the monitor's previous passed probe already carried the cause, so the warning was
    decided then (state in the history, so a restart does not repeat it); after the password
    changed, a later expiry warns again.
    """
    if probe.cause not in WARNED:
        return []
    if history.previous_up_cause(monitor.id, row) == probe.cause:
        return []
    notice = Notice(
        kind="warning",
        monitor_id=monitor.id,
        target=monitor.target.base_url,
        cause=probe.cause,
        since=probe.started_at,
        last_error=probe.error,
        at=probe.started_at,
        probe=probe.probe,
    )
    return _queue(history, channels, NO_INCIDENT, notice)


def _queue(history: History, channels: Channels, incident_id: int, notice: Notice):
    """One outbox row per channel ('' when none is configured: nobody to tell). The screens
    stay out of the outbox: they go with a notice sent by the process that took them."""
    fields = {f.name: getattr(notice, f.name) for f in dataclasses.fields(notice)}
    fields.pop("screens")
    for channel in channels.keys or ("",):
        history.queue(incident_id, channel, fields, notice.at)
    return [notice]


def deliver(history: History, channels: Channels, fresh: Iterable[Notice] = ()) -> list[Notice]:
    """Send the outbox, oldest first; returns the notices a channel accepted.

    A row is marked sent only after its channel accepted it: a runner killed in between sends
    it again at its next start (at least once; once, unless the kill falls between the
    channel's answer and the commit). A channel that refuses is left alone until the next
    round, so its notices keep their order; the others go on. ``fresh``: this process's
    notices, sent with their screens.
    """
    screened = {(n.kind, n.monitor_id, n.at): n for n in fresh}
    delivered: list[Notice] = []
    down: set[str] = set()
    for outbox_id, channel, fields in history.queued():
        notice = Notice(**fields)
        notice = screened.get((notice.kind, notice.monitor_id, notice.at), notice)
        if channel in down:
            continue
        if channel and channel not in channels.keys:
            history.drop(outbox_id=outbox_id)  # that channel left the config
            continue
        if channel and not channels.send(notice, channel):
            history.not_sent(outbox_id)
            down.add(channel)
            continue
        # Reminders count from an alert; a recovery or a warning tells of no open incident.
        told = None if notice.kind in ("recovery", "warning") else notice.at
        history.sent(outbox_id, time.time(), notified_at=told)
        if notice not in delivered:
            delivered.append(notice)
    return delivered
