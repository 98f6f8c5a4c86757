"""The Keycloak variant's required actions (new password, terms), set per account through
the admin API, the request log that proves nothing was posted on them, and the English
locale."""

from __future__ import annotations

import pyotp
import pytest

from tests.fixtures.sandbox_portal import (
    PASSWORD,
    FakeClock,
    assert_contains,
    clock_fixture,  # noqa: F401  (the ``clock`` fixture)
    form_action,
    keycloak_for,
)

CIP = "kc0003"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NEW_PASSWORD = "Nouveau-Motdepasse1"


def _driver(clock: FakeClock, actions: list[str], **config):
    kc = keycloak_for(clock, **config)
    body = {"cip": CIP, "password": PASSWORD, "enrolled": True, "secret": SECRET}
    assert kc.admin("POST", "/accounts", body).status_code == 201
    answer = kc.admin("PUT", f"/accounts/{CIP}/required-actions", {"actions": actions})
    assert answer.status_code == 200, answer.get_json()
    return kc


def _after_code(kc, clock: FakeClock):
    html = kc.login(CIP).get_data(as_text=True)
    action = form_action(html, "kc-otp-login-form")
    return kc.follow(kc.post(action, {"otp": pyotp.TOTP(SECRET).at(clock.now)}))


def _last_form_action(html: str) -> str:
    """terms.ftl's form has no id: the page's last form action."""
    return html.split('action="')[-1].split('"')[0].replace("&amp;", "&")


def _posts(kc) -> list[str]:
    log = kc.admin("GET", "/requests").get_json()
    return [entry["path"] for entry in log if entry["method"] == "POST"]


@pytest.mark.parametrize("theme", ["keycloak.v2", "keycloak"])
def test_update_password_is_asked_after_the_code_and_nothing_is_posted_on_it(clock, theme):
    kc = _driver(clock, ["UPDATE_PASSWORD"], THEME=theme)
    page = _after_code(kc, clock)
    assert page.request.path.endswith("/login-actions/required-action")
    html = page.get_data(as_text=True)
    if theme == "keycloak.v2":  # the previous theme shows the user name instead of a title
        assert_contains(html, "Mise à jour du mot de passe")
    assert_contains(
        html,
        'id="password-new" name="password-new"',
        'id="password-confirm" name="password-confirm"',
        "Vous devez changer votre mot de passe pour activer votre compte.",
        'name="logout-sessions"',
    )
    posts = _posts(kc)
    assert not [path for path in posts if path.endswith("/required-action")]
    assert posts == [
        "/realms/eespresso/login-actions/authenticate",
        "/realms/eespresso/login-actions/authenticate",
    ]


def test_a_new_password_is_checked_then_kept_and_the_login_goes_on(clock):
    kc = _driver(clock, ["UPDATE_PASSWORD"])
    html = _after_code(kc, clock).get_data(as_text=True)
    action = form_action(html, "kc-passwd-update-form")
    mismatch = kc.post(action, {"password-new": NEW_PASSWORD, "password-confirm": "autre"})
    assert "Les mots de passe ne sont pas identiques." in mismatch.get_data(as_text=True)
    short = kc.post(action, {"password-new": "court", "password-confirm": "court"})
    assert "longueur minimale requise de 14" in short.get_data(as_text=True)
    done = kc.follow(
        kc.post(action, {"password-new": NEW_PASSWORD, "password-confirm": NEW_PASSWORD})
    )
    assert done.request.path == "/accueil"
    assert kc.admin("GET", f"/accounts/{CIP}/required-actions").get_json()["actions"] == []
    assert kc.idp.extensions["sandbox"].store.accounts[CIP].password == NEW_PASSWORD


@pytest.mark.parametrize("theme", ["keycloak.v2", "keycloak"])
def test_terms_are_accepted_or_declined(clock, theme):
    kc = _driver(clock, ["TERMS_AND_CONDITIONS"], THEME=theme)
    html = _after_code(kc, clock).get_data(as_text=True)
    assert_contains(html, 'id="kc-accept"', 'id="kc-decline"', "Termes et conditions à définir")
    assert_contains(html, "Accepter", "Décliner")
    assert not [path for path in _posts(kc) if path.endswith("/required-action")]
    action = _last_form_action(html)
    declined = kc.post(action, {"cancel": ""})
    assert declined.status_code == 302 and "error=access_denied" in declined.location
    assert kc.follow(declined).status_code == 403  # the application says it was refused
    clock.advance(30)  # a fresh code for the second login
    action = _last_form_action(_after_code(kc, clock).get_data(as_text=True))
    assert kc.follow(kc.post(action, {"accept": ""})).request.path == "/accueil"


def test_required_actions_come_in_keycloak_order(clock):
    kc = _driver(clock, ["UPDATE_PASSWORD", "TERMS_AND_CONDITIONS"])
    html = _after_code(kc, clock).get_data(as_text=True)
    assert 'id="kc-accept"' in html


def test_the_admin_api_refuses_an_unknown_required_action(clock):
    kc = keycloak_for(clock)
    kc.admin("POST", "/accounts", {"cip": CIP, "password": PASSWORD})
    answer = kc.admin("PUT", f"/accounts/{CIP}/required-actions", {"actions": ["VERIFY_EMAIL"]})
    assert answer.status_code == 400 and "UPDATE_PASSWORD" in answer.get_json()["error"]
    missing = kc.admin("GET", "/accounts/nobody/required-actions")
    assert missing.status_code == 404


@pytest.mark.parametrize("theme", ["keycloak.v2", "keycloak"])
def test_english_locale_uses_keycloak_english_messages(clock, theme):
    kc = keycloak_for(clock, LOCALE="en", THEME=theme)
    kc.admin("POST", "/accounts", {"cip": CIP, "password": PASSWORD})
    login = kc.open_app().get_data(as_text=True)
    assert_contains(login, 'lang="en"', "Sign In", "Username", "Password")
    action = form_action(login, "kc-form-login")
    refused = kc.post(action, {"username": CIP, "password": "x" * 16}).get_data(as_text=True)
    assert "Invalid username or password." in refused
    setup = kc.login(CIP).get_data(as_text=True)
    assert_contains(
        setup, "Unable to scan?", "One-time code", "Device Name", 'alt="Figure: Barcode"'
    )


def test_ui_locales_asks_english_on_a_french_realm(clock):
    kc = keycloak_for(clock)
    first = kc.app_browser.get("/")
    html = kc.get(first.location + "&ui_locales=en").get_data(as_text=True)
    assert_contains(html, "Sign in to your account")
