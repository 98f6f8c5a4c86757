"""``python -m reports scan-secrets`` on what Playwright really writes: a trace recorded during a
first access on the sandbox (tracing on: typed values, request bodies, DOM snapshots,
screencast frames), and the screenshot of an enrollment page such as ``--screenshot=on`` takes.

The scanner runs as a process, as a user runs it on CI artifacts, with the values in a ledger
file; it must name every leak without printing any value, and stay quiet on a trace whose
values it was not given.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import allure
import pytest

from pages.screens import EnrollmentPage, LoginPage
from tests.fixtures.accounts import enroll, expect_ok, log_in

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [allure.feature("Secrets")]


def scan_secrets(folder: Path, ledger: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EESPRESSO_")}
    argv = ["scan-secrets", str(folder), "--values-file", str(ledger)]
    return subprocess.run([sys.executable, "-m", "reports", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip


def write_ledger(path: Path, *entries: tuple[str, str]) -> Path:
    path.write_text("".join(json.dumps({"kind": k, "value": v}) + "\n" for k, v in entries))
    return path


def traced(page, path: Path):
    page.context.tracing.start(screenshots=True, snapshots=True)
    return lambda: page.context.tracing.stop(path=str(path))


@allure.story("no secret in artifacts")
@pytest.mark.enrollment
def test_a_trace_and_a_screenshot_of_a_first_access_are_caught(
    tmp_path, make_account, vault, fresh_page
):
    artifacts = tmp_path / "test-results"
    artifacts.mkdir()
    account = make_account()
    page = fresh_page()
    stop = traced(page, artifacts / "trace.zip")
    expect_ok(enroll(page, account, vault))
    stop()
    other = make_account()  # the enrollment page of another account, screenshotted
    screen = LoginPage.open(shot := fresh_page(), other.base_url).login(other.cip, other.password)
    assert isinstance(screen, EnrollmentPage)
    shot.screenshot(path=str(artifacts / "test-failed-1.png"), full_page=True)
    uri = vault.get(account.base_url, account.cip).account.to_uri()
    ledger = write_ledger(tmp_path / "ledger.jsonl", ("password", account.password), ("uri", uri))

    done = scan_secrets(artifacts, ledger)
    assert done.returncode == 1, done.stdout + done.stderr
    for secret in (account.password, uri, uri.split("secret=")[1].split("&")[0]):
        assert secret not in done.stdout + done.stderr
    found = {line[7:] for line in done.stdout.splitlines() if line.startswith("FOUND  ")}
    trace = artifacts / "trace.zip"
    assert f"{trace}!trace.trace: password" in found  # the typed value
    assert f"{trace}!trace.network: password" in found  # the login POST body
    assert f"{trace}!trace.trace: TOTP code" in found  # the typed code
    assert any(f.startswith(f"{trace}!screencast/") and f.endswith(": otpauth URI (QR code)")
               for f in found)  # fmt: skip
    assert f"{artifacts / 'test-failed-1.png'}: otpauth URI (QR code)" in found
    assert f"WARN   {trace}: readable by group or others" in done.stdout  # Playwright's 0644


@allure.story("no secret in artifacts")
@pytest.mark.login
def test_a_trace_is_clean_for_values_it_does_not_hold(tmp_path, enrolled_factory, vault,
                                                       fresh_page):  # fmt: skip
    artifacts = tmp_path / "test-results"
    artifacts.mkdir()
    account = enrolled_factory()
    page = fresh_page()
    stop = traced(page, artifacts / "trace.zip")
    expect_ok(log_in(page, account, vault))
    stop()
    others = write_ledger(tmp_path / "others.jsonl", ("password", "Not-This-Passw0rd-7"),
                          ("secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"))  # fmt: skip
    done = scan_secrets(artifacts, others)
    assert done.returncode == 0, done.stdout
    assert "0 finding(s)" in done.stdout.splitlines()[-1]
    ours = write_ledger(tmp_path / "ours.jsonl", ("password", account.password),
                        ("uri", account.otp.to_uri()))  # fmt: skip
    done = scan_secrets(artifacts, ours)
    found = {line.rsplit(": ", 1)[1] for line in done.stdout.splitlines() if line[:5] == "FOUND"}
    assert (done.returncode, found) == (1, {"password", "TOTP code"})
