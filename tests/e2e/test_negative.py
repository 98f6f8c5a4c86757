"""Refused input, lockout and clock drift: each failure gets its own cause."""

from __future__ import annotations

import allure
import pytest

from bench.support.accounts import new_cip
from pages.profile import default as default_profile
from pages.result import Cause
from pages.screens import CodePage, LockoutPage, LoginPage, identify
from tests.fixtures.accounts import (
    TestAccount,
    enroll,
    expect_ok,
    log_in,
    new_password,
    seed_enrolled,
)

pytestmark = [pytest.mark.negative]
GENERIC_REFUSAL = "the portal refused the authenticator code"


def _events(sandbox, cip):
    return [e["event"] for e in sandbox.admin.audit(cip)]


@allure.feature("Negative paths")
@allure.story("wrong password")
def test_wrong_password_is_credentials_rejected(page, enrolled, vault, sandbox):
    wrong = type(enrolled)(enrolled.base_url, enrolled.cip, "Pas-le-bon-mot-de-passe")
    result = log_in(page, wrong, vault)
    assert not result.ok and result.cause is Cause.CREDENTIALS_REJECTED, result.error
    assert result.failed_step.startswith("Étape 2")
    assert "Pas-le-bon" not in result.error
    assert _events(sandbox, enrolled.cip) == ["password_rejected"]


@allure.feature("Negative paths")
@allure.story("password length")
@pytest.mark.parametrize("password", ["Trop-court", "Beaucoup-trop-long-pour-ca"])
def test_password_outside_14_to_20_characters_gets_a_clear_message(page, enrolled, password):
    login = LoginPage.open(page, enrolled.base_url)
    refused = login.login(enrolled.cip, password)
    assert isinstance(refused, LoginPage)
    assert default_profile()["password_length"].search(refused.password_length_message())


@allure.feature("Negative paths")
@allure.story("wrong code")
def test_wrong_code_is_code_rejected_not_clock_skew(page, enrolled_factory, sandbox, vault):
    account = enrolled_factory()
    # The vault holds another key than the portal's: every code is wrong, the clock is fine.
    other = enrolled_factory()
    vault.save_pending(account.base_url, account.cip, other.otp, account.device_name)
    result = log_in(page, account, vault)
    assert not result.ok and result.cause is Cause.CODE_REJECTED, result.error
    assert result.clock_offset_s is None
    assert _events(sandbox, account.cip) == ["code_rejected"]


@allure.feature("Negative paths")
@allure.story("replayed code")
def test_a_replayed_code_is_refused_while_the_flow_never_replays(
    page, fresh_page, enrolled, vault, sandbox
):
    expect_ok(log_in(page, enrolled, vault))
    used_step = vault.get(enrolled.base_url, enrolled.cip).last_step
    # The suite's own flow cannot replay: the vault refuses to hand out a used step again.
    assert not vault.claim_step(enrolled.base_url, enrolled.cip, used_step)
    # A person (or a broken probe) typing the same code again is refused like a wrong code.
    second = LoginPage.open(fresh_page(), enrolled.base_url).login(enrolled.cip, enrolled.password)
    assert isinstance(second, CodePage)
    replayed = second.submit_code(enrolled.otp.code_for_step(used_step))
    assert isinstance(replayed, CodePage) and replayed.has_error()
    replay_message = replayed.error_message()
    wrong = replayed.submit_code("0" * enrolled.otp.digits)
    assert isinstance(wrong, CodePage) and wrong.error_message() == replay_message
    assert _events(sandbox, enrolled.cip) == ["login_ok", "code_replayed", "code_rejected"]


@allure.feature("Negative paths")
@allure.story("lockout")
def test_five_failures_lock_the_account_and_show_the_support_numbers(
    page, enrolled, vault, sandbox
):
    login = LoginPage.open(page, enrolled.base_url)
    screen = login
    for _ in range(5):
        screen = login.login(enrolled.cip, "Mauvais-mot-de-passe")
        if not isinstance(screen, LoginPage):
            break
        login = screen
    assert isinstance(screen, LockoutPage)
    assert screen.support_numbers() == list(default_profile().support_numbers)
    assert sandbox.admin.account(enrolled.cip)["locked"]
    # A journey on a locked account says so, with the right password even.
    result = log_in(page, enrolled, vault)
    assert not result.ok and result.cause is Cause.LOCKED_OUT, result.error


@pytest.fixture
def skewed_portal(sandbox_factory, request):
    """A portal of its own whose clock is off (90 s ahead unless parametrized; instance-wide)."""
    with sandbox_factory() as portal:
        portal.admin.set_faults(clock_offset=getattr(request, "param", 90))
        yield portal


def _skewed_enrolled(portal, vault, cip):
    account = TestAccount(portal.url, cip, new_password())
    created = portal.admin.create_account(account.cip, account.password, enrolled=True)
    return seed_enrolled(vault, account, created)


@allure.feature("Negative paths")
@allure.story("clock skew")
@pytest.mark.parametrize("compensate", [False, True], ids=["detected", "compensated"])
def test_server_clock_90_s_ahead_on_later_login(skewed_portal, page, vault, compensate):
    account = _skewed_enrolled(skewed_portal, vault, new_cip("QASKEW"))
    result = log_in(page, account, vault, compensate_clock=compensate)
    assert 85 <= result.clock_offset_s <= 95
    events = [e["event"] for e in skewed_portal.admin.audit(account.cip)]
    if compensate:  # exactly one knowing retry, never a blind one
        expect_ok(result)
        assert events == ["code_rejected", "login_ok"]
    else:
        assert not result.ok and result.cause is Cause.CLOCK_SKEW, result.error
        assert events == ["code_rejected"]


@allure.feature("Negative paths")
@allure.story("clock skew")
@pytest.mark.parametrize("skewed_portal", [-120], indirect=True)
def test_server_clock_120_s_behind_is_compensated_without_waiting(skewed_portal, page, vault):
    account = _skewed_enrolled(skewed_portal, vault, new_cip("QASKEW"))
    result = expect_ok(log_in(page, account, vault, compensate_clock=True))
    assert -125 <= result.clock_offset_s <= -115 and result.code_wait_ms < 5_000
    events = [e["event"] for e in skewed_portal.admin.audit(account.cip)]
    assert events == ["code_rejected", "login_ok"]


@allure.feature("Negative paths")
@allure.story("clock skew")
@pytest.mark.enrollment
@pytest.mark.parametrize("compensate", [False, True], ids=["detected", "compensated"])
def test_server_clock_90_s_ahead_on_first_access(skewed_portal, page, vault, compensate):
    account = TestAccount(skewed_portal.url, new_cip("QASKEW"), new_password())
    skewed_portal.admin.create_account(account.cip, account.password, layout="two-page")
    result = enroll(page, account, vault, compensate_clock=compensate)
    cip = account.cip
    assert 85 <= result.clock_offset_s <= 95
    if compensate:
        expect_ok(result)
        assert vault.get(skewed_portal.url, cip).state == "active"
    else:
        assert not result.ok and result.cause is Cause.CLOCK_SKEW, result.error
        assert vault.get(skewed_portal.url, cip).state == "pending"


@allure.feature("Negative paths")
@allure.story("lockout")
def test_a_lockout_warning_on_the_login_form_is_not_a_lockout(page):
    form = (
        "<form><label for=u>Nom d'utilisateur (CIP)</label><input id=u>"
        "<label for=p>Mot de passe</label><input id=p type=password>"
        "<button>CONNEXION</button></form>"
    )
    warning = "<p role=alert>Après 5 tentatives, votre compte sera verrouillé.</p>"
    page.set_content(f"<h1>Accès eEspresso</h1>{warning}{form}")
    assert isinstance(identify(page), LoginPage)
    page.set_content("<h1>Erreur</h1><p role=alert>Votre compte est verrouillé.</p>")
    assert isinstance(identify(page), LockoutPage)
