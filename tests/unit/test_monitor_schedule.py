"""Schedules (interval and cron) and the per-probe progress line."""

from __future__ import annotations

from datetime import datetime

from monitors.alerts import Notice
from monitors.config_file import load
from monitors.probe import Outcome
from monitors.runner import first_due, next_due, progress_line
from tests.fixtures.monitoring import probe_record, simple_config


def monitors(tmp_path):
    monitors = [{"id": "every", "every": "90s"}, {"id": "cron", "cron": "*/15 * * * *"}]
    config = load(simple_config(tmp_path / "m.toml", monitors))
    return config.monitor("every"), config.monitor("cron")


def test_interval_starts_now_then_every_period(tmp_path):
    every, _ = monitors(tmp_path)
    assert first_due(every, 1000.0) == 1000.0
    assert next_due(every, 1000.0) == 1090.0


def test_cron_waits_for_its_slots(tmp_path):
    _, cron = monitors(tmp_path)
    start = datetime(2026, 11, 28, 10, 7, 30).timestamp()
    first = first_due(cron, start)
    assert datetime.fromtimestamp(first) == datetime(2026, 11, 28, 10, 15)
    assert datetime.fromtimestamp(next_due(cron, first)) == datetime(2026, 11, 28, 10, 30)


def test_progress_lines_say_what_happened_without_secrets():
    ok = probe_record(
        monitor_id="login-a",
        duration_ms=812.0,
        steps={"open": 200.0, "login": 300.0, "code": 250.0, "home": 62.0},
    )
    line = progress_line(Outcome("login-a", record=ok))
    assert "login-a" in line and "OK" in line and "812 ms" in line
    assert "open 200 · login 300 · code 250 · home 62" in line

    failed = probe_record(
        monitor_id="login-a",
        status="failed",
        cause="code_rejected",
        error="the portal refused the code",
        failed_step="code",
        duration_ms=900.0,
    )
    notice = Notice("alert", "login-a", "http://t", "code_rejected", 0.0)
    line = progress_line(Outcome("login-a", failed, notices=(notice,), delivered=(notice,)))
    assert "FAILED" in line and "Authenticator code refused: the portal refused the code" in line
    assert line.endswith("[alert sent]")
    assert progress_line(Outcome("login-a", failed, notices=(notice,))).endswith("[alert queued]")

    skipped = progress_line(Outcome("login-a", skipped="paused to protect the account"))
    assert "SKIPPED" in skipped and "paused to protect the account" in skipped
