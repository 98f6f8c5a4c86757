"""Maintenance windows: declared in the config, opened from the command line, and what they
change: no incident and no alert inside, an alert at once when the failure outlives the
window, uptime without them, ``probe_maintenance`` on /metrics, the status page.

Probe records are fed to ``Prober.settle`` as the runner does; notices travel through
apprise's ``json://`` channel to a real HTTP server on loopback. The end-to-end run on the
sandbox is tests/e2e/test_monitor_maintenance.py.
"""

from __future__ import annotations

import sqlite3
import textwrap
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import generate_latest

from bench.support.monitoring import receiver
from monitors.__main__ import main
from monitors.chromium import WarmBrowser
from monitors.config_file import load
from monitors.history import History
from monitors.journeys import Binder
from monitors.maintenance import Journal
from monitors.probe import Prober
from monitors.status import summarise
from monitors.status_page import render_page
from monitors.toml_reader import ConfigError
from tests.fixtures.monitoring import probe_record

TORONTO = ZoneInfo("America/Toronto")
BASE = """
history = "history.sqlite"
language = "en"
[targets.portal]
base_url = "http://127.0.0.1:9"
[targets.other]
base_url = "http://127.0.0.1:10"
[accounts.probe]
cip = "PROBE0001"
password_env = "EESPRESSO_TEST_PASSWORD"
[alerts]
failures_before_alert = 3
channels = ["json://127.0.0.1:{port}/hook"]
[[monitors]]
id = "login-a"
target = "portal"
account = "probe"
every = "1m"
[[monitors]]
id = "login-b"
target = "other"
account = "probe"
every = "1m"
"""


def write(tmp_path: Path, extra: str = "", port: int = 9, top: str = "") -> Path:
    """The base config, ``top`` keys before its first table, ``extra`` tables after it."""
    path = tmp_path / "monitors.toml"
    path.write_text(top + textwrap.dedent(BASE.format(port=port)) + textwrap.dedent(extra))
    return path


def at_toronto(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=TORONTO).timestamp()


def test_declared_one_off_and_recurring_windows_in_the_config_time_zone(tmp_path):
    config = load(write(tmp_path, """
        [[maintenance]]
        start = 2026-12-08T22:00:00
        end = 2026-12-09T00:30:00
        target = "portal"
        reason = "eEspresso 26.4 release"
        [[maintenance]]
        cron = "0 23 * * 2"
        duration = "1h"
        monitor = "login-b"
        reason = "weekly patching"
    """))  # fmt: skip
    assert config.timezone == "America/Toronto"
    schedule = config.schedule()
    inside = at_toronto("2026-12-09T00:10:00")
    assert schedule.active("login-a", "portal", inside)[0].reason == "eEspresso 26.4 release"
    assert schedule.active("login-a", "portal", at_toronto("2026-12-09T00:30:00")) is None
    assert schedule.active("login-b", "other", inside) is None  # another target
    # Tuesdays 23:00 Toronto time, in winter (EST) and in summer (EDT) alike.
    for tuesday in ("2026-12-15", "2026-07-14"):
        start = at_toronto(f"{tuesday}T23:00:00")
        window, ends = schedule.active("login-b", "other", start + 1800)
        assert window.reason == "weekly patching" and ends == start + 3600
        assert schedule.active("login-b", "other", start - 1) is None
        assert schedule.active("login-b", "other", start + 3600) is None
        assert schedule.active("login-a", "portal", start + 1800) is None  # another monitor


def test_a_window_without_scope_covers_every_monitor_in_its_time_zone(tmp_path):
    config = load(write(tmp_path, top='timezone = "Europe/Paris"\n', extra="""
        [[maintenance]]
        start = "2026-12-08 22:00"
        end = "2026-12-08 23:00"
        reason = "network work"
    """))  # fmt: skip
    paris = datetime(2026, 12, 8, 22, 30, tzinfo=ZoneInfo("Europe/Paris")).timestamp()
    for monitor in config.monitors:
        assert config.schedule().active(monitor.id, monitor.target.name, paris) is not None


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('timezone = "Mars/Olympus"\n', "timezone: 'Mars/Olympus' is not a time zone; write e.g."),
        ("[[maintenance]]\nstart = 2026-12-08T22:00:00\nend = 2026-12-08T23:00:00\n",
         "maintenance[0].reason: is missing; add it"),
        ('[[maintenance]]\nreason = "r"\nstart = 2026-12-08T22:00:00\n',
         "maintenance[0].start: set start and end (one-off) or cron and duration (recurring)"),
        ('[[maintenance]]\nreason = "r"\nstart = 2026-12-08T22:00:00\nend = 2026-12-20T22:00:00\n',
         "maintenance[0].end: must be 1 minute to 7 days after start; a window is planned work"),
        ('[[maintenance]]\nreason = "r"\nstart = 2026-12-08T22:00:00\nend = 2026-12-08T21:00:00\n',
         "maintenance[0].end: must be 1 minute to 7 days after start"),
        ('[[maintenance]]\nreason = "r"\nstart = "tonight"\nend = 2026-12-08T23:00:00\n',
         "maintenance[0].start: 'tonight' is not a date and time; write e.g. \"2026-12-08 22:00\""),
        ('[[maintenance]]\nreason = "r"\ncron = "0 23 * * 2"\n',
         'maintenance[0].duration: is missing; add e.g. duration = "2h"'),
        ('[[maintenance]]\nreason = "r"\ncron = "every tuesday"\nduration = "1h"\n',
         "maintenance[0].cron: 'every tuesday' is not a cron expression"),
        ('[[maintenance]]\nreason = "r"\ncron = "0 23 * * 2"\nduration = "8d"\n',
         "maintenance[0].duration: '8d' is out of range; use \"1m\" to \"7d\""),
        ('[[maintenance]]\nreason = "r"\ncron = "0 23 * * 2"\nduration = "1h"\nmonitor = "nope"\n',
         "maintenance[0].monitor: 'nope' is not the id of a [[monitors]] table"),
        ('[[maintenance]]\nreason = "r"\ncron = "0 23 * * 2"\nduration = "1h"\ntarget = "nope"\n',
         "maintenance[0].target: 'nope' is not declared; use a [targets.NAME] name"),
        ('[[maintenance]]\nreason = "r"\ncron = "0 23 * * 2"\nduration = "1h"\nevery = "1d"\n',
         "maintenance[0].every: unknown key"),
        ('maintenance = "tonight"\n', "maintenance: expected list, got str 'tonight'"),
    ],
)  # fmt: skip
def test_window_mistakes_are_one_line_naming_the_key(tmp_path, extra, expected):
    head, _, tables = extra.partition("[[")  # top-level keys go before the first table
    path = write(tmp_path, "[[" + tables if tables else "", top=head)
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert "\n" not in message and expected in message, message


@pytest.fixture
def hook():
    with receiver() as box:
        yield box


def prober_for(tmp_path: Path, hook, extra: str = "") -> Prober:
    config = load(write(tmp_path, extra, hook.port))
    return Prober(config, History(config.history), WarmBrowser(), Binder(journeys={}))


def settle(prober: Prober, at: float, status: str = "failed", monitor: str = "login-a"):
    record = probe_record(monitor_id=monitor, target="http://127.0.0.1:9", started_at=at,
                          status=status, cause=None if status == "ok" else "http_error",
                          error="" if status == "ok" else "HTTP 503")  # fmt: skip
    return prober.settle(prober.config.monitor(monitor), record)


def test_failures_inside_a_window_alert_nobody_and_the_first_after_it_alerts_at_once(
    tmp_path, hook
):
    now = time.time()
    prober = prober_for(tmp_path, hook)
    with prober.history.transaction():
        Journal(prober.history.db).open(start=now - 600, end=now, reason="release 26.4",
                                        by="alice", monitor="login-a")  # fmt: skip
    for minute in range(6):  # six failures inside the window: N = 3 would have alerted twice
        outcome = settle(prober, now - 590 + 60 * minute)
        assert outcome.record.maintenance and outcome.notices == ()
    assert prober.history.open_incident("login-a") is None
    # The window ended; the portal still fails: one failure is enough, at once.
    outcome = settle(prober, now + 5)
    assert not outcome.record.maintenance
    assert [n.kind for n in outcome.notices] == ["alert"]
    bodies = hook.wait_for(lambda b: len(b) == 1, 10)
    assert len(bodies) == 1 and "login-a" in bodies[0]["title"]
    # Another monitor, not in the window, waits for its N failures as before.
    assert [settle(prober, now + 6 + i, monitor="login-b").notices for i in range(2)] == [(), ()]
    prober.history.close()


def test_a_failure_after_a_window_whose_probes_passed_waits_for_n_as_usual(tmp_path, hook):
    now = time.time()
    prober = prober_for(tmp_path, hook, f"""
        [[maintenance]]
        start = {datetime.fromtimestamp(now - 600, TORONTO).replace(tzinfo=None).isoformat()}
        end = {datetime.fromtimestamp(now - 60, TORONTO).replace(tzinfo=None).isoformat()}
        reason = "release"
    """)  # fmt: skip
    assert settle(prober, now - 300, status="ok").record.maintenance
    assert settle(prober, now).notices == ()  # a new failure: maybe transient
    prober.history.close()


def test_metrics_status_page_and_uptime_show_the_window(tmp_path, hook):
    now = time.time()
    prober = prober_for(tmp_path, hook)
    settle(prober, now - 7200, status="ok")
    with prober.history.transaction():
        Journal(prober.history.db).open(start=now - 60, end=now + 3600, reason="release 26.4",
                                        by="alice", target="portal")  # fmt: skip
    settle(prober, now - 30)  # failed, inside the window
    exposed = generate_latest(prober.metrics.registry).decode()
    assert 'probe_maintenance{monitor="login-a",probe=' in exposed
    lines = [line for line in exposed.splitlines() if line.startswith("probe_maintenance{")]
    assert any('monitor="login-a"' in line and line.endswith(" 1.0") for line in lines)
    assert any('monitor="login-b"' in line and line.endswith(" 0.0") for line in lines)
    summary = summarise(prober.config, now=now)
    status = summary.monitors[0]
    assert status.uptime_24h == 100.0  # the failure inside the window is not downtime
    assert status.maintenance[1] == "release 26.4" and status.maintenance[0] == now + 3600
    assert status.days[-1][1:] in ((1, 1, 1), (0, 0, 1))  # yesterday's UTC day at midnight
    page = render_page(summary)
    assert "Maintenance windows open" in page and "release 26.4" in page
    assert "In maintenance until" in page and "in maintenance, not in uptime" in page
    assert "class='maintenance'" in page
    prober.history.close()


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_command_line_start_list_end_journalled_with_who_and_why(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("USER", "release-manager")
    monkeypatch.setenv("LOGNAME", "release-manager")
    config = str(write(tmp_path))
    code, out, _ = cli(capsys, "maintenance", "start", "--for", "2h", "--reason",
                       "eEspresso 26.4", "--monitor", "login-a", "--config", config)  # fmt: skip
    assert code == 0 and "window #1 opened" in out and "monitor login-a" in out
    code, out, _ = cli(capsys, "maintenance", "start", "--for", "30m", "--reason", "DNS",
                       "--target", "other", "--config", config)  # fmt: skip
    assert code == 0 and "target other" in out
    code, out, _ = cli(capsys, "maintenance", "list", "--config", config)
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.startswith("OPEN") for line in lines)
    assert "(#1 by release-manager): eEspresso 26.4" in lines[0]
    schedule, now = load(config).schedule(), time.time()
    assert schedule.active("login-a", "portal", now) is not None
    code, out, _ = cli(capsys, "maintenance", "end", "--monitor", "login-a", "--config", config)
    assert code == 0 and "#1 ended by release-manager" in out
    assert load(config).schedule().active("login-a", "portal", time.time()) is None
    with sqlite3.connect(tmp_path / "history.sqlite") as db:
        rows = db.execute("SELECT reason, opened_by, ended_by FROM maintenance").fetchall()
    assert rows == [("eEspresso 26.4", "release-manager", "release-manager"),
                    ("DNS", "release-manager", "")]  # fmt: skip
    code, out, _ = cli(capsys, "maintenance", "list", "--config", config)
    assert "ended by release-manager" in out
    code, out, _ = cli(capsys, "maintenance", "end", "--id", "2", "--config", config)
    assert code == 0 and "#2 ended" in out
    assert load(config).schedule().active("login-b", "other", time.time()) is None


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["start", "--for", "2h"], "the following arguments are required: --reason"),
        (["start", "--for", "2 weeks", "--reason", "x"], "--for: '2 weeks' is not a duration"),
        (["start", "--for", "9d", "--reason", "x"], "--for: '9d' is out of range"),
        (["start", "--for", "2h", "--reason", " "], "--reason must be one line of 1 to 200"),
        (["start", "--for", "2h", "--reason", "a\nb"], "--reason must be one line"),
        (["start", "--for", "2h", "--reason", "x", "--monitor", "nope"],
         "no monitor with id 'nope'; known ids: login-a, login-b"),
        (["start", "--for", "2h", "--reason", "x", "--target", "nope"],
         "no target 'nope'; known targets: other, portal"),
        (["start", "--for", "2h", "--reason", "x", "--monitor", "login-a", "--target", "other"],
         "not allowed with argument"),
        (["end"], "no open maintenance window for that scope was opened with 'start'"),
        (["end", "--id", "7"], "no open maintenance window #7"),
        (["stop"], "invalid choice: 'stop'"),
    ],
)  # fmt: skip
def test_command_line_mistakes_are_one_line(tmp_path, capsys, argv, expected):
    config = str(write(tmp_path))
    code, out, err = cli(capsys, "maintenance", *argv, "--config", config)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err, err
