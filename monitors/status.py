"""``python -m monitors status``: uptime, latency per step, open incidents.

Uptime counts ok and degraded probes as up over 24 h and 7 days. The HTML page embeds its
matplotlib plots as PNG data URIs, so it is one file that opens offline (e.g. mailed or
attached to a ticket).
"""

from __future__ import annotations

import base64
import html
import io
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from monitors.alerts import cause_words
from monitors.config import Config
from monitors.history import History, Incident, ProbeRecord

DAY = 86400.0


@dataclass
class MonitorStatus:
    id: str
    target: str
    uptime_24h: float | None
    uptime_7d: float | None
    probes_7d: int
    last: ProbeRecord | None
    paused: str | None
    steps: dict[str, tuple[float, float]] = field(default_factory=dict)  # p50, p95 (ms)
    history: list[ProbeRecord] = field(default_factory=list)


@dataclass
class Summary:
    generated_at: float
    monitors: list[MonitorStatus]
    incidents: list[Incident]


def _uptime(probes: list[ProbeRecord]) -> float | None:
    return 100.0 * sum(p.up for p in probes) / len(probes) if probes else None


def _percentiles(values: list[float]) -> tuple[float, float]:
    if len(values) == 1:
        return values[0], values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94]


def summarise(config: Config, now: float | None = None) -> Summary:
    now = time.time() if now is None else now
    statuses = []
    with History(config.history) as history:
        for monitor in config.monitors:
            week = history.probes(monitor.id, since=now - 7 * DAY)
            per_step: dict[str, list[float]] = {}
            for probe in week:
                for step, ms in probe.steps.items():
                    per_step.setdefault(step, []).append(ms)
            paused = history.paused(monitor.id)
            statuses.append(
                MonitorStatus(
                    id=monitor.id,
                    target=monitor.target.base_url,
                    uptime_24h=_uptime([p for p in week if p.started_at >= now - DAY]),
                    uptime_7d=_uptime(week),
                    probes_7d=len(week),
                    last=week[-1] if week else None,
                    paused=paused[1] if paused else None,
                    steps={s: _percentiles(v) for s, v in per_step.items()},
                    history=week,
                )
            )
        incidents = history.open_incidents()
    return Summary(now, statuses, incidents)


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:5.1f}%"


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def render_text(summary: Summary) -> str:
    lines = [f"{'monitor':<24} {'24 h':>7} {'7 d':>7} {'probes':>6}  last"]
    for m in summary.monitors:
        last = "never" if m.last is None else f"{m.last.status} at {_when(m.last.started_at)}"
        if m.paused:
            last += f"  PAUSED ({m.paused}: python -m monitors resume {m.id})"
        lines.append(
            f"{m.id:<24} {_pct(m.uptime_24h):>7} {_pct(m.uptime_7d):>7} {m.probes_7d:>6}  {last}"
        )
        for step, (p50, p95) in m.steps.items():
            lines.append(f"    {step:<10} p50 {p50:7.0f} ms   p95 {p95:7.0f} ms")
    lines.append("open incidents: " + ("none" if not summary.incidents else ""))
    for inc in summary.incidents:
        lines.append(
            f"  {inc.monitor_id}: {cause_words(inc.cause)} since {_when(inc.since)}, "
            f"{inc.failures} failed probe(s); last error: {inc.last_error or '-'}"
        )
    return "\n".join(lines)


def _figure_uri(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _plots(status: MonitorStatus) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")  # no display: render to memory
    from matplotlib import pyplot as plt

    times = [datetime.fromtimestamp(p.started_at, UTC) for p in status.history]
    colours = {"ok": "tab:green", "degraded": "tab:orange", "failed": "tab:red"}
    fig, ax = plt.subplots(figsize=(8, 1.6))
    ax.scatter(times, [1] * len(times), c=[colours[p.status] for p in status.history], s=12)
    ax.set_yticks([])
    ax.set_title(f"{status.id}: probes over 7 days (green ok, orange degraded, red failed)")
    uris = [_figure_uri(fig)]
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(8, 3))
    for step in status.steps:
        points = [
            (t, p.steps[step])
            for t, p in zip(times, status.history, strict=True)
            if step in p.steps
        ]
        ax.plot([t for t, _ in points], [ms for _, ms in points], marker=".", label=step)
    ax.set_ylabel("ms")
    ax.set_title(f"{status.id}: duration per step")
    if status.steps:
        ax.legend(loc="upper left", fontsize="small")
    uris.append(_figure_uri(fig))
    plt.close(fig)
    return uris


def render_html(summary: Summary, path: str | Path) -> None:
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><meta charset='utf-8'>",
        "<title>eEspresso monitors</title><style>body{font-family:sans-serif;margin:2em}"
        "td,th{padding:.2em .8em;text-align:left}.failed{color:#b00}</style>",
        f"<h1>eEspresso monitors</h1><p>Generated {esc(_when(summary.generated_at))}</p>",
        "<h2>Open incidents</h2>",
    ]
    if not summary.incidents:
        parts.append("<p>None.</p>")
    for inc in summary.incidents:
        parts.append(
            f"<p class='failed'><b>{esc(inc.monitor_id)}</b>: "
            f"{esc(cause_words(inc.cause))} since {esc(_when(inc.since))}; "
            f"last error: {esc(inc.last_error or '-')}</p>"
        )
    for m in summary.monitors:
        parts.append(
            f"<h2>{esc(m.id)}</h2><p>{esc(m.target)}: uptime 24 h {_pct(m.uptime_24h)}, "
            f"7 d {_pct(m.uptime_7d)} ({m.probes_7d} probes)"
            f"{' — PAUSED: ' + esc(m.paused) if m.paused else ''}</p>"
        )
        rows = "".join(
            f"<tr><td>{esc(s)}</td><td>{a:.0f}</td><td>{b:.0f}</td></tr>"
            for s, (a, b) in m.steps.items()
        )
        parts.append(f"<table><tr><th>step</th><th>p50 ms</th><th>p95 ms</th></tr>{rows}</table>")
        if m.history:
            parts += [f"<img alt='{esc(m.id)} plot' src='{uri}'>" for uri in _plots(m)]
    parts.append("</html>")
    Path(path).write_text("\n".join(parts), encoding="utf-8")
