"""Remote browsers: a Playwright browser server on loopback stands in for the local Chromium.

The same journey passes through the journey CLI (``--browser-ws``), the pytest suite
(``--browser-ws``) and a monitor (``browser_ws`` in monitors.toml). An unreachable server and
a server of another Playwright version end as ``probe_error`` with one line that names the
browser server, never as a portal failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import allure
import pytest

from bench.support.monitoring import free_port, write_config
from monitors.chromium import WarmBrowser
from monitors.config_file import load
from monitors.history import History
from monitors.journeys import Binder
from monitors.probe import Prober
from tests.fixtures.accounts import run_cli
from tests.fixtures.browser_server import PREVIOUS, browser_server

pytestmark = [allure.feature("Remote browsers")]


@pytest.fixture(scope="module")
def server():
    with browser_server() as ws_endpoint:
        yield ws_endpoint


def login(account, tmp_path, *options: str):
    vault = tmp_path / "vault"
    from authenticator import Vault

    Vault(vault).save_pending(account.base_url, account.cip, account.otp, account.device_name)
    Vault(vault).activate(account.base_url, account.cip)
    argv = ("login", "--base-url", account.base_url, "--cip", account.cip, "--json", *options)
    return run_cli(*argv, password=account.password, vault=vault)


def test_journey_cli_logs_in_through_a_browser_server(server, enrolled_factory, tmp_path):
    done = login(enrolled_factory(), tmp_path, "--browser-ws", server)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True


def test_an_unreachable_server_is_a_probe_error_not_the_portal(enrolled_factory, tmp_path):
    dead = f"ws://127.0.0.1:{free_port()}/playwright"
    done = login(enrolled_factory(), tmp_path, "--browser-ws", dead)
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["cause"] == "probe_error" and data["steps"] == {}


def test_a_server_of_another_version_is_refused_in_one_line(enrolled_factory, tmp_path):
    account = enrolled_factory()
    with browser_server(PREVIOUS) as old:
        as_json = login(account, tmp_path, "--browser-ws", old)
        as_text = run_cli(
            *("login", "--base-url", account.base_url, "--cip", account.cip, "--browser-ws", old),
            password=account.password,
            vault=tmp_path / "vault",
        )
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["cause"] == "probe_error"
    assert as_text.returncode == 1
    assert "runs Playwright 1.64" in as_text.stdout and "same major.minor" in as_text.stdout
    assert "Probe error (probe_error)" in as_text.stdout


def test_a_bad_browser_ws_url_is_one_usage_line(tmp_path):
    done = run_cli(
        "login",
        "--base-url",
        "http://127.0.0.1:9",
        "--cip",
        "C1",
        "--browser-ws",
        "http://not-a-ws",
        password="Not-Used-Here-123",
        vault=tmp_path / "v",
    )
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert "ws:// or wss://" in done.stderr


def test_a_monitor_probes_through_its_targets_browser_server(
    server, sandbox, tmp_path, monkeypatch
):
    from authenticator import Vault
    from bench.support.accounts import new_cip
    from tests.fixtures.accounts import TestAccount, new_password, seed_enrolled

    password = new_password()
    monkeypatch.setenv("EESPRESSO_REMOTE_PASSWORD", password)
    account = TestAccount(sandbox.url, new_cip("WS"), password)
    created = sandbox.admin.create_account(account.cip, password, enrolled=True)
    seed_enrolled(Vault(tmp_path / "vault"), account, created)
    path = write_config(
        tmp_path / "monitors.toml",
        {
            "targets.portal": {"base_url": sandbox.url, "browser_ws": server},
            "accounts.probe": {
                "cip": account.cip,
                "password_env": "EESPRESSO_REMOTE_PASSWORD",
                "vault": "vault",
            },
        },
        [{"id": "remote", "target": "portal", "account": "probe", "every": "1m"}],
        history="history.sqlite",
    )
    config = load(path)
    browser = WarmBrowser()
    prober = Prober(config, History(config.history), browser, Binder())
    try:
        outcome = prober.probe(config.monitors[0])
    finally:
        browser.close()
        prober.history.close()
    assert outcome.record.status == "ok", outcome.record.error
    assert browser.launches == 0  # no local Chromium was started


def test_the_pytest_suite_runs_on_a_browser_server(server, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "EESPRESSO_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/e2e/test_later_login.py", "-m", "smoke"]
        + ["-p", "no:xdist", "-p", "no:cacheprovider", "-q", "--browser-ws", server],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 passed" in done.stdout


def test_the_pytest_suite_says_in_one_line_when_the_server_is_gone(tmp_path):
    dead = f"ws://127.0.0.1:{free_port()}/playwright"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "EESPRESSO_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/e2e/test_later_login.py", "-m", "smoke"]
        + ["-p", "no:xdist", "-p", "no:cacheprovider", "-q", "--browser-ws", dead],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert done.returncode != 0
    assert "no browser server answers at ws://127.0.0.1" in done.stdout
    assert "Traceback" not in done.stdout
