"""Probe history, incidents and the alert outbox in one SQLite file.

Write-ahead logging and one transaction per probe mean a ``kill -9`` of the runner loses at
most the probe it was running: every earlier result is already in the WAL file and SQLite
replays it on the next open (https://sqlite.org/wal.html). What protects the account from a
lockout (its pause, its budget of unproven submissions) is not here but in the machine-wide
account guard (``authenticator.guard``), shared by every config and process.

Alerts go through an outbox (the transactional-outbox pattern): a notice is queued in the
same transaction as the probe that caused it, and marked sent only once a channel accepted
it, so a runner killed while sending loses nothing: the next start sends what is queued.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pages.result import Cause, JourneyWarning

SCHEMA = """
CREATE TABLE IF NOT EXISTS probes (
    id INTEGER PRIMARY KEY,
    monitor_id TEXT NOT NULL, target TEXT NOT NULL, cip TEXT NOT NULL, journey TEXT NOT NULL,
    started_at REAL NOT NULL, status TEXT NOT NULL, cause TEXT, error TEXT NOT NULL DEFAULT '',
    failed_step TEXT NOT NULL DEFAULT '', duration_ms REAL NOT NULL DEFAULT 0,
    steps TEXT NOT NULL DEFAULT '{}', probe TEXT NOT NULL DEFAULT '',
    code_wait_ms REAL NOT NULL DEFAULT 0, warnings TEXT NOT NULL DEFAULT '[]',
    maintenance INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS probes_by_monitor ON probes (monitor_id, started_at);
CREATE TABLE IF NOT EXISTS incidents (
    id INTEGER PRIMARY KEY,
    monitor_id TEXT NOT NULL, since REAL NOT NULL, cause TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '', failed_step TEXT NOT NULL DEFAULT '',
    failures INTEGER NOT NULL DEFAULT 0, notified_at REAL, resolved_at REAL
);
CREATE INDEX IF NOT EXISTS open_incidents ON incidents (monitor_id, resolved_at);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL, channel TEXT NOT NULL,
    notice TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',  -- queued, then sent (or dropped: resolved first)
    queued_at REAL NOT NULL, sent_at REAL,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_queued ON outbox (state, id);
CREATE TABLE IF NOT EXISTS maintenance (  -- windows opened from the command line
    id INTEGER PRIMARY KEY,
    monitor_id TEXT, target TEXT,  -- both NULL: every monitor
    starts_at REAL NOT NULL, ends_at REAL NOT NULL, reason TEXT NOT NULL,
    opened_by TEXT NOT NULL, opened_at REAL NOT NULL,
    ended_by TEXT NOT NULL DEFAULT ''  -- who ended it before its planned end
);
CREATE TABLE IF NOT EXISTS expiries (
    monitor_id TEXT NOT NULL, kind TEXT NOT NULL, expires_at REAL NOT NULL,
    checked_at REAL NOT NULL, PRIMARY KEY (monitor_id, kind)
);
"""

# Columns added since the first schema, with their definition: a history file written by an
# older runner gains them on open (rows from before keep the default: location unknown, no
# warnings).
ADDED_COLUMNS = {
    "probes": {
        "probe": "TEXT NOT NULL DEFAULT ''",
        "code_wait_ms": "REAL NOT NULL DEFAULT 0",
        "warnings": "TEXT NOT NULL DEFAULT '[]'",
        "maintenance": "INTEGER NOT NULL DEFAULT 0",
        "trace": "TEXT NOT NULL DEFAULT ''",
        "network": "TEXT NOT NULL DEFAULT '{}'",
    },
}


class Status(StrEnum):
    """A probe's grade: passed, passed above a ``degraded_ms`` bound, or failed."""

    OK = "ok"
    DEGRADED = "degraded"
    FAILED = "failed"


@dataclass(kw_only=True)
class ProbeRecord:
    """One probe as stored: never a secret (errors come from the journey's one-line text).

    Status and cause are enums; values read back from the database become enums again here.
    """

    monitor_id: str
    target: str
    cip: str
    journey: str
    started_at: float
    status: Status = Status.FAILED
    cause: Cause | None = None
    error: str = ""
    failed_step: str = ""
    duration_ms: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)
    probe: str = ""  # the location that ran it (``[probe] name``); '' in rows from before
    code_wait_ms: float = 0.0  # waiting for an unused TOTP step: the probe's time, not the portal's
    # What the journey met and went past (``JourneyResult.warnings``): one row of
    # ``wording.notices`` each, stored as the JSON objects older runners wrote.
    warnings: list[JourneyWarning] = field(default_factory=list)
    # Run inside a maintenance window (``monitors.maintenance``): stored, but it alerts
    # nobody and counts in no uptime.
    maintenance: bool = False
    # Dates this probe learnt (``tls``: the certificate's notAfter; a notice's, such as
    # ``password``), Unix time: kept in the expiries table, not in the probe's row.
    expiries: dict[str, float] = field(default_factory=dict)
    trace: str = ""  # the scrubbed trace kept of this probe (``monitors.traces``), or ''
    # Per step id, its ``pages.timings.StepNetwork`` as JSON (``monitors.step_network``).
    network: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.warnings = [JourneyWarning.of(w) for w in self.warnings]
        self.maintenance = bool(self.maintenance)
        self.status = Status(self.status)
        self.cause = Cause(self.cause) if self.cause else None

    @property
    def up(self) -> bool:
        return self.status != Status.FAILED


@dataclass(kw_only=True)
class Incident:
    """A run of failures of one monitor, from its first failure to its recovery."""

    monitor_id: str
    since: float
    cause: str
    last_error: str = ""
    failed_step: str = ""
    failures: int = 0
    notified_at: float | None = None
    resolved_at: float | None = None
    id: int = 0  # 0 until saved


class HistoryError(ValueError):
    """The history file cannot be opened: one line naming it."""


class History:
    """The runner's memory; safe to open from the CLI (`status`) while it runs."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we open transactions ourselves, one per probe.
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes in WAL
            self.db.executescript(SCHEMA)
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(
                f"history {self.path} cannot be used ({exc}): fix 'history' in the config "
                "or move the file aside"
            ) from None

    def _migrate(self) -> None:
        """Add the columns an older history file lacks, in one transaction, so two processes
        opening the same old file cannot both add a column."""
        with self.transaction():
            for table, columns in ADDED_COLUMNS.items():
                have = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
                for name, definition in columns.items():
                    if name not in have:
                        self.db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- probes -----------------------------------------------------------------------------

    def record(self, probe: ProbeRecord) -> int:
        values = (
            probe.monitor_id, probe.target, probe.cip, probe.journey, probe.started_at,
            probe.status, probe.cause, probe.error, probe.failed_step, probe.duration_ms,
            json.dumps(probe.steps), probe.probe, probe.code_wait_ms,
            json.dumps([w.to_json() for w in probe.warnings], ensure_ascii=False),
            int(probe.maintenance), probe.trace, json.dumps(probe.network),
        )  # fmt: skip
        cur = self.db.execute(
            "INSERT INTO probes (monitor_id, target, cip, journey, started_at, status, cause,"
            " error, failed_step, duration_ms, steps, probe, code_wait_ms, warnings, maintenance,"
            " trace, network) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            values,
        )
        return int(cur.lastrowid)

    def probes(self, monitor_id: str | None = None, since: float = 0.0) -> list[ProbeRecord]:
        sql = "SELECT * FROM probes WHERE started_at >= ?"
        args: list = [since]
        if monitor_id is not None:
            sql += " AND monitor_id = ?"
            args.append(monitor_id)
        return [_probe(row) for row in self.db.execute(sql + " ORDER BY started_at, id", args)]

    def last_success(self, monitor_id: str) -> float | None:
        row = self.db.execute(
            "SELECT max(started_at) FROM probes WHERE monitor_id = ? AND status != 'failed'",
            (monitor_id,),
        ).fetchone()
        return row[0]

    def daily_uptime(self, monitor_id: str, since: float) -> dict[int, tuple[int, int, int]]:
        """Per UTC day since ``since`` (days since 1970-01-01): probes and probes that passed,
        outside maintenance windows, and probes inside them."""
        rows = self.db.execute(
            "SELECT CAST(started_at / 86400 AS INTEGER) AS day, sum(maintenance = 0),"
            " sum(maintenance = 0 AND status != 'failed'), sum(maintenance != 0) FROM probes"
            " WHERE monitor_id = ? AND started_at >= ? GROUP BY day",
            (monitor_id, since),
        )
        return {day: (probes, up, windowed) for day, probes, up, windowed in rows}

    def previous_up_cause(self, monitor_id: str, before_id: int) -> str | None:
        """The cause of the monitor's last passed probe before row ``before_id`` (None when
        it had none, or there is no such probe): what a one-time warning compares with."""
        row = self.db.execute(
            "SELECT cause FROM probes WHERE monitor_id = ? AND id < ? AND status != 'failed'"
            " ORDER BY started_at DESC, id DESC LIMIT 1",
            (monitor_id, before_id),
        ).fetchone()
        return row[0] if row else None

    def streak(self, monitor_id: str) -> tuple[int, float | None]:
        """Consecutive failed probes at the end of the history and when the streak began."""
        rows = self.db.execute(
            "SELECT status, started_at FROM probes WHERE monitor_id = ?"
            " ORDER BY started_at DESC, id DESC LIMIT 1000",
            (monitor_id,),
        )
        count, began = 0, None
        for status, started_at in rows:
            if status != "failed":
                break
            count, began = count + 1, started_at
        return count, began

    # -- incidents --------------------------------------------------------------------------

    def open_incident(self, monitor_id: str) -> Incident | None:
        row = self.db.execute(
            "SELECT * FROM incidents WHERE monitor_id = ? AND resolved_at IS NULL"
            " ORDER BY id DESC LIMIT 1",
            (monitor_id,),
        ).fetchone()
        return Incident(**dict(row)) if row else None

    def open_incidents(self) -> list[Incident]:
        rows = self.db.execute("SELECT * FROM incidents WHERE resolved_at IS NULL ORDER BY since")
        return [Incident(**dict(row)) for row in rows]

    def save_incident(self, incident: Incident) -> Incident:
        values = (
            incident.monitor_id, incident.since, incident.cause, incident.last_error,
            incident.failed_step, incident.failures, incident.notified_at, incident.resolved_at,
        )  # fmt: skip
        if incident.id:
            self.db.execute(
                "UPDATE incidents SET monitor_id=?, since=?, cause=?, last_error=?, failed_step=?,"
                " failures=?, notified_at=?, resolved_at=? WHERE id=?",
                (*values, incident.id),
            )
        else:
            cur = self.db.execute(
                "INSERT INTO incidents (monitor_id, since, cause, last_error, failed_step,"
                " failures, notified_at, resolved_at) VALUES (?,?,?,?,?,?,?,?)",
                values,
            )
            incident.id = int(cur.lastrowid)
        return incident

    # -- outbox (alerts that survive a crash) ---------------------------------------------------

    def queue(self, incident_id: int, channel: str, notice: dict, at: float) -> int:
        """Queue a notice (its fields as a dict) of ``incident_id`` for one channel; call it
        inside the probe's transaction so the notice and its cause are committed together."""
        cur = self.db.execute(
            "INSERT INTO outbox (incident_id, channel, notice, queued_at) VALUES (?,?,?,?)",
            (incident_id, channel, json.dumps(notice), at),
        )
        return int(cur.lastrowid)

    def queued(self) -> list[tuple[int, str, dict]]:
        """(id, channel, notice) of every notice not sent yet, oldest first."""
        rows = self.db.execute(
            "SELECT id, channel, notice FROM outbox WHERE state = 'queued' ORDER BY id"
        )
        return [(row[0], row[1], json.loads(row[2])) for row in rows]

    def pending(self, incident_id: int) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM outbox WHERE incident_id = ? AND state = 'queued' LIMIT 1",
            (incident_id,),
        ).fetchone()
        return row is not None

    def sent(self, outbox_id: int, at: float, *, notified_at: float | None) -> None:
        """A channel accepted the notice at ``at``; ``notified_at``: it told of the incident
        (an alert, a reminder, a pause decided then), so the incident counts as notified."""
        with self.transaction():
            self.db.execute(
                "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1"
                " WHERE id = ? AND state = 'queued'",
                (at, outbox_id),
            )
            if notified_at is not None:
                self.db.execute(
                    "UPDATE incidents SET notified_at = ?"
                    " WHERE id = (SELECT incident_id FROM outbox WHERE id = ?)",
                    (notified_at, outbox_id),
                )

    def not_sent(self, outbox_id: int) -> None:
        self.db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (outbox_id,))

    def drop(self, *, incident_id: int | None = None, outbox_id: int | None = None) -> int:
        """Forget notices not sent yet: an incident's (it resolved before they got out) or one
        row (its channel is gone from the config)."""
        column, value = ("incident_id", incident_id) if outbox_id is None else ("id", outbox_id)
        cur = self.db.execute(
            f"UPDATE outbox SET state = 'dropped' WHERE {column} = ? AND state = 'queued'",
            (value,),
        )
        return cur.rowcount

    def outbox(self) -> list[tuple[str, str, int, dict]]:
        """(state, channel, attempts, notice) of every notice ever queued, oldest first."""
        rows = self.db.execute("SELECT state, channel, attempts, notice FROM outbox ORDER BY id")
        return [(row[0], row[1], row[2], json.loads(row[3])) for row in rows]

    # -- expiry dates the status page shows (certificate, password) ---------------------------

    def set_expiry(self, monitor_id: str, kind: str, expires_at: float, at: float) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO expiries (monitor_id, kind, expires_at, checked_at)"
            " VALUES (?,?,?,?)",
            (monitor_id, kind, expires_at, at),
        )

    def expiries(self, monitor_id: str) -> dict[str, float]:
        """``{"tls": Unix time, "password": Unix time}``, for the dates known so far."""
        rows = self.db.execute(
            "SELECT kind, expires_at FROM expiries WHERE monitor_id = ?", (monitor_id,)
        )
        return {kind: expires_at for kind, expires_at in rows}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group one probe's writes (result, incident, pause) into one commit."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")


def _probe(row: sqlite3.Row) -> ProbeRecord:
    data = dict(row)
    data.pop("id")
    data["steps"] = json.loads(data["steps"])
    data["warnings"] = json.loads(data["warnings"])
    data["network"] = json.loads(data["network"])
    return ProbeRecord(**data)
