"""`python -m monitors status|resume|run` as a person meets them: numbers, page, errors."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitors.config import load
from monitors.history import History, ProbeRecord
from monitors.status import summarise
from tests.fixtures.monitoring import probe_record, refuse, simple_config

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


BAD_CONFIGS = {
    "every nan": ('every = "1m"', "every = nan", "every: a duration must be positive"),
    "every 1ms": ('every = "1m"', 'every = "1ms"', "every: '1ms' is out of range"),
    "timeout inf": ('every = "1m"', 'every = "1m"\ntimeout = inf', "timeout: a duration"),
    "ipv6": ("http://127.0.0.1:9", "http://[::1", "does not parse (Invalid IPv6 URL)"),
    "port": ("http://127.0.0.1:9", "http://127.0.0.1:99999", "Port out of range"),
    "credentials": ("http://127.0.0.1:9", "http://ops:Hunter2-Pass@h", "holds credentials"),
    "unknown key": ("[[monitors]]", "[metrics]\nprot = 1\n[[monitors]]", "metrics.prot: unknown"),
}


@pytest.mark.parametrize(
    ("command", "case"),
    [("run", case) for case in BAD_CONFIGS]
    + [(command, case) for command in ("status", "resume") for case in ("every nan", "ipv6",
                                                                          "credentials")],
)  # fmt: skip
def test_bad_configs_are_one_line_and_exit_2(tmp_path, command, case):
    old, new, expected = BAD_CONFIGS[case]
    path = write(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    argv = [command, "--config", str(path)] + (["login-a"] if command == "resume" else [])
    done = cli(*argv)
    assert (done.returncode, done.stdout) == (2, "")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert expected in done.stderr
    assert "Hunter2" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run"], "the following arguments are required: --config (see --help)"),
        (["status", "--config"], "expected one argument"),
        (["resume"], "resume takes a monitor ID and --config, or --base-url and --cip"),
        (["resume", "--base-url", "http://[::1", "--cip", "C1"], "does not parse"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_command_lines_are_one_line_and_exit_2(argv, expected):
    done = cli(*argv)
    assert done.returncode == 2 and expected in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_bad_files_are_one_line_and_exit_2(tmp_path):
    path = write(tmp_path)
    (tmp_path / "history.sqlite").write_bytes(b"garbage, not SQLite" * 200)
    done = cli("status", "--config", str(path))
    assert done.returncode == 2 and "history" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "history.sqlite").unlink()
    latin = tmp_path / "latin.toml"
    latin.write_bytes(path.read_bytes() + "# café\n".encode("latin-1"))
    for command in ("run", "status"):
        done = cli(command, "--config", str(latin))
        assert done.returncode == 2 and "not UTF-8 text" in done.stderr
        assert "Traceback" not in done.stderr
