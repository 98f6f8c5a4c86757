"""The status page: one HTML file that opens offline, in the configured language.

Per monitor: a 90-day uptime strip (inline SVG, one cell per UTC day, coloured by uptime, days
without data drawn lower and grey so they read as such without colour, WCAG 2.2 §1.4.1), the
last 24 h of durations per step (a matplotlib PNG as a ``data:`` URI, its time axis fitted to
the data), expiry dates, and the 7-day p50/p95 per step beside the p50 of its page's largest
contentful paint and time to first byte; above them the open incidents with
their cause, what to do and how long they have lasted, and the paused accounts. Nothing is
fetched: the Content-Security-Policy allows only inline styles and ``data:`` images, so the
page can be mailed, attached to a ticket or served by the runner at ``/status``.
"""

from __future__ import annotations

import base64
import html
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from matplotlib import dates as mdates
from matplotlib.figure import Figure

from monitors.status import (
    DAY,
    EXPIRY_KINDS,
    VITALS_SHOWN,
    MonitorStatus,
    Summary,
    expiry_text,
    uptime_text,
)
from wording import (
    Language,
    cause_advice,
    cause_title,
    count,
    elapsed,
    expiry_name,
    number,
    percent,
    say,
    step_name,
    when,
)

# Uptime bands of a day's cell, best first: (lowest uptime in %, colour).
BANDS = ((100.0, "#1b7f3b"), (99.0, "#7cc47f"), (95.0, "#f0b429"), (0.0, "#d64545"))
NO_DATA = "#c8cdd3"
MAINTENANCE = "#3b6fb6"  # a day with probes inside a maintenance window: outlined in blue
CELL, GAP, HEIGHT = 8, 2, 28
STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5em;color:#1d2330;max-width:70em}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .7em;text-align:left;"
    "border-bottom:1px solid #dde1e6;vertical-align:top}.failed{color:#a4161a}"
    ".nowrap{white-space:nowrap}"
    "section{margin:1.5em 0;padding-top:.5em;border-top:2px solid #dde1e6}"
    ".legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;"
    "width:.9em;height:.9em;margin-right:.3em;vertical-align:middle}"
)
# Numeric dates only: month names would be English whatever the page's language.
_FORMATS = ["%Y", "%m", "%d", "%H:%M", "%H:%M", "%S.%f"]
_ZERO_FORMATS = ["", "%Y", "%m", "%m-%d", "%H:%M", "%H:%M"]
_OFFSET_FORMATS = ["", "%Y", "%Y-%m", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"]


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def durations_figure(status: MonitorStatus, language: Language) -> Figure | None:
    """Duration of each step over the last 24 h, failed probes as red lines; None if no probe.

    The time axis spans the data (plus a margin), not the window: one hour of probes fills the
    plot instead of a sliver of an empty day, and a single probe still gets a readable axis.
    """
    if not status.recent:
        return None
    figure = Figure(figsize=(8, 3), dpi=90)
    axes = figure.subplots()
    steps = list(dict.fromkeys(step for probe in status.recent for step in probe.steps))
    for step in steps:
        points = [(_moment(p.started_at), p.steps[step]) for p in status.recent if step in p.steps]
        axes.plot([t for t, _ in points], [ms for _, ms in points], marker=".", linewidth=1,
                  label=step_name(step, language))  # fmt: skip
    failed = [_moment(p.started_at) for p in status.recent if not p.up]
    for index, moment in enumerate(failed):
        label = say(language, "page.failed_probe") if index == 0 else None
        axes.axvline(moment, color="#d64545", alpha=0.5, linewidth=1, label=label)
    times = [_moment(p.started_at) for p in status.recent]
    margin = max((max(times) - min(times)) * 0.03, timedelta(minutes=5))
    axes.set_xlim(min(times) - margin, max(times) + margin)
    locator = mdates.AutoDateLocator(tz=UTC, minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(
        mdates.ConciseDateFormatter(locator, tz=UTC, formats=_FORMATS,
                                    zero_formats=_ZERO_FORMATS, offset_formats=_OFFSET_FORMATS)
    )  # fmt: skip
    axes.set_ylim(bottom=0)
    axes.set_ylabel("ms")
    axes.grid(alpha=0.3)
    if steps or failed:  # below the plot, where it hides no point
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=5, fontsize="small",
                    frameon=False)  # fmt: skip
    return figure


def _png_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def cell_colour(probes: int, up: int) -> str:
    if probes == 0:
        return NO_DATA
    uptime = 100.0 * up / probes
    return next(colour for floor, colour in BANDS if uptime >= floor)


def uptime_strip(status: MonitorStatus, language: Language) -> str:
    """Inline SVG, one cell per day; each cell's tooltip says the day, uptime and probe count."""
    esc = html.escape
    cells = []
    for index, (day, probes, up, windowed) in enumerate(status.days):
        x = index * (CELL + GAP)
        date = _moment(day * DAY).strftime("%Y-%m-%d")
        fill = cell_colour(probes, up)
        if probes:
            tip = say(language, "page.cell", day=date, uptime=percent(100 * up / probes, language),
                      probes=count(probes, "probe", language))  # fmt: skip
            y, height = 0, HEIGHT
        elif windowed:  # the whole day's probes were planned downtime
            tip, y, height, fill = date, 0, HEIGHT, MAINTENANCE
        else:
            tip = say(language, "page.cell_empty", day=date)
            y, height = HEIGHT // 3, HEIGHT // 3
        stroke = ""
        if windowed:  # not counted in the uptime, and said so (WCAG 2.2 §1.4.1: not colour only)
            tip += " — " + say(language, "page.cell_maintenance",
                               probes=count(windowed, "probe", language))  # fmt: skip
            stroke = f" stroke='{MAINTENANCE}' stroke-width='2' class='maintenance'"
        cells.append(
            f"<rect x='{x}' y='{y}' width='{CELL}' height='{height}' rx='1' "
            f"fill='{fill}'{stroke}><title>{esc(tip)}</title></rect>"
        )
    width = len(status.days) * (CELL + GAP)
    label = esc(say(language, "page.strip") + f" — {status.id}")
    return (f"<svg role='img' aria-label='{label}' width='{width}' height='{HEIGHT}' "
            f"viewBox='0 0 {width} {HEIGHT}'>{''.join(cells)}</svg>")  # fmt: skip


def _legend(language: Language) -> str:
    """What each colour means: « 100 % », « ≥ 99 % », « ≥ 95 % », « < 95 % », no data."""
    items = [(BANDS[0][1], percent(BANDS[0][0], language, 0))]
    items += [(colour, "≥ " + percent(floor, language, 0)) for floor, colour in BANDS[1:-1]]
    items += [(BANDS[-1][1], "< " + percent(BANDS[-2][0], language, 0)),
              (NO_DATA, say(language, "page.no_data")),
              (MAINTENANCE, say(language, "page.maintenance_day"))]  # fmt: skip
    spans = "".join(
        f"<span><i style='background:{colour}'></i>{html.escape(text)}</span>"
        for colour, text in items
    )
    return f"<p class='legend'>{spans}</p>"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """Cells are already escaped HTML."""
    head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    thead = f"<thead><tr>{head}</tr></thead>" if any(headers) else ""
    return f"<table>{thead}<tbody>{body}</tbody></table>"


def _incidents(summary: Summary) -> list[str]:
    lang, esc = summary.language, html.escape
    parts = [f"<h2>{esc(say(lang, 'page.incidents'))}</h2>"]
    if not summary.incidents:
        return [*parts, f"<p>{esc(say(lang, 'page.none'))}</p>"]
    headers = [say(lang, f"page.col.{c}") for c in
               ("monitor", "cause", "advice", "since", "duration", "failures", "last_error",
                "step")]  # fmt: skip
    rows = [
        [
            f"<b>{esc(inc.monitor_id)}</b>",
            f"<span class='failed'>{esc(cause_title(inc.cause, lang))}</span>",
            esc(cause_advice(inc.cause, lang, inc.monitor_id)),
            f"<span class='nowrap'>{esc(when(inc.since))}</span>",
            f"<span class='nowrap'>{esc(elapsed(summary.generated_at - inc.since, lang))}</span>",
            str(inc.failures),
            esc(inc.last_error or "-"),
            esc(inc.failed_step or "-"),
        ]
        for inc in summary.incidents
    ]
    return [*parts, _table(headers, rows)]


def _paused(summary: Summary) -> list[str]:
    lang, esc = summary.language, html.escape
    parts = [f"<h2>{esc(say(lang, 'page.paused'))}</h2>"]
    paused = [m for m in summary.monitors if m.paused]
    if not paused:
        return [*parts, f"<p>{esc(say(lang, 'page.none'))}</p>"]
    headers = [say(lang, f"page.col.{c}") for c in ("account", "monitor", "since", "advice")]
    rows = [
        [
            esc(m.account),
            esc(m.id),
            f"<span class='nowrap'>{esc(when(m.paused[0]))}</span>",
            esc(say(lang, "advice.paused", monitor=m.id)),
        ]
        for m in paused
        if m.paused
    ]
    return [*parts, _table(headers, rows)]


def _maintenance(summary: Summary) -> list[str]:
    """The monitors in a maintenance window now: until when, and why."""
    lang, esc = summary.language, html.escape
    parts = [f"<h2>{esc(say(lang, 'page.maintenance'))}</h2>"]
    windowed = [m for m in summary.monitors if m.maintenance]
    if not windowed:
        return [*parts, f"<p>{esc(say(lang, 'page.none'))}</p>"]
    headers = [say(lang, f"page.col.{c}") for c in ("monitor", "until", "reason")]
    rows = [
        [esc(m.id), f"<span class='nowrap'>{esc(when(m.maintenance[0]))}</span>",
         esc(m.maintenance[1])]
        for m in windowed
        if m.maintenance
    ]  # fmt: skip
    return [*parts, _table(headers, rows)]


def _monitor(status: MonitorStatus, summary: Summary) -> list[str]:
    lang, esc = summary.language, html.escape
    uptime = say(lang, "page.uptime", day=uptime_text(status.uptime_24h, lang),
                 week=uptime_text(status.uptime_7d, lang),
                 quarter=uptime_text(status.uptime_90d, lang),
                 probes=count(status.probes_7d, "probe", lang))  # fmt: skip
    parts = [
        f"<section id='{esc(status.id)}'><h2>{esc(status.id)}</h2>",
        f"<p>{esc(status.target)}</p><p>{esc(uptime)}</p>",
        *_window_line(status, lang),
        f"<h3>{esc(say(lang, 'page.strip'))}</h3>",
        uptime_strip(status, lang),
        _legend(lang),
        f"<h3>{esc(say(lang, 'page.durations'))}</h3>",
    ]
    figure = durations_figure(status, lang)
    if figure is None:
        parts.append(f"<p>{esc(say(lang, 'page.no_recent'))}</p>")
    else:
        alt = esc(say(lang, "page.durations_alt", monitor=status.id))
        parts.append(f"<img alt='{alt}' src='{_png_uri(figure)}'>")
    expiry = [
        [
            esc(_initial(expiry_name(kind, lang))),
            esc(expiry_text(status, kind, summary.generated_at, lang)),
        ]
        for kind in EXPIRY_KINDS
    ]
    parts += [f"<h3>{esc(say(lang, 'page.expiry'))}</h3>", _table(["", ""], expiry)]
    if status.steps:
        rows = [[esc(step_name(step, lang)), number(p50, lang, 0), number(p95, lang, 0),
                 *(_vital(status, name, step, lang) for name in VITALS_SHOWN)]
                for step, (p50, p95) in status.steps.items()]  # fmt: skip
        headers = [say(lang, "page.col.step"), "p50 (ms)", "p95 (ms)", "LCP p50 (ms)",
                   "TTFB p50 (ms)"]  # fmt: skip
        parts += [f"<h3>{esc(say(lang, 'page.percentiles'))}</h3>", _table(headers, rows)]
    return [*parts, "</section>"]


def _vital(status: MonitorStatus, name: str, step: str, language: Language) -> str:
    """A step's p50 of web vital ``name`` (web.dev/articles/vitals), '-' when not measured."""
    value = status.vitals.get(name, {}).get(step)
    return "-" if value is None else number(value, language, 0)


def _window_line(status: MonitorStatus, language: Language) -> list[str]:
    if status.maintenance is None:
        return []
    until, reason = status.maintenance
    line = say(language, "page.in_maintenance", when=when(until), reason=reason)
    return [f"<p class='maintenance'>{html.escape(line)}</p>"]


def render_page(summary: Summary, refresh_s: int | None = None) -> str:
    """The whole page; ``refresh_s`` makes the browser reload it (the runner's ``/status``)."""
    lang, esc = summary.language, html.escape
    head = [
        "<!doctype html>",
        f"<html lang='{'fr-CA' if lang == 'fr' else 'en'}'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<link rel='icon' href='data:,'>",  # or the browser asks the server for /favicon.ico
    ]
    if refresh_s:
        head.append(f"<meta http-equiv='refresh' content='{int(refresh_s)}'>")
    title = esc(say(lang, "page.title"))
    head.append(f"<title>{title}</title><style>{STYLE}</style></head><body>")
    intro = [f"<h1>{title}</h1>",
             f"<p>{esc(say(lang, 'page.generated', when=when(summary.generated_at)))}"]  # fmt: skip
    if refresh_s:
        intro.append(" " + esc(say(lang, "page.refresh", seconds=int(refresh_s))))
    if summary.report_url:
        intro.append(f" — <a href='{esc(summary.report_url)}'>{esc(say(lang, 'page.report'))}</a>")
    intro.append("</p>")
    parts = [*head, *intro, *_incidents(summary), *_paused(summary), *_maintenance(summary)]
    for status in summary.monitors:
        parts += _monitor(status, summary)
    parts.append("</body></html>")
    return "\n".join(parts)


def render_html(summary: Summary, path: str | Path) -> None:
    Path(path).write_text(render_page(summary), encoding="utf-8")


def _initial(words: str) -> str:
    """A table's first column: the words with a capital initial (« Certificat TLS »)."""
    return words[:1].upper() + words[1:]
