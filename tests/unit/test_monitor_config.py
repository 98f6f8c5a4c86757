"""monitors.toml loading: a valid file, and one clear line for each kind of mistake."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from monitors.config_file import load
from monitors.toml_reader import ConfigError, parse_duration
from pages.step_titles import STEP_TITLES

ROOT = Path(__file__).resolve().parents[2]

BASE = """
history = "data/history.sqlite"
[targets.sandbox]
base_url = "http://127.0.0.1:8080/"
[accounts.probe]
cip = "PROBE0001"
password_env = "EESPRESSO_TEST_PASSWORD"
[alerts]
channels = ["json://127.0.0.1:9/hook"]
[[monitors]]
id = "login-1"
target = "sandbox"
account = "probe"
every = "2m"
[monitors.thresholds]
degraded_ms = 1000
max_ms = 5000
[monitors.thresholds.steps.code]
max_ms = 800
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "monitors.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_example_file_loads():
    config = load(ROOT / "monitors.example.toml")
    monitor = config.monitors[0]
    assert monitor.journey == "later_login"
    assert monitor.every_s == 300
    assert monitor.steps["code"].max_ms == 10000
    assert config.metrics.port == 9464


def test_every_step_of_a_journey_takes_a_threshold(tmp_path):
    """The step ids a monitor may set thresholds for are the journeys' own, from one table."""
    steps = "".join(f"[monitors.thresholds.steps.{step}]\nmax_ms = 900\n" for step in STEP_TITLES)
    config = load(
        write(tmp_path, BASE.replace("[monitors.thresholds.steps.code]\nmax_ms = 800\n", steps))
    )
    assert list(config.monitor("login-1").steps) == list(STEP_TITLES)
    broken = write(tmp_path, BASE.replace("steps.code]", "steps.qr]"))
    with pytest.raises(ConfigError, match=f"use one of {', '.join(STEP_TITLES)}$"):
        load(broken)


def test_valid_file(tmp_path):
    config = load(write(tmp_path, BASE))
    monitor = config.monitor("login-1")
    assert monitor.target.base_url == "http://127.0.0.1:8080"  # no trailing slash
    assert monitor.every_s == 120 and monitor.cron is None
    assert monitor.overall.degraded_ms == 1000 and monitor.steps["code"].max_ms == 800
    assert config.history == tmp_path / "data/history.sqlite"  # relative to the file
    assert config.alerts.failures_before_alert == 2 and config.alerts.recovery_notice
    assert config.alerts.channels == ("json://127.0.0.1:9/hook",)
    assert config.language == "fr" and config.report_url == ""  # French unless told otherwise


def test_language_and_report_link(tmp_path):
    text = 'language = "en"\nreport_url = "https://ci.example/report/"\n' + BASE
    config = load(write(tmp_path, text))
    assert (config.language, config.report_url) == ("en", "https://ci.example/report/")


def test_cron_schedule(tmp_path):
    text = BASE.replace('every = "2m"', 'cron = "*/5 * * * *"')
    assert load(write(tmp_path, text)).monitors[0].cron == "*/5 * * * *"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('every = "2m"', 'every = "soon"', "monitors[0].every: 'soon' is not a duration"),
        ('every = "2m"', 'cron = "every day"', "monitors[0].cron: 'every day' is not a cron"),
        ('every = "2m"', "", "set exactly one of every"),
        ('target = "sandbox"', 'target = "prod"', "add [targets.prod]"),
        ('account = "probe"', 'account = "ops"', "add [accounts.ops]"),
        ('id = "login-1"', 'id = "Login One"', "monitors[0].id"),
        ("max_ms = 800", "max_ms = 800\nmin_ms = 3", "steps.code.min_ms: unknown key"),
        ("[monitors.thresholds.steps.code]", "[monitors.thresholds.steps.qr]", "unknown step"),
        ("degraded_ms = 1000", "degraded_ms = 9000", "above max_ms"),
        ('base_url = "http://127.0.0.1:8080/"', 'base_url = "ftp://x"', "not an http(s) URL"),
        ('password_env = "EESPRESSO_TEST_PASSWORD"', "", "exactly one of password_env"),
        ('cip = "PROBE0001"', "cip = 12", "accounts.probe.cip: expected str"),
        ('history = "data/history.sqlite"', "histroy = 'x'", "histroy: unknown key"),
        ('channels = ["json://127.0.0.1:9/hook"]', 'channels = ["slack"]', "not an apprise URL"),
        ("[alerts]", "[alerts]\nfailures_before_alert = 0", "0 is out of range; use 1 to 100"),
        ("[alerts]", "[metrics]\npushgateway = 'gw:9091'\n[alerts]", "metrics.pushgateway"),
        ("history =", 'language = "de"\nhistory =', "language: 'de' is not a language"),
        ("history =", "language = 1\nhistory =", "language: expected str"),
        ("history =", 'report_url = "ci/report"\nhistory =', "report_url: 'ci/report' is not"),
    ],
)
def test_mistakes_give_one_clear_line(tmp_path, old, new, expected):
    path = write(tmp_path, BASE.replace(old, new))
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert expected in message


def test_duplicate_ids(tmp_path):
    second = BASE[BASE.index("[[monitors]]") :].split("[monitors.thresholds]")[0]
    with pytest.raises(ConfigError, match="duplicate id 'login-1'"):
        load(write(tmp_path, BASE + second))


def test_unknown_journey(tmp_path):
    text = BASE.replace('every = "2m"', 'every = "2m"\njourney = "logout"')
    with pytest.raises(ConfigError, match="journey: 'logout' is unknown"):
        load(write(tmp_path, text))


def test_toml_syntax_error_names_line(tmp_path):
    with pytest.raises(ConfigError, match=r"invalid TOML: .*line 3"):
        load(write(tmp_path, "[targets.a]\nbase_url = 'http://x'\nbroken = \n"))


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="copy monitors.example.toml"):
        load(tmp_path / "nope.toml")


def test_unknown_monitor_id(tmp_path):
    with pytest.raises(ConfigError, match="known ids: login-1"):
        load(write(tmp_path, BASE)).monitor("nope")


def test_password_sources(tmp_path, monkeypatch):
    account = load(write(tmp_path, BASE)).monitors[0].account
    monkeypatch.delenv("EESPRESSO_TEST_PASSWORD", raising=False)
    with pytest.raises(ConfigError, match="EESPRESSO_TEST_PASSWORD is empty or unset"):
        account.password()
    monkeypatch.setenv("EESPRESSO_TEST_PASSWORD", "Correct-Horse-42!")
    assert account.password() == "Correct-Horse-42!"
    assert "Correct-Horse" not in repr(account)

    secret = tmp_path / "secret"
    text = BASE.replace('password_env = "EESPRESSO_TEST_PASSWORD"', 'password_file = "secret"')
    by_file = load(write(tmp_path, text)).monitors[0].account
    with pytest.raises(ConfigError, match="cannot read the password file"):
        by_file.password()
    secret.write_text("From-A-File-1234\n")
    assert by_file.password() == "From-A-File-1234"


@pytest.mark.parametrize(
    ("value", "seconds"), [(90, 90.0), ("90s", 90.0), ("5m", 300.0), ("1h", 3600.0),
                           ("250ms", 0.25), ("1.5d", 129600.0)],
)  # fmt: skip
def test_durations(value, seconds):
    assert parse_duration(value, where="x") == seconds


@pytest.mark.parametrize("value", ["0s", -1, "5 minutes", True])
def test_bad_durations(value):
    with pytest.raises(ConfigError):
        parse_duration(value, where="x")


EVERY = 'every = "2m"'
URL = 'base_url = "http://127.0.0.1:8080/"'


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (EVERY, "every = nan", "monitors[0].every: a duration must be positive and finite"),
        (EVERY, "every = inf", "monitors[0].every: a duration must be positive and finite"),
        (EVERY, 'every = "1ms"', 'out of range; use "30s" to "7d" (each login needs a fresh'),
        (EVERY, "every = 0", "a duration must be positive"),
        (EVERY, "every = -60", "a duration must be positive"),
        (EVERY, 'every = "29s"', 'use "30s" to "7d"'),
        (EVERY, 'every = "30d"', 'use "30s" to "7d"'),
        (EVERY, f"{EVERY}\ntimeout = inf", "monitors[0].timeout: a duration must be positive"),
        (EVERY, f"{EVERY}\ntimeout = nan", "monitors[0].timeout: a duration must be positive"),
        (EVERY, f'{EVERY}\ntimeout = "500ms"', "timeout: '500ms' is out of range; use \"1s\""),
        (EVERY, f'{EVERY}\ntimeout = "1h"', 'use "1s" to "10m"'),
        ("max_ms = 5000", "max_ms = nan", "thresholds.max_ms: nan is out of range"),
        ("degraded_ms = 1000", "degraded_ms = -inf", "thresholds.degraded_ms: -inf is out of"),
        ("[alerts]", "[alerts]\nreminder_every = nan", "alerts.reminder_every: a duration must"),
        ("[alerts]", "[metrics]\nport = 99999\n[alerts]", "metrics.port: 99999 is out of range"),
        ("[alerts]", "[metrics]\nport = 0\n[alerts]", "use 1 to 65535"),
        ("[alerts]", "[metrics]\nport = -1\n[alerts]", "use 1 to 65535"),
        ("[alerts]", "[metrics]\nport = 9464.0\n[alerts]", "metrics.port: expected int"),
        (URL, 'base_url = "http://[::1"', "base_url: the base URL 'http://[::1' does not parse"),
        (URL, 'base_url = "http://127.0.0.1:99999"', "does not parse (Port out of range"),
        (URL, 'base_url = "http://127.0.0.1:0/"', "port 0: use a port from 1 to 65535"),
        ('cip = "PROBE0001"', 'cip = "PROBE 0001"', "accounts.probe.cip: holds spaces"),
        ('cip = "PROBE0001"', 'cip = ""', "accounts.probe.cip: must be a non-empty line"),
        ('cip = "PROBE0001"', 'cip = "P"\ndevice_name = "a\\nb"', "device_name: must be a non"),
        ("[alerts]", "[guard]\nmax_unproven = 5\n[alerts]", "guard.max_unproven: 5 is out of"),
        ("[alerts]", '[guard]\nwindow = "10s"\n[alerts]', "guard.window: '10s' is out of"),
        ("[alerts]", "[guard]\nbudget = 3\n[alerts]", "guard.budget: unknown key"),
        ("[alerts]", "[metrics]\npushgateway = 'http://u:p@gw:9091'\n[alerts]", "credentials"),
    ],
)
def test_every_value_is_bounded(tmp_path, old, new, expected):
    assert old in BASE
    path = write(tmp_path, BASE.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    assert expected in message


def test_credentials_in_a_base_url_are_refused_without_echo(tmp_path):
    path = write(tmp_path, BASE.replace(URL, 'base_url = "https://probe:Hunter2-Secret@h.example"'))
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert "targets.sandbox.base_url: the base URL holds credentials" in message
    assert "password_env or password_file" in message
    assert "Hunter2" not in message and "probe:" not in message


def test_a_base_url_is_one_spelling_of_its_portal(tmp_path):
    path = write(tmp_path, BASE.replace(URL, 'base_url = "HTTPS://Portal.Example:443/"'))
    monitor = load(path).monitors[0]
    assert monitor.target.base_url == "https://portal.example"
    assert monitor.identity == "https://portal.example PROBE0001"


def test_guard_settings(tmp_path):
    text = BASE.replace("[alerts]", '[guard]\npath = "g/guard.sqlite"\nmax_unproven = 2\n'
                        'window = "30m"\n[alerts]')  # fmt: skip
    guard = load(write(tmp_path, text)).guard
    assert (guard.path, guard.max_unproven, guard.window_s) == (
        tmp_path / "g/guard.sqlite",
        2,
        1800,
    )
    assert guard.open().max_unproven == 2


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "history = 'caf\xe9'\n".encode("latin-1"),
            "not UTF-8 text (byte 14); save the file as UTF-8",
        ),
        (b"\xff\xfe[targets]\n", "not UTF-8 text (byte 0)"),
    ],
)
def test_a_file_that_is_not_utf8_is_one_line(tmp_path, data, expected):
    path = tmp_path / "monitors.toml"
    path.write_bytes(data)
    with pytest.raises(ConfigError) as info:
        load(path)
    assert "\n" not in str(info.value) and expected in str(info.value)


def test_a_folder_given_as_config_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match="cannot read it"):
        load(tmp_path)


def test_browser_ws_global_and_per_target(tmp_path):
    text = BASE.replace("[targets.", 'browser_ws = "ws://127.0.0.1:3000/all"\n[targets.', 1)
    config = load(write(tmp_path, text))
    assert config.monitors[0].target.browser_ws == "ws://127.0.0.1:3000/all"
    bad = BASE.replace("[targets.", 'browser_ws = "http://nope"\n[targets.', 1)
    with pytest.raises(ConfigError, match=r"browser_ws: a browser server is a ws:// or wss://"):
        load(write(tmp_path, bad))
