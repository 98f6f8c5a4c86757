"""The pages between the steps: the seed's confirmation page and the notices real portals show.

The seed's proof of step 7 (« Vous avez maintenant accès à votre eEspresso ») may come on a
page of its own; notices may come after the password and after the code. The journeys go past
them with the button that changes nothing and say what they met. The sandbox audits every
answer, so the tests prove which button was pressed.
"""

from __future__ import annotations

import allure
import pytest

from authenticator import Authenticator
from pages.screens import SuccessPage
from pages.steps import STORIES
from tests.fixtures.accounts import enroll, expect_ok, log_in

pytestmark = [pytest.mark.variants, allure.feature("Portal variants")]

NOTICE_EVENTS = {
    "expiry": "notice_expiry_later",
    "acknowledge": "notice_acknowledge_ok",
    "remember-device": "notice_remember-device_no",
}
CHANGES = ("notice_expiry_change", "notice_acknowledge_preferences", "notice_remember-device_yes")
#: The kind each notice is reported as (its row of ``wording.notices``).
KINDS = {
    "expiry": "password_expiring",
    "acknowledge": "maintenance_announced",
    "remember-device": "remember_device",
}


def _events(sandbox, cip: str) -> list[str]:
    return [entry["event"] for entry in sandbox.admin.audit(cip)]


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
@pytest.mark.parametrize("layout", ["one-page", "two-page"])
def test_first_access_goes_on_from_a_confirmation_page_to_eespresso(
    page, fresh_page, make_account, vault, sandbox, layout
):
    account = make_account(success="page", layout=layout)
    result = expect_ok(enroll(page, account, vault))
    assert result.success_text_seen and result.warnings == []
    assert "home" in result.steps and sandbox.admin.open_sessions(account.cip) == 0
    assert sandbox.admin.account(account.cip)["devices"] == [account.device_name]
    assert vault.get(account.base_url, account.cip).state == "active"
    # A phone one step ahead (within ±1) shows the next unused step now: no wait.
    later = expect_ok(log_in(fresh_page(), account, vault, authenticator=Authenticator(offset=30)))
    assert not later.success_text_seen


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
def test_a_confirmation_page_without_a_way_on_is_a_success_with_a_warning(
    page, make_account, vault
):
    account = make_account(success="page-only")
    result = expect_ok(enroll(page, account, vault))
    assert result.success_text_seen
    assert [w["kind"] for w in result.warnings] == ["no_way_on", "logout_failed"]
    assert "no logout control" in result.warnings[1]["text"]
    assert isinstance(SuccessPage(page).expect_loaded(), SuccessPage)


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
def test_first_access_on_the_home_page_records_the_success_text(page, make_account, vault):
    result = expect_ok(enroll(page, make_account(), vault))
    assert result.success_text_seen


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
@pytest.mark.parametrize("layout", ["one-page", "two-page"])
def test_first_access_goes_past_every_notice_and_reports_them(
    page, make_account, vault, sandbox, layout
):
    account = make_account(notices="all", expiry_days=7, layout=layout, success="page")
    result = expect_ok(enroll(page, account, vault))
    kinds = [w.kind for w in result.warnings]
    assert kinds == ["password_expiring", "maintenance_announced", "remember_device"]
    expiry = result.warnings[0]
    assert expiry["days"] == 7 and "expirera dans 7 jours" in expiry["text"]
    assert "Avis important" in result.warnings[1]["text"]
    assert "Se souvenir de cet ordinateur" in result.warnings[2]["text"]
    assert result.success_text_seen
    events = _events(sandbox, account.cip)
    assert [e for e in events if e.startswith("notice_")] == list(NOTICE_EVENTS.values())
    assert not set(CHANGES) & set(events)
    assert "home" in result.steps and sandbox.admin.open_sessions(account.cip) == 0


@allure.story(STORIES["later_login"])
@pytest.mark.login
@pytest.mark.parametrize("notice", ["expiry", "acknowledge", "remember-device", "all"])
def test_later_login_goes_past_each_notice_with_the_button_that_changes_nothing(
    page, enrolled_factory, vault, sandbox, notice
):
    account = enrolled_factory(notices=notice, expiry_days=3)
    result = expect_ok(log_in(page, account, vault))
    events = [e for e in _events(sandbox, account.cip) if e.startswith("notice_")]
    expected = list(NOTICE_EVENTS.values()) if notice == "all" else [NOTICE_EVENTS[notice]]
    assert events == expected
    expiring = [w for w in result.warnings if w["kind"] == "password_expiring"]
    assert [w["days"] for w in expiring] == ([3] if notice in ("expiry", "all") else [])
    shown = list(NOTICE_EVENTS) if notice == "all" else [notice]
    assert [w.kind for w in result.warnings] == [KINDS[name] for name in shown]
    assert not result.success_text_seen  # a later login shows no enrollment confirmation


@allure.story(STORIES["later_login"])
@pytest.mark.login
def test_the_days_reported_follow_the_account(page, enrolled_factory, vault, sandbox):
    account = enrolled_factory(notices="expiry", expiry_days=42)
    result = expect_ok(log_in(page, account, vault))
    assert result.warnings == [
        {
            "kind": "password_expiring",
            "days": 42,
            "text": "Votre mot de passe expirera dans 42 jours. "
            "Vous pouvez le changer maintenant ou plus tard.",
        }
    ]
