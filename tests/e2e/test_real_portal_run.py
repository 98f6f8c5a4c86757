"""QA's regression run on a real portal: one account, one run, no surprises (docs/real-portal.md).

A second sandbox stands for the real portal, seen from outside: the inner runs get one account
(CIP and password), a vault and a guard store in the environment, as QA sets them, and
``--allow-enrollment``. The account shows the screens an independently written portal may show:
notices between the steps and a confirmation page before eEspresso. The sandbox's audit log
says what reached the portal.
"""

from __future__ import annotations

from pathlib import Path

import allure
import pytest

from authenticator.guard import AccountGuard, account_identity
from bench.support.accounts import new_cip
from tests.fixtures.accounts import TestAccount, new_password
from tests.fixtures.monitor_history import TARGET as PROBE_TARGET
from tests.fixtures.monitoring import refuse
from tests.fixtures.suite_process import run_suite

pytestmark = [allure.feature("Real portal targets")]

#: The files whose tests run on a real portal, plus one that builds fake targets of its own.
TESTS = (
    "tests/e2e/test_first_access.py",
    "tests/e2e/test_later_login.py",
    "tests/e2e/test_accessibility.py",
    "tests/e2e/test_first_access_browser.py",
    "tests/e2e/test_monitor_status_page.py",
)
REFUSED = ("password_rejected", "code_rejected")


def _run(account: TestAccount, folder: Path):
    return run_suite(
        "--allow-enrollment", account=account, vault=folder / "vault", tests=TESTS, timeout=600
    )


def _line(output: str, text: str) -> str:
    """The one line of ``output`` that holds ``text``."""
    lines = [line for line in output.splitlines() if text in line]
    assert len(lines) == 1, output[-3000:]
    return lines[0]


@pytest.mark.enrollment
def test_a_new_account_is_enrolled_once_then_a_second_run_only_logs_in(sandbox_factory, tmp_path):
    with sandbox_factory() as portal:
        account = TestAccount(portal.url, new_cip(), new_password())
        portal.admin.create_account(account.cip, account.password, success="page", notices="all")

        first = _run(account, tmp_path)
        assert first.returncode == 0, first.stdout[-3000:]
        assert " failed" not in first.stdout and " error" not in first.stdout
        events = [e["event"] for e in portal.admin.audit(account.cip)]
        assert events.count("enrolled") == 1 and not set(REFUSED) & set(events), events
        assert "is enrolled once per run, by tests/e2e/test_first_access.py::" in first.stdout
        start = _line(first.stdout, " tests will run, ")
        assert f"as {account.cip} on {portal.url} (3 journeys, at most 3 passwords, 3 codes)" in (
            start
        )
        assert "guard budget left: 3 of 3" in start
        end = _line(first.stdout, "real portal run: sent as")
        assert "3 passwords, 3 codes, all proven" in end
        assert account.password not in first.stdout + first.stderr
        # The status page's tests built their own failing probe: its guard was their own.
        probe = account_identity(PROBE_TARGET, "PROBE0001")
        assert AccountGuard(tmp_path / "guard.sqlite").status(probe).unproven == 0

        second = _run(account, tmp_path)
        assert second.returncode == 0, second.stdout[-3000:]
        assert " failed" not in second.stdout
        again = [e["event"] for e in portal.admin.audit(account.cip)][len(events) :]
        assert "enrolled" not in again and again.count("login_ok") == 2, again
        left_out = _line(second.stdout, f"{account.cip} is already enrolled (")
        assert "enrollment skipped, 2 first-access tests left out" in left_out
        assert "(2 journeys, at most 2 passwords, 2 codes)" in second.stdout


@pytest.mark.login
def test_a_wrong_password_costs_the_account_one_refusal_and_says_why_the_rest_were_skipped(
    sandbox_factory, tmp_path
):
    with sandbox_factory() as portal:
        account = TestAccount(portal.url, new_cip(), new_password())
        portal.admin.create_account(account.cip, account.password)
        wrong = TestAccount(portal.url, account.cip, new_password())
        run = _run(wrong, tmp_path)
        assert run.returncode == 1, run.stdout[-3000:]
        events = [e["event"] for e in portal.admin.audit(account.cip)]
        assert events == ["password_rejected"]  # one failed submission reached the portal
        stopped = _line(run.stdout, "journeys stopped: the portal")
        assert "did not accept the password" in stopped and "credentials_rejected" in stopped
        assert "check EESPRESSO_PASSWORD" in stopped
        skipped = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
        assert len(skipped) == 2 and all("did not accept the password" in s for s in skipped)
        assert "1 failed" in run.stdout and "2 skipped" in run.stdout
        end = _line(run.stdout, "real portal run: sent as")
        assert "1 password, 0 codes, 1 not proven (password: credentials_rejected)" in end
        assert "guard budget left: 2 of 3" in end
        assert wrong.password not in run.stdout + run.stderr


@pytest.mark.login
def test_an_account_the_guard_paused_fails_once_sends_nothing_and_says_how_to_resume(
    sandbox_factory, tmp_path
):
    with sandbox_factory() as portal:
        account = TestAccount(portal.url, new_cip(), new_password())
        portal.admin.create_account(account.cip, account.password)
        guard = AccountGuard(tmp_path / "guard.sqlite")
        refuse(guard, account_identity(portal.url, account.cip), times=3)
        run = run_suite(
            "--allow-enrollment",
            account=account,
            vault=tmp_path / "vault",
            tests=TESTS[:2],
            timeout=600,
        )
        assert run.returncode == 1, run.stdout[-3000:]  # nothing was tested: not a pass
        assert "1 failed, 1 skipped" in run.stdout and "guard budget left: none" in run.stdout
        paused = _line(run.stdout, "journeys stopped: account guard: ")
        assert "paused to protect the account" in paused and "python -m monitors resume" in paused
        assert portal.admin.audit(account.cip) == []  # nothing reached the portal


def test_a_real_portal_run_refuses_parallel_workers_in_one_line(sandbox, tmp_path):
    account = TestAccount(sandbox.url, new_cip(), new_password())
    refused = run_suite(
        "-n", "2", account=account, vault=tmp_path / "vault", tests=TESTS[:1], xdist=True
    )
    assert refused.returncode == 4  # pytest's usage error, before any test ran
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "run without -n" in lines[0], refused.stderr
