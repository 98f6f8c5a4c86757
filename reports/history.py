"""Read the monitors' SQLite history for the gate's SLO rules, read-only.

The monitors own the file and its schema (``monitors/history.py``: table ``probes`` with
``monitor_id``, ``journey``, ``started_at`` in epoch seconds, ``status`` ok|degraded|failed and
``duration_ms``). We do not import its ``History`` class: it creates the file and the schema on
open, and a gate must never turn a missing or foreign file into an empty history that passes.
This module is the only place that knows that schema; anything unexpected is an ``InputError``.
Probes run inside a maintenance window (column ``maintenance`` = 1, written by runners that
know windows) are planned downtime: the SLO rules leave them out.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from reports.errors import InputError

REQUIRED_COLUMNS = {"monitor_id", "journey", "started_at", "status", "duration_ms"}
DOWN = "failed"  # ok and degraded probes count as up, as in monitors.history.ProbeRecord.up


@dataclass(frozen=True)
class SloFigures:
    """What the history says about one window."""

    window_hours: float
    probes: int
    up: int
    logins: int  # successful probes of the login journey, the p95 sample
    login_p95_ms: float | None

    @property
    def uptime(self) -> float:
        return self.up / self.probes if self.probes else 0.0


def read_slo(
    path: str | Path,
    *,
    window_hours: float,
    login_journey: str,
    monitor_ids: list[str] | None = None,
    now: float | None = None,
) -> SloFigures:
    """Uptime and p95 login time over the last ``window_hours`` of ``path``."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"monitors history {file} is missing: run the monitors or fix --history")
    since = (time.time() if now is None else now) - window_hours * 3600
    try:
        # mode=ro: never create or migrate the monitors' file (https://sqlite.org/uri.html).
        uri = f"{file.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=10)) as db:
            columns = {row[1] for row in db.execute("PRAGMA table_info(probes)")}
            missing = REQUIRED_COLUMNS - columns
            if missing:
                raise InputError(
                    f"monitors history {file} lacks probes columns {', '.join(sorted(missing))}:"
                    " pass the monitors' history file (monitors.sqlite)"
                )
            sql = "SELECT journey, status, duration_ms FROM probes WHERE started_at >= ?"
            if "maintenance" in columns:
                sql += " AND maintenance = 0"
            args: list = [since]
            if monitor_ids:
                sql += f" AND monitor_id IN ({','.join('?' * len(monitor_ids))})"
                args += monitor_ids
            rows = db.execute(sql, args).fetchall()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"monitors history {file} is not a readable SQLite file: {exc}") from exc
    if not rows:
        raise InputError(
            f"monitors history {file} has no probes outside maintenance windows in the last"
            f" {window_hours:g} h: run the monitors first or widen [monitors] window_hours"
        )
    logins = [row for row in rows if row[0] == login_journey and row[1] != DOWN]
    durations = [float(duration) for _, _, duration in logins]
    return SloFigures(
        window_hours=window_hours,
        probes=len(rows),
        up=sum(1 for _, status, _ in rows if status != DOWN),
        logins=len(durations),
        login_p95_ms=p95(durations),
    )


def p95(values: list[float]) -> float | None:
    """95th percentile, linear interpolation between closest ranks (``method="inclusive"``)."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[94]
