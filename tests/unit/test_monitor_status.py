"""`python -m monitors status|resume|run` as a person meets them: numbers, page, errors."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from monitors.config import load
from monitors.history import History, ProbeRecord
from monitors.status import summarise
from monitors.testing import refuse, simple_config

ROOT = Path(__file__).resolve().parents[2]


def cli(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitors", *argv], cwd=ROOT, text=True,
                          capture_output=True, timeout=120, env=env)  # fmt: skip


def write(tmp_path: Path) -> Path:
    return simple_config(tmp_path / "monitors.toml", [{"id": "login-a", "every": "1m"}],
                         cip="PROBE0001", password_env="EESPRESSO_STATUS_TEST_PASSWORD",
                         history="history.sqlite")  # fmt: skip


def seeded(tmp_path: Path) -> Path:
    path = write(tmp_path)
    config = load(path)
    now = time.time()
    with History(config.history) as history:
        # 7 days: 10 probes a day for days 1..6 ago, all ok; the last 24 h: 8 ok, 2 failed.
        for day in range(1, 7):
            for i in range(10):
                at = now - day * 86400 - i * 600
                history.record(ProbeRecord("login-a", "http://127.0.0.1:9", "PROBE0001",
                               "later_login", at, "ok", None, "", "", 100.0 + i,
                               {"open": 10.0 * (i + 1), "login": 50.0}))  # fmt: skip
        for i in range(10):
            status = "failed" if i < 2 else "ok"
            history.record(ProbeRecord("login-a", "http://127.0.0.1:9", "PROBE0001",
                           "later_login", now - 3600 + i * 60, status,
                           "unreachable" if status == "failed" else None, "", "", 100.0,
                           {"open": 20.0}))  # fmt: skip
    refuse(config.guard.open(), config.monitors[0].identity, times=3)
    return path


def test_summary_numbers(tmp_path):
    summary = summarise(load(seeded(tmp_path)))
    status = summary.monitors[0]
    assert status.uptime_24h == 80.0
    assert status.uptime_7d == 100.0 * 68 / 70
    assert status.probes_7d == 70
    p50, p95 = status.steps["login"]
    assert (p50, p95) == (50.0, 50.0)
    # 6 x (10, 20, ..., 100) and 10 x 20: the 35th and 36th of 70 sorted values are 50.
    assert status.steps["open"] == (50.0, 100.0)
    assert status.paused == "3 unproven submissions in 15 min; last: credentials_rejected"


def test_status_command_text_and_offline_html(tmp_path):
    path = seeded(tmp_path)
    page = tmp_path / "status.html"
    done = cli("status", "--config", str(path), "--html", str(page))
    assert done.returncode == 0, done.stderr
    assert re.search(r"login-a\s+80\.0%\s+97\.1%\s+70", done.stdout)
    assert "PAUSED" in done.stdout and "python -m monitors resume login-a" in done.stdout
    assert "p50" in done.stdout and "p95" in done.stdout
    html = page.read_text()
    assert html.count("src='data:image/png;base64,") == 2
    assert "http://" not in html.replace("http://127.0.0.1:9", "")  # nothing fetched online


def test_resume_command_goes_through_the_guard_and_is_logged(tmp_path):
    path = seeded(tmp_path)
    config = load(path)
    done = cli("resume", "login-a", "--config", str(path), "--note", "password rotated")
    assert done.returncode == 0 and "http://127.0.0.1:9 PROBE0001 resumed" in done.stdout
    assert "resumed by" in done.stderr  # the guard's log line
    guard = config.guard.open()
    assert not guard.status(config.monitors[0].identity).paused
    ((_, event, by, detail),) = guard.journal(config.monitors[0].identity)[-1:]
    assert event == "resumed" and by and detail.startswith("password rotated (was: 3 unproven")
    again = cli("resume", "login-a", "--config", str(path))
    assert again.returncode == 0 and "was not paused" in again.stdout
    unknown = cli("resume", "nope", "--config", str(path))
    assert unknown.returncode == 2 and "known ids: login-a" in unknown.stderr


def test_resume_by_account_without_a_config(tmp_path):
    """Another spelling of the URL and CIP reaches the same account (the journey CLI's hint)."""
    config = load(seeded(tmp_path))
    done = cli("resume", "--base-url", "HTTP://127.0.0.1:9/", "--cip", "probe0001")
    assert done.returncode == 0, done.stderr
    assert not config.guard.open().status(config.monitors[0].identity).paused


def test_user_errors_are_one_line_without_traceback(tmp_path):
    path = write(tmp_path)
    env = {k: v for k, v in __import__("os").environ.items()
           if k != "EESPRESSO_STATUS_TEST_PASSWORD"}  # fmt: skip
    for argv, expected in [
        (("run", "--config", str(tmp_path / "missing.toml")), "no such file"),
        (("run", "--config", str(path)), "EESPRESSO_STATUS_TEST_PASSWORD is empty or unset"),
    ]:
        done = cli(*argv, env=env)
        assert done.returncode == 2
        assert expected in done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
