"""A hostile page's words are data, never control, in every output that shows them.

The sandbox shows a notice whose heading, text and way on are chosen by the test
(``notice-words``): terminal escape sequences, a C1 control, a bidirectional override, raw
HTML and a Markdown link to ``javascript:``, beside a name that holds ": " and quotes. The
journey CLI (words and JSON), ``run --once``'s progress lines, ``monitors status``, an alert
through apprise, and the capture and ``inspect`` Markdown files must show those words, with
no control character on a terminal and no HTML or link outside code in Markdown.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import allure
import pytest

from authenticator import Vault
from bench.support.accounts import new_cip
from bench.support.monitoring import receiver, write_config
from tests.fixtures.accounts import TestAccount, new_password, run_cli, seed_enrolled
from tests.fixtures.hostile_text import (
    BUTTON,
    CONTROL,
    HEADING,
    READABLE,
    TEXT,
    assert_markdown_safe,
    assert_terminal_safe,
    hostile_page,
)

pytestmark = [pytest.mark.negative, allure.feature("Hostile portal text")]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD_ENV = "EESPRESSO_HOSTILE_TEST_PASSWORD"


@pytest.fixture
def hostile(sandbox, tmp_path) -> TestAccount:
    """An enrolled account whose notice after the code shows the hostile heading and text;
    its secret is in ``tmp_path / "vault"``."""
    cip, password = new_cip("HOST"), new_password()
    created = sandbox.admin.create_account(cip, password, enrolled=True, notices="acknowledge")
    sandbox.admin.set_notice_words(cip, heading=HEADING, text=TEXT)
    account = TestAccount(sandbox.url, cip, password)
    return seed_enrolled(Vault(tmp_path / "vault"), account, created)


def _login(account: TestAccount, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    argv = ("login", "--base-url", account.base_url, "--cip", account.cip, *extra)
    return run_cli(*argv, password=account.password, vault=tmp_path / "vault")


def _markdown_files(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.md"))
    assert files, f"no Markdown written in {folder}"
    return files


def test_the_journey_cli_and_its_capture_show_the_notice_as_text(sandbox, hostile, tmp_path):
    went_past = _login(hostile, tmp_path, "--json", "--capture", str(tmp_path / "passed"))
    assert went_past.returncode == 0, went_past.stderr
    assert not CONTROL.search(went_past.stdout)
    (warning,) = json.loads(went_past.stdout)["warnings"]
    assert warning["kind"] == "interstitial"
    assert_terminal_safe(warning["text"])
    assert all(word in warning["text"] for word in READABLE)

    def answers() -> list[str]:
        return [a["event"] for a in sandbox.admin.audit(hostile.cip) if "notice_" in a["event"]]

    assert answers() == ["notice_acknowledge_ok"]
    sandbox.admin.set_notice_words(hostile.cip, heading=HEADING, text=TEXT, button=BUTTON)
    stopped = _login(hostile, tmp_path, "--capture", str(tmp_path / "stopped"))
    assert stopped.returncode == 1, stopped.stderr
    assert "unexpected_page" in stopped.stdout
    assert_terminal_safe(stopped.stdout)
    assert all(word in stopped.stdout for word in READABLE)
    assert answers() == ["notice_acknowledge_ok"]  # the hostile way on was not pressed

    notice_files = [f for f in _markdown_files(tmp_path / "stopped") if "unknown" in f.name]
    assert notice_files, "the notice the journey stopped on was recorded"
    for path in _markdown_files(tmp_path / "passed") + _markdown_files(tmp_path / "stopped"):
        assert_markdown_safe(path.read_text(encoding="utf-8"))
    recorded = notice_files[0].read_text(encoding="utf-8")
    assert "Rouge" in recorded and 'Avis : \\"Lu\\"' in recorded  # the tree keeps the name


def test_progress_lines_status_and_alert_show_the_notice_as_text(sandbox, hostile, tmp_path):
    sandbox.admin.set_notice_words(hostile.cip, heading=HEADING, text=TEXT, button=BUTTON)
    with receiver() as hook:
        config = write_config(
            tmp_path / "monitors.toml",
            {
                "targets.portal": {"base_url": hostile.base_url},
                "accounts.probe": {
                    "cip": hostile.cip,
                    "password_env": PASSWORD_ENV,
                    "vault": "vault",
                },
                "alerts": {
                    "failures_before_alert": 1,
                    "channels": [f"json://127.0.0.1:{hook.port}/hook"],
                },
            },
            [{"id": "hostile", "target": "portal", "account": "probe", "every": "1m"}],
            history="history.sqlite",
        )
        env = {**os.environ, PASSWORD_ENV: hostile.password}
        once = _monitors("run", "--config", str(config), "--once", env=env)
        assert once.returncode == 1, once.stderr
        assert "FAILED" in once.stdout and "[alert sent]" in once.stdout
        assert_terminal_safe(once.stdout)
        assert all(word in once.stdout for word in READABLE)
        (alert,) = hook.wait_for(lambda bodies: bool(bodies), timeout=30)
    assert_markdown_safe(alert["message"])
    assert all(word in _spaced(alert["message"]) for word in READABLE)

    status = _monitors("status", "--config", str(config), env=env)
    assert status.returncode == 0, status.stderr
    assert_terminal_safe(status.stdout)
    assert all(word in _spaced(status.stdout) for word in READABLE)


def _spaced(french: str) -> str:
    """``french`` with the non-breaking spaces of French typography (OQLF) as plain ones."""
    return french.replace("\xa0", " ")


def test_inspect_writes_the_page_as_text_and_prints_no_control(tmp_path):
    with hostile_page() as url:
        inspected = _monitors("inspect", "--base-url", url, "--out", str(tmp_path / "inspect"))
    assert inspected.returncode == 1, inspected.stderr  # no login screen on that page
    assert not CONTROL.search(inspected.stdout + inspected.stderr)
    report = (tmp_path / "inspect" / "inspect.md").read_text(encoding="utf-8")
    assert_markdown_safe(report)
    assert all(word in report for word in READABLE if '"' not in word)
    assert 'heading "Avis : \\"Lu\\"' in report  # in the tree, a JSON string
    (row,) = [line for line in report.splitlines() if line.startswith("| `decline`")]
    assert "Modifier \\u001b\\[2J &lt;img src=x onerror=alert(1)&gt; \\[x\\](javascript:" in row
    assert row.endswith("\\| \\*a\\* |")  # the name's "|" does not end its cell


def _monitors(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "monitors", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
