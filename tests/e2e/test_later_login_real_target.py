"""``--base-url`` points the suite at another portal: here, a sandbox seen from outside.

The inner runs do not know the target is a sandbox: they use ``EESPRESSO_CIP``,
``EESPRESSO_PASSWORD`` and the vault, leave out the tests that need the sandbox's admin API,
and refuse enrollment tests unless ``--allow-enrollment`` is given.
"""

from __future__ import annotations

import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import allure
import pytest

from authenticator import Vault
from bench.support.accounts import new_cip
from pages.steps import STORIES
from tests.fixtures.accounts import TestAccount, new_password, seed_enrolled
from tests.fixtures.suite_process import ROOT, run_suite

pytestmark = [allure.feature("Real portal targets")]


def _pytest(*args: str, account: TestAccount, vault: Path) -> subprocess.CompletedProcess:
    return run_suite(*args, account=account, vault=vault)


@allure.story(STORIES["later_login"])
@pytest.mark.login
def test_a_real_target_runs_the_login_smoke_test_with_the_configured_account(sandbox, tmp_path):
    vault_path = tmp_path / "vault"
    account = TestAccount(sandbox.url, new_cip(), new_password())
    created = sandbox.admin.create_account(account.cip, account.password, enrolled=True)
    seed_enrolled(Vault(vault_path), account, created)
    run = _pytest("-m", "smoke and login", account=account, vault=vault_path)
    assert run.returncode == 0, run.stdout[-1500:]
    assert "1 passed" in run.stdout and "deselected" in run.stdout
    assert f"target: {sandbox.url}; CIP: {account.cip}; password: set" in run.stdout
    assert account.password not in run.stdout + run.stderr
    assert [e["event"] for e in sandbox.admin.audit(account.cip)] == ["login_ok"]
    # Negative tests would count failures towards the account's lockout: never there.
    negative = _pytest("-m", "negative", account=account, vault=vault_path)
    assert negative.returncode == 5 and "deselected" in negative.stdout  # nothing ran
    assert [e["event"] for e in sandbox.admin.audit(account.cip)] == ["login_ok"]


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
def test_enrollment_on_a_real_target_is_refused_unless_allowed(sandbox, tmp_path):
    account = TestAccount(sandbox.url, new_cip(), new_password())
    sandbox.admin.create_account(account.cip, account.password)
    refused = _pytest("-m", "smoke", account=account, vault=tmp_path / "vault")
    assert refused.returncode == 4  # pytest's usage error
    assert "pass --allow-enrollment" in refused.stderr and "Traceback" not in refused.stderr
    assert sandbox.admin.audit(account.cip) == []  # nothing was tried on the portal
    allowed = _pytest(
        "-m",
        "smoke and enrollment",
        "--allow-enrollment",
        account=account,
        vault=tmp_path / "vault",
    )
    assert allowed.returncode == 0, allowed.stdout[-1500:]
    assert sandbox.admin.account(account.cip)["enrolled"]
    assert Vault(tmp_path / "vault").get(sandbox.url, account.cip).state == "active"


@allure.story(STORIES["later_login"])
@pytest.mark.login
def test_a_wrong_password_on_a_real_target_pauses_the_account_before_the_lockout(sandbox, tmp_path):
    vault_path = tmp_path / "vault"
    account = TestAccount(sandbox.url, new_cip(), new_password())
    created = sandbox.admin.create_account(account.cip, account.password, enrolled=True)
    seed_enrolled(Vault(vault_path), account, created)
    wrong = TestAccount(sandbox.url, account.cip, new_password())  # the password expired, say
    runs = [_pytest("-m", "smoke and login", account=wrong, vault=vault_path) for _ in range(4)]
    assert [run.returncode for run in runs] == [1, 1, 1, 1]
    assert all("credentials_rejected" in run.stdout for run in runs[:3])
    assert "account guard:" in runs[3].stdout and "paused" in runs[3].stdout
    events = [e["event"] for e in sandbox.admin.audit(account.cip)]
    assert events == ["password_rejected"] * 3  # the fourth run never reached the portal
    assert not sandbox.admin.account(account.cip)["locked"]


@pytest.mark.parametrize("recording", ["--video=retain-on-failure", "--screenshot=on"])
def test_playwrights_recordings_are_refused_on_a_real_target(sandbox, tmp_path, recording):
    account = TestAccount(sandbox.url, new_cip(), new_password())
    refused = _pytest("-m", "smoke and login", recording, account=account, vault=tmp_path / "v")
    assert refused.returncode == 4  # pytest's usage error, before any test ran
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "masked screenshot" in lines[0]
    assert sandbox.admin.audit(account.cip) == []


@allure.story(STORIES["later_login"])
@pytest.mark.login
def test_a_real_targets_failure_artifacts_hold_no_secret(sandbox, tmp_path):
    """A failed login on a real target leaves Allure results, a masked screenshot and a
    scrubbed Playwright trace; the project's scanner (``python -m reports scan-secrets``)
    finds none of the run's secrets."""
    vault_path = tmp_path / "vault"
    account = TestAccount(sandbox.url, new_cip(), new_password())
    created = sandbox.admin.create_account(account.cip, account.password, enrolled=True)
    seed_enrolled(Vault(vault_path), account, created)
    wrong = TestAccount(sandbox.url, account.cip, new_password())
    results = tmp_path / "artifacts" / "allure"
    failed = _pytest(
        "-m",
        "smoke and login",
        f"--alluredir={results}",
        f"--output={tmp_path / 'artifacts' / 'test-results'}",
        "--tracing=retain-on-failure",
        account=wrong,
        vault=vault_path,
    )
    assert failed.returncode == 1 and "credentials_rejected" in failed.stdout
    attachments = list(results.glob("*-attachment.png"))
    assert attachments, "the failure's masked screenshot is missing"
    (trace,) = (tmp_path / "artifacts" / "test-results").glob("*/trace.zip")
    assert stat.S_IMODE(trace.stat().st_mode) == 0o600
    assert stat.S_IMODE(trace.parent.stat().st_mode) == 0o700
    with zipfile.ZipFile(trace) as archive:
        logged = archive.read("trace.trace") + archive.read("trace.network")
    assert "«scrubbed: password»".encode() in logged and wrong.password.encode() not in logged
    values = tmp_path / "values.txt"
    values.write_text(f"{wrong.password}\n{account.password}\n{created['secret']}\n")
    scan = subprocess.run(
        [sys.executable, "-m", "reports", "scan-secrets", str(tmp_path / "artifacts")]
        + ["--values-file", str(values)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert scan.returncode == 0, scan.stdout + scan.stderr
