"""The SQLite history: round trip, and no loss of committed probes after a real kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from monitors.history import History
from tests.fixtures.monitoring import probe_record

ROOT = Path(__file__).resolve().parents[2]


def record(monitor_id: str, at: float, status: str = "ok", cause: str | None = None):
    return probe_record(
        monitor_id=monitor_id,
        target="http://127.0.0.1:1",
        cip="PROBE0001",
        started_at=at,
        status=status,
        cause=cause,
        duration_ms=120.0,
        steps={"open": 40.0, "login": 80.0},
    )


def test_round_trip_and_streak(tmp_path):
    with History(tmp_path / "h.sqlite") as history:
        for at, status in [(1, "ok"), (2, "failed"), (3, "degraded"), (4, "failed"), (5, "failed")]:
            history.record(record("m", at, status, None if status != "failed" else "unreachable"))
        probes = history.probes("m")
        assert [p.status for p in probes] == ["ok", "failed", "degraded", "failed", "failed"]
        assert probes[0].steps == {"open": 40.0, "login": 80.0}
        assert history.streak("m") == (2, 4)
        assert history.last_success("m") == 3
        assert history.probes("m", since=4.5)[0].started_at == 5


def test_rollback_keeps_nothing_of_a_failed_transaction(tmp_path):
    history = History(tmp_path / "h.sqlite")
    try:
        with history.transaction():
            history.record(record("m", 1))
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert history.probes("m") == []


WRITER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from monitors.history import History, ProbeRecord
    history = History(sys.argv[1])
    n = 0
    while True:
        n += 1
        with history.transaction():
            history.record(ProbeRecord(monitor_id="m", target="http://t", cip="C",
                                       journey="later_login", started_at=float(n), status="ok"))
        print(n, flush=True)
    """
)


def test_committed_probes_survive_sigkill(tmp_path):
    """A real SIGKILL in the middle of a write loop: every probe reported committed is there."""
    path = tmp_path / "h.sqlite"
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT)))
    proc = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    try:
        committed = 0
        assert proc.stdout is not None
        while committed < 200:
            line = proc.stdout.readline()
            assert line, "writer died early"
            committed = int(line)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert (tmp_path / "h.sqlite-wal").exists()  # the WAL was not checkpointed by a clean close
    with History(path) as history:
        times = [p.started_at for p in history.probes("m")]
    assert len(times) >= committed
    assert times[:committed] == [float(n) for n in range(1, committed + 1)]
    check = sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0]
    assert check == "ok"


OLD_PROBES_TABLE = """
CREATE TABLE probes (
    id INTEGER PRIMARY KEY,
    monitor_id TEXT NOT NULL, target TEXT NOT NULL, cip TEXT NOT NULL, journey TEXT NOT NULL,
    started_at REAL NOT NULL, status TEXT NOT NULL, cause TEXT, error TEXT NOT NULL DEFAULT '',
    failed_step TEXT NOT NULL DEFAULT '', duration_ms REAL NOT NULL DEFAULT 0,
    steps TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO probes (monitor_id, target, cip, journey, started_at, status, duration_ms, steps)
VALUES ('m', 'http://t', 'C', 'later_login', 1.0, 'ok', 90.0, '{"open": 90.0}');
"""


def test_a_history_file_from_before_locations_is_migrated_on_open(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_PROBES_TABLE)
    with History(path) as history:
        old = history.probes("m")[0]
        assert (old.probe, old.code_wait_ms, old.steps) == ("", 0.0, {"open": 90.0})
        history.record(probe_record(started_at=2.0, probe="chus-interne", code_wait_ms=4000.0))
    with History(path) as history:  # a second open finds nothing left to migrate
        new = history.probes("m")[1]
        assert (new.probe, new.code_wait_ms) == ("chus-interne", 4000.0)
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(probes)")]
    assert columns.count("probe") == 1 and columns.count("code_wait_ms") == 1
