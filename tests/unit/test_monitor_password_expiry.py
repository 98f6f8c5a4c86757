"""What the journey met on the way, in the monitors: warnings stored, and one warning sent
when the portal says the monitoring account's password expires soon.

Notices travel through apprise's ``json://`` channel to a real HTTP server on loopback.
"""

from __future__ import annotations

import sqlite3
import textwrap
import time
from pathlib import Path

import pytest

from bench.support.monitoring import receiver
from monitors.chromium import WarmBrowser
from monitors.config import AlertPolicy
from monitors.config_file import load
from monitors.grading import downgrade, grade
from monitors.history import History, Status
from monitors.journeys import Binder
from monitors.probe import Prober
from monitors.toml_reader import ConfigError
from pages.result import Cause, JourneyResult
from tests.fixtures.monitoring import probe_record

TARGET = "http://127.0.0.1:9"
CONFIG = """
history = "history.sqlite"
[targets.portal]
base_url = "{target}"
[accounts.probe]
cip = "PROBE0001"
password_env = "EESPRESSO_TEST_PASSWORD"
[alerts]
channels = ["json://127.0.0.1:{port}/hook"]
{extra}
[[monitors]]
id = "login-a"
target = "portal"
account = "probe"
every = "1m"
"""
EXPIRING = {"kind": "password_expiring", "days": 5, "text": "expirera dans 5 jours"}
NOTICE = {"kind": "interstitial", "text": "Avis important"}


def write_config(tmp_path: Path, port: int = 9, extra: str = "") -> Path:
    path = tmp_path / "monitors.toml"
    path.write_text(textwrap.dedent(CONFIG.format(target=TARGET, port=port, extra=extra)))
    return path


def test_warnings_are_stored_and_read_back(tmp_path):
    with History(tmp_path / "h.sqlite") as history:
        history.record(probe_record(warnings=[EXPIRING, NOTICE]))
        history.record(probe_record(started_at=1.0))
        first, second = history.probes("m")
    assert first.warnings == [EXPIRING, NOTICE] and second.warnings == []


def test_a_history_file_of_an_older_runner_gains_the_warnings_column(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        """CREATE TABLE probes (id INTEGER PRIMARY KEY, monitor_id TEXT NOT NULL,
        target TEXT NOT NULL, cip TEXT NOT NULL, journey TEXT NOT NULL, started_at REAL NOT NULL,
        status TEXT NOT NULL, cause TEXT, error TEXT NOT NULL DEFAULT '',
        failed_step TEXT NOT NULL DEFAULT '', duration_ms REAL NOT NULL DEFAULT 0,
        steps TEXT NOT NULL DEFAULT '{}');
        INSERT INTO probes (monitor_id, target, cip, journey, started_at, status)
        VALUES ('m', 'http://t', 'C', 'later_login', 1.0, 'ok');"""
    )
    db.commit()
    db.close()
    with History(path) as history:
        history.record(probe_record(started_at=2.0, warnings=[EXPIRING]))
        old, new = history.probes("m")
    assert old.warnings == [] and new.warnings == [EXPIRING]
    with History(path) as again:  # opening a migrated file changes nothing
        assert len(again.probes("m")) == 2


@pytest.mark.parametrize(
    ("days", "status", "expected"),
    [
        (5, Status.OK, Cause.PASSWORD_EXPIRING),
        (14, Status.OK, Cause.PASSWORD_EXPIRING),
        (15, Status.OK, None),
        (5, Status.FAILED, Cause.UNREACHABLE),
    ],
)
def test_a_passed_probe_is_degraded_when_the_password_expires_within_the_bound(
    days, status, expected
):
    failed = status is Status.FAILED
    record = probe_record(
        status=status,
        cause=Cause.UNREACHABLE if failed else None,
        warnings=[{**EXPIRING, "days": days}, NOTICE],
    )
    downgrade(record, AlertPolicy(password_expiry_warn_days=14), tls_not_after=None)
    assert record.cause == expected
    if expected is Cause.PASSWORD_EXPIRING:
        assert record.status is Status.DEGRADED and record.up
        assert f"expires in {days} days" in record.error and "C" in record.error


def test_grade_keeps_the_journeys_warnings_and_the_date_they_announce(tmp_path):
    config = load(write_config(tmp_path, extra="password_expiry_warn_days = 3"))
    result = JourneyResult(
        journey="later_login", target=TARGET, cip="PROBE0001", ok=True, warnings=[EXPIRING]
    )
    started = time.time()
    record = grade(config.monitors[0], result, started, config.alerts)
    assert record.status is Status.OK and record.warnings == [EXPIRING]  # 5 days > 3
    assert record.expiries == {"password": pytest.approx(started + 5 * 86400)}
    degraded = grade(config.monitors[0], result, started, AlertPolicy())  # 5 days <= 14
    assert (degraded.status, degraded.cause) == (Status.DEGRADED, Cause.PASSWORD_EXPIRING)


def test_grade_degrades_for_the_certificate_before_the_password(tmp_path):
    config = load(write_config(tmp_path))
    result = JourneyResult(
        journey="later_login", target=TARGET, cip="PROBE0001", ok=True, warnings=[EXPIRING]
    )
    started = time.time()
    record = grade(config.monitors[0], result, started, config.alerts, started + 10 * 86400)
    assert (record.status, record.cause) == (Status.DEGRADED, Cause.TLS_EXPIRING)
    assert record.expiries["tls"] == started + 10 * 86400 and "password" in record.expiries
    failed = grade(config.monitors[0], result, started, config.alerts, started + 86400)
    assert (failed.status, failed.cause) == (Status.FAILED, Cause.TLS_EXPIRING)


@pytest.mark.parametrize("value", [0, -3, 366, "14", True])
def test_the_warning_bound_is_checked_in_one_line(tmp_path, value):
    extra = f"password_expiry_warn_days = {str(value).lower() if value is True else repr(value)}"
    with pytest.raises(ConfigError, match="alerts.password_expiry_warn_days") as caught:
        load(write_config(tmp_path, extra=extra.replace("'", '"')))
    assert "\n" not in str(caught.value)


def test_the_warning_bound_defaults_to_14_days(tmp_path):
    assert load(write_config(tmp_path)).alerts.password_expiry_warn_days == 14
    config = load(write_config(tmp_path, extra="password_expiry_warn_days = 30"))
    assert config.alerts.password_expiry_warn_days == 30


def test_the_expiry_warning_is_sent_once_and_again_after_the_password_changed(tmp_path):
    with receiver() as hook:
        config = load(write_config(tmp_path, port=hook.port))
        history = History(config.history)
        prober = Prober(config, history, WarmBrowser(), Binder(journeys={}))
        monitor = config.monitors[0]
        t0 = time.time() - 3600

        def settle(at: float, warnings: list[dict], status: str = "ok"):
            record = probe_record(
                monitor_id=monitor.id,
                target=TARGET,
                cip="PROBE0001",
                started_at=at,
                status=status,
                cause="unreachable" if status == "failed" else None,
                warnings=warnings,
            )
            downgrade(record, config.alerts, tls_not_after=None)
            return [notice.kind for notice in prober.settle(monitor, record).notices]

        sent = [
            settle(t0, [{**EXPIRING, "days": 9}]),
            settle(t0 + 60, [{**EXPIRING, "days": 9}]),
            settle(t0 + 120, [], status="failed"),  # a portal outage in between
            settle(t0 + 180, [{**EXPIRING, "days": 8}]),
            settle(t0 + 240, []),  # the password was changed
            settle(t0 + 300, [{**EXPIRING, "days": 13}]),
        ]
        assert sent == [["warning"], [], [], [], [], ["warning"]]
        bodies = hook.wait_for(lambda b: len(b) >= 2, timeout=10)
        history.close()
    assert [b["type"] for b in bodies] == ["warning", "warning"]
    title = "[eEspresso] AVERTISSEMENT login-a\u00a0: Mot de passe bientôt expiré"
    assert bodies[0]["title"] == title
    assert "changez-le" in bodies[0]["message"]
    assert "expires in 9 days" in bodies[0]["message"]
    assert "expires in 13 days" in bodies[1]["message"]
