"""The Keycloak variant's security behaviour: one use per code, the ±1 step window,
brute-force detection that never says "locked", stale forms answered "page expired", and
authorization codes exchanged once."""

from __future__ import annotations

import pyotp
import pytest

from tests.fixtures.sandbox_portal import (
    APP_CALLBACK,
    PASSWORD,
    FakeClock,
    assert_contains,
    clock_fixture,  # noqa: F401  (the ``clock`` fixture)
    events,
    form_action,
    keycloak_for,
    state,
)

CIP = "kc0002"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
INVALID_USER = "Nom d&#39;utilisateur ou mot de passe invalide."
INVALID_CODE = "Le code d&#39;authentification est invalide."


@pytest.fixture
def kc(clock: FakeClock):
    driver = keycloak_for(clock, LOCKOUT_THRESHOLD=3, LOCKOUT_SECONDS=600)
    body = {"cip": CIP, "password": PASSWORD, "enrolled": True, "secret": SECRET}
    assert driver.admin("POST", "/accounts", body).status_code == 201
    return driver


def _otp_page(kc) -> str:
    kc.app_browser.delete_cookie("eespresso_app_session")
    html = kc.login(CIP).get_data(as_text=True)
    assert 'id="kc-otp-login-form"' in html
    return html


def _send_code(kc, html: str, code: str):
    return kc.follow(kc.post(form_action(html, "kc-otp-login-form"), {"otp": code}))


@pytest.mark.parametrize("offset", [-30, 0, 30])
def test_a_code_of_the_previous_current_or_next_step_is_accepted(kc, clock, offset):
    answer = _send_code(kc, _otp_page(kc), pyotp.TOTP(SECRET).at(clock.now + offset))
    assert answer.request.path == "/accueil"


@pytest.mark.parametrize("offset", [-60, 60])
def test_a_code_two_steps_away_is_refused(kc, clock, offset):
    answer = _send_code(kc, _otp_page(kc), pyotp.TOTP(SECRET).at(clock.now + offset))
    assert_contains(answer.get_data(as_text=True), INVALID_CODE, 'id="kc-otp-login-form"')
    assert state(kc, CIP)["consecutive_failures"] == 1


def test_a_code_is_never_accepted_twice(kc, clock):
    code = pyotp.TOTP(SECRET).at(clock.now)
    assert _send_code(kc, _otp_page(kc), code).request.path == "/accueil"
    again = _send_code(kc, _otp_page(kc), code)
    assert_contains(again.get_data(as_text=True), INVALID_CODE)
    assert events(kc, CIP)[-1] == "code_replayed"


def _password(kc, password: str) -> str:
    html = kc.open_app().get_data(as_text=True)
    action = form_action(html, "kc-form-login")
    return kc.follow(kc.post(action, {"username": CIP, "password": password})).get_data(
        as_text=True
    )


def test_brute_force_locks_the_account_with_the_same_generic_answer(kc, clock):
    wrong = [_password(kc, "Mauvais-mot-de-passe") for _ in range(3)]
    assert all(INVALID_USER in html for html in wrong)
    account = state(kc, CIP)
    assert account["locked"] and account["consecutive_failures"] == 3
    right = _password(kc, PASSWORD)  # the right password, while locked
    assert INVALID_USER in right and 'id="kc-form-login"' in right
    for html in [*wrong, right]:
        assert "verrouill" not in html.lower() and "locked" not in html.lower()
        assert "désactivé" not in html
    assert events(kc, CIP)[-2:] == ["locked", "password_refused_locked"]
    assert state(kc, CIP)["consecutive_failures"] == 3  # refusals while locked not counted
    clock.advance(601)
    assert 'id="kc-otp-login-form"' in _password(kc, PASSWORD)


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(kc):
    html = kc.open_app().get_data(as_text=True)
    action = form_action(html, "kc-form-login")
    answer = kc.post(action, {"username": "inconnu", "password": PASSWORD})
    assert answer.status_code == 200
    assert_contains(answer.get_data(as_text=True), INVALID_USER, 'value="inconnu"')


def test_wrong_codes_count_towards_the_lockout_and_success_resets_the_count(kc, clock):
    html = _otp_page(kc)
    for _ in range(2):
        html = _send_code(kc, html, "000000").get_data(as_text=True)
    assert state(kc, CIP)["consecutive_failures"] == 2
    assert _send_code(kc, html, pyotp.TOTP(SECRET).at(clock.now)).request.path == "/accueil"
    assert state(kc, CIP)["consecutive_failures"] == 0


def test_a_form_posted_again_after_its_step_gets_the_page_expired_page(kc):
    html = kc.open_app().get_data(as_text=True)
    action = form_action(html, "kc-form-login")
    assert 'id="kc-otp-login-form"' in kc.post(
        action, {"username": CIP, "password": PASSWORD}
    ).get_data(as_text=True)
    stale = kc.post(action, {"username": CIP, "password": PASSWORD})
    page = stale.get_data(as_text=True)
    assert_contains(
        page,
        "La page a expiré",
        "Pour recommencer le processus d&#39;authentification",
        'id="loginRestartLink"',
        'id="loginContinueLink"',
    )
    assert state(kc, CIP)["consecutive_failures"] == 0


def test_page_expired_links_restart_the_login_or_continue_where_it_was(kc):
    html = kc.open_app().get_data(as_text=True)
    action = form_action(html, "kc-form-login")
    kc.post(action, {"username": CIP, "password": PASSWORD})
    page = kc.post(action, {"username": CIP, "password": PASSWORD}).get_data(as_text=True)
    assert page.index('id="loginRestartLink"') < page.index('id="loginContinueLink"')
    continue_url = page.split('<a id="loginContinueLink" href="')[1].split('"')[0]
    restart_url = page.split('<a id="loginRestartLink" href="')[1].split('"')[0]
    assert 'id="kc-otp-login-form"' in kc.get(continue_url.replace("&amp;", "&")).get_data(
        as_text=True
    )
    restarted = kc.follow(kc.get(restart_url.replace("&amp;", "&")))
    assert 'id="kc-form-login"' in restarted.get_data(as_text=True)


def test_a_form_of_an_older_tab_gets_the_page_expired_page(kc):
    old = form_action(kc.open_app().get_data(as_text=True), "kc-form-login")
    kc.open_app()  # a new authorization request: a new tab_id
    page = kc.post(old, {"username": CIP, "password": PASSWORD}).get_data(as_text=True)
    assert "La page a expiré" in page


def test_an_authorization_code_is_exchanged_once_and_only_for_its_redirect_uri(kc, clock):
    html = _otp_page(kc)
    answer = kc.post(
        form_action(html, "kc-otp-login-form"), {"otp": pyotp.TOTP(SECRET).at(clock.now)}
    )
    assert answer.status_code == 302 and answer.location.startswith(APP_CALLBACK + "?")
    code = answer.location.split("code=")[1].split("&")[0]
    config = kc.idp.config
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": APP_CALLBACK,
        "client_id": config["CLIENT_ID"],
        "client_secret": config["CLIENT_SECRET"],
    }
    token = "/realms/eespresso/protocol/openid-connect/token"
    first = kc.idp_browser.post(token, data=form)
    assert first.status_code == 200 and first.get_json()["token_type"] == "Bearer"
    second = kc.idp_browser.post(token, data=form)
    assert second.status_code == 400 and second.get_json()["error"] == "invalid_grant"
    wrong_secret = kc.idp_browser.post(token, data={**form, "client_secret": "x" * 20})
    assert wrong_secret.status_code == 401


def test_the_application_refuses_a_callback_whose_state_it_did_not_send(kc):
    kc.open_app()
    answer = kc.app_browser.get("/callback?code=abc&state=forged")
    assert answer.status_code == 403
    assert "Connexion refusée" in answer.get_data(as_text=True)


def test_the_authorization_endpoint_refuses_an_unregistered_redirect_uri(kc):
    answer = kc.idp_browser.get(
        "/realms/eespresso/protocol/openid-connect/auth?client_id=eespresso"
        "&redirect_uri=http://evil.test/cb&response_type=code&state=s"
    )
    assert answer.status_code == 400
    assert "L&#39;URI de redirection est invalide" in answer.get_data(as_text=True)


def test_user_names_are_found_whatever_their_case(kc):
    html = kc.open_app().get_data(as_text=True)
    action = form_action(html, "kc-form-login")
    answer = kc.post(action, {"username": CIP.upper(), "password": PASSWORD})
    assert 'id="kc-otp-login-form"' in answer.get_data(as_text=True)


def test_a_form_naming_another_execution_gets_the_page_expired_page(kc):
    html = kc.open_app().get_data(as_text=True)
    action = form_action(html, "kc-form-login")
    execution = action.split("execution=")[1].split("&")[0]
    other = action.replace(execution, "b3f1e6a2-0000-4f0a-8e2b-5a9c1d7e3f02")
    page = kc.post(other, {"username": CIP, "password": PASSWORD}).get_data(as_text=True)
    assert "La page a expiré" in page
    assert state(kc, CIP)["consecutive_failures"] == 0
