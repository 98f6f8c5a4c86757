"""``python -m monitors status``: uptime, latency per step, open incidents, expiry dates.

``summarise`` reads the history once into a ``Summary``; ``render_text`` prints it for a
terminal and ``monitors.status_page.render_html`` turns it into the one-file page (also served
at ``/status``). Uptime counts ok and degraded probes as up; days are UTC days, like every
time shown. Both outputs speak the configured language (``wording``).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from monitors import step_network
from monitors.config import Config
from monitors.history import History, Incident, ProbeRecord
from wording import (
    DEFAULT,
    Language,
    cause_advice,
    cause_title,
    count,
    elapsed,
    expiry_name,
    number,
    percent,
    say,
    status_word,
    step_name,
    when,
)
from wording.notices import alerting
from wording.portal_text import for_terminal

DAY = 86400.0
STRIP_DAYS = 90
#: The dates shown per monitor: the certificate's, then each alerting notice's (its row of
#: ``wording.notices``: the password's), as the sinks keep them in the history.
EXPIRY_KINDS = ("tls", *(alert.expiry for alert in alerting().values() if alert.expiry))


@dataclass
class MonitorStatus:
    id: str
    target: str
    account: str
    https: bool
    uptime_24h: float | None
    uptime_7d: float | None
    uptime_90d: float | None
    probes_7d: int
    last: ProbeRecord | None
    paused: tuple[float, str] | None  # since, reason
    steps: dict[str, tuple[float, float]] = field(default_factory=dict)  # p50, p95 (ms), 7 days
    recent: list[ProbeRecord] = field(default_factory=list)  # the last 24 h
    # UTC day, probes and up outside maintenance windows, probes inside them
    days: list[tuple[int, int, int, int]] = field(default_factory=list)
    expiries: dict[str, float] = field(default_factory=dict)  # tls / password → Unix time
    maintenance: tuple[float, str] | None = None  # in a window now: until, reason
    # Web vital → step → its p50 over 7 days (``VITALS_SHOWN``: LCP and TTFB, in ms).
    vitals: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class Summary:
    generated_at: float
    monitors: list[MonitorStatus]
    incidents: list[Incident]
    language: Language = DEFAULT
    report_url: str = ""


#: The web vitals the status page shows beside each step's latency.
VITALS_SHOWN = ("lcp_ms", "ttfb_ms")


def _uptime(probes: list[ProbeRecord]) -> float | None:
    """Planned downtime is not downtime: probes inside maintenance windows do not count."""
    counted = [p for p in probes if not p.maintenance]
    return 100.0 * sum(p.up for p in counted) / len(counted) if counted else None


def _percentiles(values: list[float]) -> tuple[float, float]:
    if len(values) == 1:
        return values[0], values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94]


def strip_days(history: History, monitor_id: str, now: float) -> list[tuple[int, int, int, int]]:
    """The last ``STRIP_DAYS`` UTC days, today included, oldest first; 0 probes: no data."""
    today = int(now // DAY)
    first = today - STRIP_DAYS + 1
    counts = history.daily_uptime(monitor_id, since=first * DAY)
    return [(day, *counts.get(day, (0, 0, 0))) for day in range(first, today + 1)]


def summarise(config: Config, now: float | None = None) -> Summary:
    now = time.time() if now is None else now
    statuses = []
    guard = config.guard.open()
    schedule = config.schedule()
    with History(config.history) as history:
        for monitor in config.monitors:
            week = history.probes(monitor.id, since=now - 7 * DAY)
            per_step: dict[str, list[float]] = {}
            for probe in week:
                for step, ms in probe.steps.items():
                    per_step.setdefault(step, []).append(ms)
            account = guard.status(monitor.identity)  # the machine's account guard
            days = strip_days(history, monitor.id, now)
            probes_90d, up_90d = sum(d[1] for d in days), sum(d[2] for d in days)
            recent = [p for p in week if p.started_at >= now - DAY]
            window = schedule.active(monitor.id, monitor.target.name, now)
            statuses.append(
                MonitorStatus(
                    id=monitor.id,
                    target=monitor.target.base_url,
                    account=monitor.account.name,
                    https=monitor.target.is_https,
                    uptime_24h=_uptime(recent),
                    uptime_7d=_uptime(week),
                    uptime_90d=100.0 * up_90d / probes_90d if probes_90d else None,
                    probes_7d=len(week),
                    last=week[-1] if week else None,
                    paused=(account.since or now, account.reason) if account.paused else None,
                    steps={s: _percentiles(v) for s, v in per_step.items()},
                    recent=recent,
                    days=days,
                    expiries=history.expiries(monitor.id),
                    maintenance=(window[1], window[0].reason) if window else None,
                    vitals={
                        name: step_network.medians((p.network for p in week), name)
                        for name in VITALS_SHOWN
                    },  # fmt: skip
                )
            )
        incidents = history.open_incidents()
    return Summary(now, statuses, incidents, config.language, config.report_url)


def uptime_text(value: float | None, language: Language) -> str:
    return say(language, "n_a") if value is None else percent(value, language)


def expiry_text(status: MonitorStatus, kind: str, now: float, language: Language) -> str:
    """« expire le … (dans 23 jours) », or why the date is unknown."""
    if kind == "tls" and not status.https:
        return say(language, "expiry.not_https")
    at = status.expiries.get(kind)
    if at is None:
        return say(language, "expiry.unknown")
    if at < now:
        return say(language, "expiry.past", when=when(at))
    left = count(int((at - now) // DAY), "day", language)
    return say(language, "expiry.future", when=when(at), left=left)


def render_text(summary: Summary) -> str:
    lang = summary.language

    def col(key: str) -> str:
        return say(lang, f"status.col.{key}")

    lines = [
        f"{col('monitor'):<24} {col('day'):>8} {col('week'):>8} {col('quarter'):>8}"
        f" {col('probes'):>10}  {col('last')}"
    ]
    for m in summary.monitors:
        last = say(lang, "status.never")
        if m.last is not None:
            last = say(lang, "status.last", status=status_word(m.last.status, lang),
                       when=when(m.last.started_at))  # fmt: skip
        if m.paused:
            last += "  " + say(
                lang, "status.paused", advice=say(lang, "advice.paused", monitor=m.id)
            )
        lines.append(
            f"{m.id:<24} {uptime_text(m.uptime_24h, lang):>8} {uptime_text(m.uptime_7d, lang):>8}"
            f" {uptime_text(m.uptime_90d, lang):>8} {m.probes_7d:>10}  {last}"
        )
        for step, (p50, p95) in m.steps.items():
            lines.append(
                f"    {step_name(step, lang):<20} p50 {number(p50, lang, 0):>7} ms"
                f"   p95 {number(p95, lang, 0):>7} ms"
            )
        for kind in EXPIRY_KINDS:
            expiry = expiry_text(m, kind, summary.generated_at, lang)
            what = expiry_name(kind, lang)
            lines.append("    " + say(lang, "status.expiry", what=what, expiry=expiry))
    if not summary.incidents:
        lines.append(say(lang, "status.incidents_none"))
        return "\n".join(lines)
    lines.append(say(lang, "status.incidents"))
    for inc in summary.incidents:
        line = say(lang, "status.incident", monitor=inc.monitor_id,
                   cause=cause_title(inc.cause, lang), when=when(inc.since),
                   duration=elapsed(summary.generated_at - inc.since, lang),
                   failures=count(inc.failures, "failed_probe", lang),
                   error=for_terminal(inc.last_error or "-"))  # fmt: skip
        advice = say(lang, "status.advice", advice=cause_advice(inc.cause, lang, inc.monitor_id))
        lines += ["  " + line, "    " + advice]
    return "\n".join(lines)
