"""The gate's SLO rules on a monitors' SQLite history: uptime and p95 login time.

The history is written by the monitors' own ``monitors.history.History`` (the real writer and
schema); the gate reads it read-only and must refuse a missing or foreign file with exit 2.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from monitors.history import History, ProbeRecord
from reports.history import p95, read_slo
from tests.fixtures.allure.support import FIXTURES, cli

ALL_PASS = str(FIXTURES / "all_pass")


def write_history(
    path: Path, probes: list[tuple[str, str, float]], age_s: float = 60, maintenance: bool = False
) -> None:
    """``probes``: (journey, status, duration_ms), all started ``age_s`` ago."""
    with History(path) as history:
        for i, (journey, status, ms) in enumerate(probes):
            history.record(
                ProbeRecord(
                    monitor_id=f"sandbox-{journey}",
                    target="http://127.0.0.1:8080",
                    cip="demo",
                    journey=journey,
                    started_at=time.time() - age_s + i,
                    status=status,
                    cause=None if status != "failed" else "unreachable",
                    duration_ms=ms,
                    maintenance=maintenance,
                )
            )


def policy(tmp_path: Path, **monitors: float) -> str:
    path = tmp_path / "gate.toml"
    lines = ["[monitors]", *(f"{key} = {value}" for key, value in monitors.items())]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def gate(capsys, *args: str, language: str = "en") -> tuple[int, str, str]:
    return cli(capsys, "gate", "--results", ALL_PASS, "--language", language, *args)


def test_uptime_and_p95_within_bounds_pass(capsys, tmp_path):
    db = tmp_path / "monitors.sqlite"
    write_history(db, [("later_login", "ok", 1000 + 10 * i) for i in range(20)])
    summary = tmp_path / "gate.md"
    code, out, _ = gate(
        capsys, "--history", str(db), "--policy", policy(tmp_path), "--summary", str(summary)
    )
    assert code == 0, out
    assert "PASS  monitors.uptime: 100.00% of 20 probes up over the last 24 h" in out
    assert "PASS  monitors.login_p95: p95 later_login 1180 ms over 20 probes" in out
    assert "- uptime: 100.00% (20 of 20 probes up)" in summary.read_text()


def test_slo_figures_in_french(capsys, tmp_path):
    db = tmp_path / "monitors.sqlite"
    write_history(db, [("later_login", "ok", 1000.0)] * 3 + [("later_login", "failed", 50.0)])
    summary = tmp_path / "gate.md"
    code, out, _ = gate(capsys, "--history", str(db), "--policy", policy(tmp_path),
                        "--summary", str(summary), language="fr")  # fmt: skip
    assert code == 1
    nbsp = "\u00a0"
    assert (f"ÉCHEC   monitors.uptime{nbsp}: 75,00{nbsp}% en service sur 4 sondes"
            f" (dernières 24 h), cible 99,00{nbsp}%") in out  # fmt: skip
    assert f"monitors.login_p95{nbsp}: p95 later_login 1000 ms sur 3 sondes (dernières 24 h)" in out
    text = summary.read_text()
    assert "### Sondes (dernières 24 h)" in text
    assert f"- disponibilité{nbsp}: 75,00{nbsp}% (3 sur 4 sondes en service)" in text
    assert f"- p95 du temps de connexion{nbsp}: 1000 ms (3 connexions réussies)" in text


def test_downtime_and_slow_logins_fail(capsys, tmp_path):
    db = tmp_path / "monitors.sqlite"
    probes = [("later_login", "ok", 9000.0)] * 8 + [("later_login", "failed", 100.0)] * 2
    write_history(db, probes)
    code, out, _ = gate(
        capsys, "--history", str(db), "--policy", policy(tmp_path, login_p95_max_ms=5000)
    )
    assert code == 1
    assert "FAIL  monitors.uptime: 80.00% of 10 probes up" in out
    assert "FAIL  monitors.login_p95: p95 later_login 9000 ms over 8 probes" in out


def test_degraded_probes_count_as_up(tmp_path):
    db = tmp_path / "monitors.sqlite"
    write_history(db, [("later_login", "degraded", 12000.0), ("first_access", "ok", 3000.0)])
    slo = read_slo(db, window_hours=1, login_journey="later_login")
    assert (slo.probes, slo.up, slo.logins, slo.login_p95_ms) == (2, 2, 1, 12000.0)


def test_probes_outside_the_window_are_ignored(capsys, tmp_path):
    db = tmp_path / "monitors.sqlite"
    write_history(db, [("later_login", "failed", 100.0)], age_s=3 * 3600)
    code, _, err = gate(capsys, "--history", str(db), "--policy", policy(tmp_path, window_hours=1))
    assert code == 2
    assert "has no probes outside maintenance windows in the last 1 h: run the monitors" in err


def test_no_successful_login_fails_the_p95_rule(capsys, tmp_path):
    db = tmp_path / "monitors.sqlite"
    write_history(db, [("later_login", "failed", 100.0)] * 3)
    code, out, _ = gate(capsys, "--history", str(db), "--policy", policy(tmp_path, uptime_min=0))
    assert code == 1
    assert "FAIL  monitors.login_p95: no successful later_login probe over the last 24 h" in out


def test_missing_history_exits_2_and_creates_nothing(capsys, tmp_path):
    db = tmp_path / "monitors.sqlite"
    code, out, err = gate(capsys, "--history", str(db))
    assert (code, out) == (2, "")
    assert f"monitors history {db} is missing" in err
    assert not db.exists()


def test_foreign_sqlite_and_non_sqlite_files_exit_2(capsys, tmp_path):
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE probes (id INTEGER, status TEXT)")
    code, _, err = gate(capsys, "--history", str(foreign))
    assert code == 2
    assert "lacks probes columns duration_ms, journey, monitor_id, started_at" in err
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database, just text " * 100)
    code, _, err = gate(capsys, "--history", str(text))
    assert code == 2 and "is not a readable SQLite file" in err


def test_p95_interpolates_between_ranks():
    assert p95([]) is None
    assert p95([7.0]) == 7.0
    assert p95([float(v) for v in range(1, 101)]) == pytest.approx(95.05)


def test_probes_inside_maintenance_windows_are_ignored(capsys, tmp_path):
    """A deployment's failures and slow logins, inside its window, fail no release."""
    db = tmp_path / "monitors.sqlite"
    write_history(db, [("later_login", "ok", 1000.0)] * 4, age_s=600)
    write_history(db, [("later_login", "failed", 30000.0)] * 6, maintenance=True)
    write_history(db, [("later_login", "ok", 60000.0)] * 6, age_s=30, maintenance=True)
    code, out, _ = gate(capsys, "--history", str(db), "--policy", policy(tmp_path))
    assert code == 0, out
    assert "PASS  monitors.uptime: 100.00% of 4 probes up" in out
    assert "PASS  monitors.login_p95: p95 later_login 1000 ms over 4 probes" in out
    write_history(db, [("later_login", "failed", 100.0)], age_s=20)  # outside any window
    code, out, _ = gate(capsys, "--history", str(db), "--policy", policy(tmp_path))
    assert code == 1 and "FAIL  monitors.uptime: 80.00% of 5 probes up" in out
