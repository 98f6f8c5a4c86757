"""The gate on Allure results written by the monitors (``monitors.results_allure``): the
labels the gate reads (story, severity, ``cause``) must reach the gate's rules."""

from __future__ import annotations

import time
from pathlib import Path

from monitors.config import Account, Monitor, Target
from monitors.history import ProbeRecord
from monitors.results_allure import AllureWriter
from tests.fixtures.allure.support import cli

TARGET = Target("sandbox", "http://127.0.0.1:8080")
ACCOUNT = Account("probe", "DEMO0001", password_env="EESPRESSO_PROBE_PASSWORD")


def probe(folder: Path, journey: str, status: str, cause: str | None = None) -> None:
    monitor = Monitor(id=f"sandbox-{journey.replace('_', '-')}", target=TARGET, account=ACCOUNT,
                      journey=journey, every_s=300)  # fmt: skip
    record = ProbeRecord(
        monitor_id=monitor.id, target=TARGET.base_url, cip=ACCOUNT.cip, journey=journey,
        started_at=time.time(), status=status, cause=cause,
        error="the clocks disagree by 95 s" if cause else "", duration_ms=2500.0,
        steps={"open": 500.0, "login": 1000.0, "code": 1000.0},
    )  # fmt: skip
    AllureWriter(folder).write(monitor, record)


def test_probes_that_succeeded_pass_the_journey_rules(capsys, tmp_path):
    probe(tmp_path, "first_access", "ok")
    probe(tmp_path, "later_login", "degraded")
    code, out, _ = cli(capsys, "gate", "--results", str(tmp_path), "--language", "en")
    assert code == 0
    assert "PASS  journey[first access]: 1 test passed" in out
    assert "PASS  journey[later login]: 1 test passed" in out


def test_a_failed_probe_fails_its_journey_with_the_cause_in_words(capsys, tmp_path):
    probe(tmp_path, "first_access", "ok")
    probe(tmp_path, "later_login", "failed", cause="clock_skew")
    summary = tmp_path.parent / f"{tmp_path.name}.md"
    code, out, _ = cli(capsys, "gate", "--results", str(tmp_path), "--summary", str(summary),
                        "--language", "en")  # fmt: skip
    assert code == 1
    assert "FAIL  journey[later login]: not passed: sandbox-later-login (later_login)" in out
    assert "(failed: Clock drift (clock_skew))" in out
    assert "FAIL  severity: failed tests of severity blocker/critical" in out
    assert (
        "| monitors.sandbox-later-login | failed | Clock drift (clock_skew) |"
        in summary.read_text()
    )
