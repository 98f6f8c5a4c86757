"""First access, steps 1–7 of the seed, end to end in Chromium."""

from __future__ import annotations

import allure
import pytest

from pages.screens import EnrollmentPage, LoginPage, identify
from pages.steps import FEATURES
from tests.fixtures.accounts import TestAccount, critical_journey, enroll, expect_ok

pytestmark = [pytest.mark.enrollment, allure.feature(FEATURES["first_access"])]


@critical_journey("first_access")
@pytest.mark.smoke
def test_first_access_enrolls_the_account_and_lands_on_eespresso(page, account, vault):
    result = expect_ok(enroll(page, account, vault))
    assert list(result.steps) == ["open", "login", "scan", "code", "device", "home", "logout"]
    assert "logout_failed" not in {w["kind"] for w in result.warnings}  # notices may show
    assert isinstance(identify(page), LoginPage)  # logged out: the login page again
    entry = vault.get(account.base_url, account.cip)
    assert entry is not None and entry.state == "active" and entry.last_step is not None
    assert entry.device_name == account.device_name


@critical_journey("first_access")
def test_first_access_shows_the_success_text_and_the_saved_device(
    page, make_account, vault, sandbox
):
    account = make_account()
    device = "Mon iPhone de test 2"
    renamed = TestAccount(account.base_url, account.cip, account.password, device)
    result = expect_ok(enroll(page, renamed, vault))
    assert result.success_text_seen  # on the home page, before the logout
    assert sandbox.admin.open_sessions(account.cip) == 0
    state = sandbox.admin.account(account.cip)
    assert state["enrolled"] and state["devices"] == [device]
    assert [e["event"] for e in sandbox.admin.audit(account.cip)] == ["enrolled", "login_ok"]


@allure.story("expired enrollment")
@allure.severity(allure.severity_level.NORMAL)
def test_an_expired_enrollment_shows_a_new_qr_with_a_new_secret(sandbox_factory, fresh_page, vault):
    cip, password = "QAEXPIRED01", "Expire-mot-de-passe"
    with sandbox_factory() as portal:  # its own portal: the clock fault is instance-wide
        portal.admin.create_account(cip, password)
        first = LoginPage.open(fresh_page(), portal.url).login(cip, password)
        assert isinstance(first, EnrollmentPage)
        old_secret = first.scan()
        # Past the enrollment's time to live (600 s) on the portal's clock, without waiting.
        portal.admin.set_faults(clock_offset=700)
        second = LoginPage.open(fresh_page(), portal.url).login(cip, password)
        assert isinstance(second, EnrollmentPage)
        new_secret = second.scan()
        assert new_secret != old_secret
        assert new_secret.account == old_secret.account == cip
        portal.admin.clear_faults()
        # The new secret is the one the portal now expects.
        expect_ok(enroll(fresh_page(), TestAccount(portal.url, cip, password), vault))
        assert vault.get(portal.url, cip).account == new_secret
