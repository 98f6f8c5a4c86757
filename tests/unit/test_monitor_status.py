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
from tests.fixtures.monitoring import probe_record, simple_config

ROOT = Path(__file__).resolve().parents[2]


def cli(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitors", *argv], cwd=ROOT, text=True,
                          capture_output=True, timeout=120, env=env)  # fmt: skip


def write(tmp_path: Path) -> Path:
    return simple_config(tmp_path / "monitors.toml", [{"id": "login-a", "every": "1m"}],
                         cip="PROBE0001", password_env="EESPRESSO_STATUS_TEST_PASSWORD",
                         history="history.sqlite")  # fmt: skip


def probe(at: float, status: str, cause: str | None = None, **measures) -> ProbeRecord:
    return probe_record(
        monitor_id="login-a",
        target="http://127.0.0.1:9",
        cip="PROBE0001",
        started_at=at,
        status=status,
        cause=cause,
        **{"duration_ms": 100.0, **measures},
    )


def seeded(tmp_path: Path) -> Path:
    path = write(tmp_path)
    config = load(path)
    now = time.time()
    with History(config.history) as history:
        # 7 days: 10 probes a day for days 1..6 ago, all ok; the last 24 h: 8 ok, 2 failed.
        for day in range(1, 7):
            for i in range(10):
                at = now - day * 86400 - i * 600
                history.record(
                    probe(
                        at,
                        "ok",
                        duration_ms=100.0 + i,
                        steps={"open": 10.0 * (i + 1), "login": 50.0},
                    )
                )
        for i in range(10):
            status = "failed" if i < 2 else "ok"
            cause = "unreachable" if status == "failed" else None
            history.record(probe(now - 3600 + i * 60, status, cause, steps={"open": 20.0}))
        history.pause("login-a", "paused to protect the account from lockout")
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
    assert status.paused == "paused to protect the account from lockout"


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


def test_resume_command(tmp_path):
    path = seeded(tmp_path)
    done = cli("resume", "login-a", "--config", str(path))
    assert done.returncode == 0 and "resumed" in done.stdout
    with History(load(path).history) as history:
        assert history.paused("login-a") is None
    again = cli("resume", "login-a", "--config", str(path))
    assert again.returncode == 0 and "was not paused" in again.stdout
    unknown = cli("resume", "nope", "--config", str(path))
    assert unknown.returncode == 2 and "known ids: login-a" in unknown.stderr


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
