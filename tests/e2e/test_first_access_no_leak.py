"""No secret of a run reaches its artifacts (docs/design.md, "Secrets").

A real run of the smoke set (first access + later login) and of the journey CLI writes Allure
results, a DEBUG log file, JUnit XML and console output; every password, TOTP secret,
otpauth URI and code the run used must be absent from all of them. The ledger of the run's
secrets lives outside the scanned folders. Failure screenshots are masked: proven on a real
enrollment page, where the masked image no longer decodes as a QR code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import allure
import pytest
from PIL import Image

from authenticator import ScanError, Vault, scan
from pages.masking import masked_screenshot
from pages.screens import EnrollmentPage, LoginPage
from tests.fixtures.accounts import LEDGER_ENV, read_ledger, record_account, run_cli
from tests.fixtures.leaks import codes_between, leaks

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [allure.feature("Secrets")]


@allure.story("no secret in artifacts")
@pytest.mark.enrollment
def test_no_password_secret_uri_or_code_in_any_artifact_of_a_run(tmp_path, make_account):
    ledger, results, log = tmp_path / "ledger.jsonl", tmp_path / "allure", tmp_path / "run.log"
    junit, output = tmp_path / "junit.xml", tmp_path / "test-results"
    env = {**os.environ, LEDGER_ENV: str(ledger)}
    started = time.time()
    inner = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/e2e",
            "-m",
            "smoke",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            f"--alluredir={results}",
            f"--log-file={log}",
            "--log-file-level=DEBUG",
            f"--junitxml={junit}",
            f"--output={output}",
            "-q",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert inner.returncode == 0, inner.stdout[-2000:]
    # The journey CLI too, with its own Allure result.
    account = make_account()
    vault_path = tmp_path / "cli-vault"
    argv = ["enroll", "--base-url", account.base_url, "--cip", account.cip]
    argv += ["--device-name", "Mon iPhone", f"--alluredir={results}"]
    cli = run_cli(
        *argv,
        password=account.password,
        vault=vault_path,
        env={LEDGER_ENV: str(ledger)},
        module="monitors",
    )
    assert cli.returncode == 0, cli.stderr
    record_account(Vault(vault_path).get(account.base_url, account.cip).account)
    ended = time.time()

    entries = read_ledger(ledger)
    assert {"password", "secret", "uri"} <= {item["kind"] for item in entries}
    codes = set().union(
        *(codes_between(i["value"], started, ended) for i in entries if i["kind"] == "uri")
    )
    files = [p for p in results.rglob("*") if p.is_file()] + [p for p in (log, junit) if p.exists()]
    assert any(p.name.endswith("-result.json") for p in files) and log.exists()
    blobs = {str(p): p.read_bytes().decode("utf-8", "replace") for p in files}
    blobs["inner console"] = inner.stdout + inner.stderr
    blobs["cli console"] = cli.stdout + cli.stderr
    # The scan can fail: a planted password and a planted code are both found.
    planted = {"planted": f"x {entries[0]['value']} y {sorted(codes)[0]} z"}
    assert len(leaks(planted, entries, codes)) == 2
    assert leaks(blobs, entries, codes) == []


@allure.story("masked screenshots")
@pytest.mark.enrollment
def test_failure_screenshots_mask_the_qr_password_and_code(page, make_account, tmp_path):
    account = make_account()
    login = LoginPage.open(page, account.base_url)
    login.password.fill(account.password)
    box = login.password.bounding_box()
    image = Image.open(_save(masked_screenshot(page), tmp_path / "login.png")).convert("RGB")
    centre = (int(box["x"] + box["width"] / 2), int(box["y"] + box["height"] / 2))
    assert image.getpixel(centre) == (255, 0, 255)  # the password field is painted over
    enrollment = login.login(account.cip, account.password)
    assert isinstance(enrollment, EnrollmentPage)
    assert scan(enrollment.qr_screenshot()).account == account.cip  # the QR itself is readable
    with pytest.raises(ScanError):
        scan(masked_screenshot(page))  # ...but not on the masked screenshot


def _save(png: bytes, path: Path) -> Path:
    path.write_bytes(png)
    return path
