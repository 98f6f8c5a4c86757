"""Portal profiles: a portal named in words the suite does not know, adapted without code.

The sandbox's "other" wording names the fields, buttons, QR and device label otherwise. With
the built-in profile the journey stops on the login page before typing anything and says
which elements it could not find; with ``profiles/sandbox-other.toml`` both journeys pass.
The sandbox's audit and request logs prove nothing was submitted. The login page is the same
for every account of a portal, so each wording has a portal of its own.
"""

from __future__ import annotations

import allure
import pytest

from authenticator import Vault
from bench.support.accounts import new_cip
from pages.profile import Profile, default, load, shipped
from pages.result import Cause
from pages.steps import STEP_TITLES, STORIES
from sandbox import RunningSandbox, running_sandbox
from tests.fixtures.accounts import (
    DEVICE_NAME,
    TestAccount,
    enroll,
    expect_ok,
    log_in,
    new_password,
    phone_one_step_ahead,
    seed_enrolled,
)

pytestmark = [pytest.mark.variants, allure.feature("Portal profiles")]

OTHER = load(shipped("sandbox-other.toml"))
ALT = load(shipped("sandbox-alt.toml"))


@pytest.fixture(scope="module")
def other_portal():
    with running_sandbox({"WORDING": "other"}) as portal:
        yield portal


@pytest.fixture(scope="module")
def alt_portal():
    with running_sandbox({"WORDING": "alt"}) as portal:
        yield portal


def _account(
    portal: RunningSandbox, profile: Profile, vault: Vault | None = None, **variants: object
) -> TestAccount:
    """A new account of ``portal`` read with ``profile``; enrolled (secret in ``vault``) when
    a vault is given."""
    account = TestAccount(portal.url, new_cip(), new_password(), DEVICE_NAME, profile)
    if vault is None:
        portal.admin.create_account(account.cip, account.password, **variants)
        return account
    created = portal.admin.create_account(
        account.cip, account.password, enrolled=True, device_name=DEVICE_NAME, **variants
    )
    return seed_enrolled(vault, account, created)


def _posts(portal: RunningSandbox) -> list[str]:
    return [r["path"] for r in portal.admin.requests() if r["method"] == "POST"]


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
def test_unknown_wording_stops_before_anything_is_sent_and_names_what_is_missing(
    page, vault, other_portal
):
    account = _account(other_portal, default())
    posts_before = _posts(other_portal)
    result = enroll(page, account, vault)
    assert result.cause is Cause.UNEXPECTED_PAGE
    assert result.failed_step == STEP_TITLES["open"]
    assert (
        "not the login page: the built-in profile finds no user_name, password, login_button"
        in result.error
    )
    assert "fields « Identifiant réseau », « Phrase secrète »" in result.error
    assert "buttons « Entrer »" in result.error
    assert other_portal.admin.audit(account.cip) == []  # no failed login reached the portal
    assert _posts(other_portal) == posts_before  # no form at all
    assert vault.get(account.base_url, account.cip) is None


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
@pytest.mark.parametrize("layout", ["one-page", "two-page"])
def test_the_matching_profile_passes_first_access_then_later_login(
    page, fresh_page, vault, other_portal, layout
):
    account = _account(other_portal, OTHER, layout=layout, qr="canvas")
    result = expect_ok(enroll(page, account, vault))
    assert result.success_text_seen
    assert result.warnings == []  # logged out through the journey's profile too
    assert other_portal.admin.account(account.cip)["devices"] == [account.device_name]
    expect_ok(log_in(fresh_page(), account, vault, authenticator=phone_one_step_ahead()))


@allure.story(STORIES["later_login"])
@pytest.mark.login
def test_a_strict_profile_that_replaces_names_passes_on_its_wording(
    page, fresh_page, vault, alt_portal
):
    account = _account(alt_portal, ALT, layout="two-page")
    expect_ok(enroll(page, account, vault))
    expect_ok(log_in(fresh_page(), account, vault, authenticator=phone_one_step_ahead()))


@allure.story(STORIES["later_login"])
@pytest.mark.login
def test_a_strict_profile_does_not_find_another_wording(page, vault, other_portal):
    account = _account(other_portal, ALT, vault)
    result = log_in(page, account, vault)
    assert result.cause is Cause.UNEXPECTED_PAGE and "sandbox-alt.toml profile" in result.error
    assert other_portal.admin.audit(account.cip) == []


@pytest.mark.parametrize("name", ["eespresso.toml", "sandbox-alt.toml", "sandbox-other.toml"])
def test_every_shipped_name_compiles_in_chromium(page, name):
    sources = [n for names in load(shipped(name)).names.values() for n in names]
    refused = page.evaluate(
        "sources => sources.filter(s => { try { new RegExp(s, 'i'); return false } "
        "catch (e) { return true } })",
        sources,
    )
    assert refused == []
