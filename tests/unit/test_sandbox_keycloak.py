"""The Keycloak variant: the OIDC round trip between two origins, the OTP set-up page as
Keycloak 26 draws it, and later logins through the OTP page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from sandbox.keycloak.state import to_raw
from tests.fixtures.sandbox_portal import (
    APP_CALLBACK,
    IDP_ORIGIN,
    PASSWORD,
    FakeClock,
    assert_contains,
    clock_fixture,  # noqa: F401  (the ``clock`` fixture)
    decode,
    events,
    form_action,
    hidden_secret,
    keycloak_for,
    qr_png,
    state,
)

CIP = "kc0001"


@pytest.fixture(params=["keycloak.v2", "keycloak"])
def kc(request, clock: FakeClock):
    driver = keycloak_for(clock, THEME=request.param)
    driver.admin("POST", "/accounts", {"cip": CIP, "password": PASSWORD})
    return driver


def test_the_application_sends_the_browser_to_the_identity_server_on_another_origin(kc):
    first = kc.app_browser.get("/")
    assert first.status_code == 302
    target = urlsplit(first.location)
    assert f"{target.scheme}://{target.netloc}" == IDP_ORIGIN
    assert target.path == "/realms/eespresso/protocol/openid-connect/auth"
    query = parse_qs(target.query)
    assert query["client_id"] == ["eespresso"]
    assert query["redirect_uri"] == [APP_CALLBACK]
    assert query["response_type"] == ["code"]
    assert query["state"][0]
    html = kc.get(first.location).get_data(as_text=True)
    assert_contains(html, 'id="username"', 'name="password"', 'id="kc-login"')
    assert "Connexion" in html[html.index('id="kc-login"') - 200 :].split("</")[0]
    assert "/login-actions/authenticate?session_code=" in form_action(html, "kc-form-login")


def test_a_new_account_meets_the_otp_set_up_as_a_required_action(kc):
    page = kc.login(CIP)
    assert page.request.path == "/realms/eespresso/login-actions/required-action"
    assert parse_qs(page.request.query_string.decode())["execution"] == ["CONFIGURE_TOTP"]
    html = page.get_data(as_text=True)
    assert_contains(html, "Installez une des applications suivantes sur votre mobile:")
    assert_contains(html, "Vous devez configurer l&#39;authentification par mobile")


def test_set_up_page_reproduces_keycloak_markup_and_its_label_quirk(clock):
    kc = keycloak_for(clock)  # keycloak.v2, the default theme
    kc.admin("POST", "/accounts", {"cip": CIP, "password": PASSWORD})
    html = kc.login(CIP).get_data(as_text=True)
    # Both labels point at an id no element has: the fields have no accessible name.
    assert html.count('for="form-vertical-name"') == 2
    assert 'id="form-vertical-name"' not in html
    assert_contains(
        html,
        'id="totp" name="totp"',
        'id="userLabel" name="userLabel"',
        'id="logout-sessions" name="logout-sessions" value="on" checked',
        'id="saveTOTPBtn" value="Soumettre"',
        'id="kc-totp-secret-qr-code" src="data:image/png;base64, ',
        'alt="Figure: Barcode"',
        ">Impossible de scanner?</a>",
        "Code à usage unique",
        "Nom d&#39;appareil",
    )
    secret = state(kc, CIP)["pending_secret"]
    assert hidden_secret(html) == to_raw(secret)
    uri = decode(qr_png(html.replace("base64, ", "base64,")))
    assert uri.startswith(f"otpauth://totp/eEspresso:{CIP}?secret={secret}")


def test_manual_mode_writes_the_key_in_groups_of_four(clock):
    kc = keycloak_for(clock)
    kc.admin("POST", "/accounts", {"cip": CIP, "password": PASSWORD})
    html = kc.login(CIP).get_data(as_text=True)
    manual = re.search(r'href="([^"]+)" id="mode-manual"', html).group(1)
    page = kc.get(manual.replace("&amp;", "&")).get_data(as_text=True)
    secret = state(kc, CIP)["pending_secret"]
    groups = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert f'<span id="kc-totp-secret-key">{groups}</span>' in page
    assert 'id="kc-totp-secret-qr-code"' not in page
    assert_contains(page, 'id="mode-barcode"', 'name="mode" value="manual"', "Basé sur le temps")


def test_enrolment_ends_on_the_application_home_with_the_success_sentence(kc, clock):
    home = kc.enroll(CIP)
    assert home.status_code == 200
    assert_contains(home.get_data(as_text=True), "Vous avez maintenant accès à votre eEspresso.")
    account = state(kc, CIP)
    assert account["enrolled"] and account["devices"] == ["Mon iPhone"]
    assert account["consecutive_failures"] == 0
    assert events(kc, CIP) == ["enrolled", "login_ok"]


def test_later_login_asks_the_code_with_the_restart_link_before_the_login_button(kc, clock):
    kc.enroll(CIP)
    secret = kc.idp.extensions["sandbox"].store.accounts[CIP].secret
    kc.app_browser.delete_cookie("eespresso_app_session")  # a new browser session
    clock.advance(30)
    html = kc.login(CIP).get_data(as_text=True)
    assert_contains(html, 'id="otp" name="otp"', 'autocomplete="one-time-code"')
    assert html.index('id="reset-login"') < html.index('id="kc-login"')
    assert_contains(html, 'aria-label="Redémarrer la connexion"', f"{CIP}")
    action = form_action(html, "kc-otp-login-form")
    home = kc.follow(kc.post(action, {"otp": pyotp.TOTP(secret).at(clock.now), "login": ""}))
    assert home.status_code == 200 and home.request.path == "/accueil"
    assert events(kc, CIP)[-1] == "login_ok"


def test_the_restart_link_goes_back_to_the_username_and_password(kc):
    kc.enroll(CIP)
    kc.app_browser.delete_cookie("eespresso_app_session")
    html = kc.login(CIP).get_data(as_text=True)
    found = re.search(r"location.href='([^']+)'|id=\"reset-login\" href=\"([^\"]+)\"", html)
    restart = (found.group(1) or found.group(2)).replace("&amp;", "&")
    assert "/login-actions/restart?" in restart
    page = kc.follow(kc.get(restart)).get_data(as_text=True)
    assert 'id="kc-form-login"' in page and 'id="kc-otp-login-form"' not in page


def test_previous_theme_labels_point_at_the_set_up_fields(clock):
    kc = keycloak_for(clock, THEME="keycloak")
    kc.admin("POST", "/accounts", {"cip": CIP, "password": PASSWORD})
    html = kc.login(CIP).get_data(as_text=True)
    assert_contains(html, '<label for="totp"', '<label for="userLabel"', 'id="kc-username"')
    assert "form-vertical-name" not in html and "pf-v5-" not in html


def test_faults_reach_both_origins(kc):
    kc.admin("PUT", "/faults", {"outage": True})
    assert kc.app_browser.get("/").status_code == 503
    assert kc.idp_browser.get("/realms/eespresso/protocol/openid-connect/auth").status_code == 503
    kc.admin("DELETE", "/faults")
    assert kc.app_browser.get("/").status_code == 302


def test_set_up_errors_show_under_the_code_field_and_keep_the_secret(kc, clock):
    html = kc.login(CIP).get_data(as_text=True)
    action = form_action(html, "kc-totp-settings-form")
    secret = state(kc, CIP)["pending_secret"]
    empty = kc.post(action, {"totp": "", "totpSecret": hidden_secret(html)}).get_data(as_text=True)
    assert_contains(empty, 'id="input-error-otp-code"', "Veuillez entrer votre code")
    assert "Vous devez configurer" not in empty  # a field error replaces the warning
    code = pyotp.TOTP(secret).at(clock.now)
    forged = kc.post(action, {"totp": code, "totpSecret": "A" * 20}).get_data(as_text=True)
    assert "Le code d&#39;authentification est invalide." in forged
    assert state(kc, CIP)["pending_secret"] == secret and not state(kc, CIP)["enrolled"]
    assert hidden_secret(forged) == hidden_secret(html)
