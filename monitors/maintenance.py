"""Maintenance windows: planned time during which a failing probe pages nobody.

Two sources, one question (``Schedule.active``: is this monitor in a window now?):

* declared in the config, ``[[maintenance]]``: a one-off ``start``/``end``, or a recurring
  ``cron`` + ``duration`` (a release every Tuesday night), read in the config's ``timezone``
  (IANA name, default America/Toronto: the portal's users' clock, DST included);
* opened on the spot (``python -m monitors maintenance start --for 2h --reason …``), kept in
  the history file's ``maintenance`` table with who opened it, why, and who ended it early:
  the journal a release manager is asked about the morning after.

A window covers one monitor, every monitor of one target, or every monitor. During a window
probes still run and are stored (marked ``maintenance``), but a failure opens no incident and
sends no alert, uptime and the release gate leave those probes out, and ``/metrics`` says
``probe_maintenance 1`` so the shipped Prometheus rules stay silent too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from monitors.toml_reader import DAY, MINUTE, ConfigError, Reader, parse_duration

DEFAULT_TIMEZONE = "America/Toronto"
# A window is planned work, not a way to switch monitoring off: at most a week, at least a
# minute; at most this many declared in one file.
LENGTH = (MINUTE, 7 * DAY)
MAX_WINDOWS = 100
REASON_MAX = 200
KEYS = {"start", "end", "cron", "duration", "monitor", "target", "reason"}


@dataclass(frozen=True)
class Window:
    """One window: ``start``/``end`` (Unix times) for a one-off or a journal entry, or a
    ``cron`` expression with ``duration_s``; ``monitor`` or ``target`` narrows it."""

    reason: str
    start: float | None = None
    end: float | None = None
    cron: str | None = None
    duration_s: float = 0.0
    monitor: str | None = None
    target: str | None = None
    source: str = "config"  # "config", or "#<id> by <user>" for a command-line window

    def applies_to(self, monitor_id: str, target: str) -> bool:
        if self.monitor is not None:
            return self.monitor == monitor_id
        return self.target is None or self.target == target

    def span(self, at: float, zone: ZoneInfo) -> tuple[float, float] | None:
        """The occurrence covering ``at`` (start, end), or None."""
        if self.cron is None:
            assert self.start is not None and self.end is not None
            return (self.start, self.end) if self.start <= at < self.end else None
        # The latest start at or before ``at`` is the only one that can cover it.
        moment = datetime.fromtimestamp(at + 1, zone)
        began = croniter(self.cron, moment).get_prev(datetime).timestamp()
        return (began, began + self.duration_s) if began <= at < began + self.duration_s else None

    def scope(self) -> str:
        if self.monitor is not None:
            return f"monitor {self.monitor}"
        return f"target {self.target}" if self.target is not None else "every monitor"


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ``ValueError`` (one line) when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'{name!r} is not a time zone; write e.g. "{DEFAULT_TIMEZONE}"') from None


def _moment(r: Reader, key: str, tz: ZoneInfo) -> float | None:
    """A TOML local date-time (``2026-12-08T22:00:00``, read in ``tz``), an offset date-time,
    or the same written as a string."""
    value = r.get(key, (str, datetime, date))
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise r.err(
                key, f'{value!r} is not a date and time; write e.g. "2026-12-08 22:00"'
            ) from None
    if not isinstance(value, datetime):  # a bare date: from midnight
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.timestamp()


def _window(r: Reader, tz: ZoneInfo, targets: Iterable[str], monitors: Iterable[str]) -> Window:
    r.reject_unknown(KEYS)
    reason = r.text("reason", required=True, limit=REASON_MAX)
    monitor, target = r.text("monitor", limit=64), r.text("target", limit=64)
    if monitor is not None and target is not None:
        raise r.err("monitor", "set monitor or target, not both (neither: every monitor)")
    if monitor is not None and monitor not in monitors:
        raise r.err("monitor", f"{monitor!r} is not the id of a [[monitors]] table")
    if target is not None and target not in targets:
        raise r.err("target", f"{target!r} is not declared; use a [targets.NAME] name")
    cron = r.text("cron", limit=100)
    if cron is not None:
        if "start" in r.table or "end" in r.table:
            raise r.err("cron", "a recurring window takes cron and duration, not start/end")
        if not croniter.is_valid(cron):
            raise r.err("cron", f'{cron!r} is not a cron expression; write e.g. "0 22 * * 2"')
        duration = r.duration("duration", LENGTH, why=" (a window is planned work)")
        if duration is None:
            raise r.err("duration", 'is missing; add e.g. duration = "2h"')
        return Window(reason, cron=cron, duration_s=duration, monitor=monitor, target=target)
    if "duration" in r.table:
        raise r.err("duration", "goes with cron; a one-off window takes start and end")
    start, end = _moment(r, "start", tz), _moment(r, "end", tz)
    if start is None or end is None:
        raise r.err("start", "set start and end (one-off) or cron and duration (recurring)")
    if not LENGTH[0] <= end - start <= LENGTH[1]:
        raise r.err("end", "must be 1 minute to 7 days after start; a window is planned work")
    return Window(reason, start=start, end=end, monitor=monitor, target=target)


def parse(root: Reader, targets: Iterable[str], monitors: Iterable[str]) -> tuple[Window, ...]:
    """The ``[[maintenance]]`` tables of a config, checked; times in ``timezone``."""
    tz = zone_of(root)
    entries = root.get("maintenance", list, [])
    if len(entries) > MAX_WINDOWS:
        raise root.err("maintenance", f"has {len(entries)} windows; keep at most {MAX_WINDOWS}")
    targets, monitors = set(targets), set(monitors)
    windows = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise root.err(f"maintenance[{index}]", "must be a table; write [[maintenance]]")
        reader = Reader(root.path, entry, f"maintenance[{index}]")
        windows.append(_window(reader, tz, targets, monitors))
    return tuple(windows)


def zone_of(root: Reader) -> ZoneInfo:
    name = root.text("timezone", DEFAULT_TIMEZONE, limit=64)
    try:
        return zone(name)
    except ValueError as exc:
        raise root.err("timezone", str(exc)) from None


def length(text: str) -> float:
    """``--for 2h``: a window's length, bounded like a declared one."""
    return parse_duration(text, where="--for", bounds=LENGTH, why=" (a window is planned work)")


class Journal:
    """Windows opened from the command line, in the history file's ``maintenance`` table
    (``monitors.history.SCHEMA``), through ``History.db``."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def open(
        self, *, start: float, end: float, reason: str, by: str, monitor: str | None = None,
        target: str | None = None,
    ) -> int:  # fmt: skip
        cur = self.db.execute(
            "INSERT INTO maintenance (monitor_id, target, starts_at, ends_at, reason, opened_by,"
            " opened_at) VALUES (?,?,?,?,?,?,?)",
            (monitor, target, start, end, reason, by, start),
        )
        return int(cur.lastrowid)

    def end(self, at: float, by: str, *, window_id: int | None = None, monitor: str | None = None,
            target: str | None = None) -> list[int]:  # fmt: skip
        """End now the open windows chosen: by number, or those opened for exactly this
        scope (no scope: those opened for every monitor); their numbers."""

        def chosen(number: int, window: Window) -> bool:
            if window_id is not None:
                return number == window_id
            return (window.monitor, window.target) == (monitor, target)

        ended = [n for n, w in self.windows(at) if w.start is not None and w.start <= at
                 and chosen(n, w)]  # fmt: skip
        for number in ended:
            self.db.execute(
                "UPDATE maintenance SET ends_at = ?, ended_by = ? WHERE id = ?", (at, by, number)
            )
        return ended

    def windows(self, since: float) -> list[tuple[int, Window]]:
        """Every window still open at ``since`` or later, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM maintenance WHERE ends_at > ? ORDER BY starts_at, id", (since,)
        )
        return [(row[0], _journal_window(row)) for row in rows]


def _journal_window(row: sqlite3.Row | tuple) -> Window:
    wid, monitor, target, start, end, reason, by, _opened, ended_by = tuple(row)
    source = f"#{wid} by {by}" + (f", ended by {ended_by}" if ended_by else "")
    return Window(reason, start=start, end=end, monitor=monitor, target=target, source=source)


class Schedule:
    """Whether a monitor is in a window: the config's windows and the journal's.

    The journal is read through a connection of its own at each question, so the question can
    be asked from any thread (the metrics' scrape, the up-check loop), and a window opened by
    another process counts from its next probe or scrape.
    """

    def __init__(self, windows: Iterable[Window], history: Path, timezone: str) -> None:
        self.windows, self.history, self.zone = tuple(windows), Path(history), zone(timezone)

    def journal(self, since: float) -> list[Window]:
        if not self.history.is_file():
            return []
        try:
            # Read-write mode, reading only: a read-only connection cannot open a WAL file
            # whose -shm is gone (https://sqlite.org/wal.html#readonly).
            db = sqlite3.connect(self.history, timeout=5)
            try:
                rows = db.execute(
                    "SELECT * FROM maintenance WHERE ends_at > ? ORDER BY starts_at, id", (since,)
                ).fetchall()
            finally:
                db.close()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # a history file no runner of this version opened
                return []
            raise
        return [_journal_window(row) for row in rows]

    def active(self, monitor_id: str, target: str, at: float) -> tuple[Window, float] | None:
        """The window covering the monitor at ``at`` and when it ends, or None."""
        for window in (*self.windows, *self.journal(at)):
            if window.applies_to(monitor_id, target):
                span = window.span(at, self.zone)
                if span is not None:
                    return window, span[1]
        return None


def describe(window: Window, tz: ZoneInfo, at: float) -> str:
    """One line of ``maintenance list``."""
    if window.cron is not None:
        hours = f"{window.duration_s / 3600:g} h"
        when = f"every '{window.cron}' ({tz.key}) for {hours}"
    else:
        assert window.start is not None and window.end is not None
        fmt = "%Y-%m-%d %H:%M %Z"
        start = datetime.fromtimestamp(window.start, tz).strftime(fmt)
        when = f"{start} → {datetime.fromtimestamp(window.end, tz).strftime(fmt)}"
    state = "OPEN  " if window.span(at, tz) is not None else "      "
    return f"{state}{when}  {window.scope()}  ({window.source}): {window.reason}"


__all__ = ["ConfigError", "Journal", "Schedule", "Window", "describe", "length", "parse"]
