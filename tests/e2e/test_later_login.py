"""Later logins: « CIP et mot de passe, puis le code fourni par Google Authenticator »."""

from __future__ import annotations

import os
import subprocess
import sys

import allure
import pytest

from authenticator import Authenticator
from pages.screens import LoginPage, identify
from pages.steps import FEATURES, STORIES
from tests.fixtures.accounts import critical_journey, expect_ok, log_in

pytestmark = [pytest.mark.login, allure.feature(FEATURES["later_login"])]


@critical_journey("later_login")
@pytest.mark.smoke
def test_later_login_reaches_eespresso_with_the_vault_code(page, enrolled, vault):
    result = expect_ok(log_in(page, enrolled, vault))
    assert list(result.steps) == ["open", "login", "code", "home", "logout"]
    assert all(ms >= 0 for ms in result.steps.values()) and result.duration_ms > 0
    assert vault.get(enrolled.base_url, enrolled.cip).last_step is not None


@critical_journey("later_login")
def test_later_login_logs_out_and_leaves_no_session_open(page, enrolled, vault, sandbox):
    result = expect_ok(log_in(page, enrolled, vault))
    assert "logout_failed" not in {w["kind"] for w in result.warnings}  # notices may show
    assert result.steps["logout"] > 0
    assert isinstance(identify(page), LoginPage)
    assert sandbox.admin.open_sessions(enrolled.cip) == 0
    assert [e["event"] for e in sandbox.admin.audit(enrolled.cip)] == ["login_ok"]


@critical_journey("later_login")
def test_logout_then_login_again_uses_a_fresh_time_step(page, enrolled, vault, sandbox):
    period = enrolled.otp.period
    expect_ok(log_in(page, enrolled, vault))
    first_step = vault.get(enrolled.base_url, enrolled.cip).last_step
    assert isinstance(identify(page), LoginPage)  # the journey logged out
    # The next unused step is the next one; a phone one step ahead is still within the
    # portal's ±1 step (RFC 6238 §5.2), so it shows that code now: no test waits a TOTP window.
    ahead = Authenticator(offset=period)
    expect_ok(log_in(page, enrolled, vault, authenticator=ahead))
    second_step = vault.get(enrolled.base_url, enrolled.cip).last_step
    assert second_step > first_step
    events = [e["event"] for e in sandbox.admin.audit(enrolled.cip)]
    assert events == ["login_ok", "login_ok"]  # no replay, no refusal
    assert sandbox.admin.account(enrolled.cip)["last_accepted_step"] == second_step


# Run in its own process: pytest-playwright's artifact recorder holds every page of a test.
_COLLECTED_AFTER_CLOSE = """
import gc, os, sys, weakref
from playwright.sync_api import sync_playwright
from authenticator import Vault
from pages import browser as chromium
from pages.journeys import Account, run_journey
with sync_playwright() as playwright:
    browser = chromium.launch(playwright)
    context = chromium.new_context(browser)
    page = context.new_page()
    account = Account(sys.argv[1], sys.argv[2], os.environ["EESPRESSO_PASSWORD"])
    result = run_journey("later_login", page, account, Vault(sys.argv[3]))
    page_ref = weakref.ref(page)
    context.close()
    del page, context
    gc.collect()
    print(result.ok, page_ref() is None)
"""


@allure.story(STORIES["later_login"])
@pytest.mark.sandbox_only("logs in from a process of its own, outside the run's account guard")
def test_a_closed_page_is_not_kept_alive_by_the_journey(enrolled, vault):
    """A long-lived monitor runs thousands of journeys: none may keep its page in memory."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            _COLLECTED_AFTER_CLOSE,
            enrolled.base_url,
            enrolled.cip,
            str(vault.path),
        ],
        env={**os.environ, "EESPRESSO_PASSWORD": enrolled.password},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.stdout.split() == ["True", "True"], run.stderr[-1000:]
