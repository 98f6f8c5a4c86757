"""The Keycloak variant's logout: the application's « Déconnexion » goes through the identity
server's end-session endpoint (OpenID Connect RP-Initiated Logout 1.0) and its question, and
no session of the account stays open."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fixtures.sandbox_portal import (
    IDP_ORIGIN,
    PASSWORD,
    FakeClock,
    assert_contains,
    clock_fixture,  # noqa: F401  (the ``clock`` fixture)
    form_action,
    keycloak_for,
    state,
)

CIP = "kc0002"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(params=["keycloak.v2", "keycloak"])
def kc(request, clock: FakeClock):
    driver = keycloak_for(clock, THEME=request.param)
    driver.admin("POST", "/accounts", {"cip": CIP, "password": PASSWORD})
    return driver


def _log_out_of_the_application(kc):
    """Press « Déconnexion » on the application's home page; the answer (a redirect)."""
    home = kc.app_browser.get("/accueil").get_data(as_text=True)
    token = _CSRF.search(home).group(1)
    return kc.app_browser.post("/deconnexion", data={"csrf_token": token})


def test_logout_asks_on_the_identity_server_then_ends_both_sessions(kc):
    assert kc.enroll(CIP).status_code == 200
    assert state(kc, CIP)["open_sessions"] == 2  # the application's and the SSO session
    answer = _log_out_of_the_application(kc)
    assert answer.location.startswith(f"{IDP_ORIGIN}/realms/eespresso/protocol/openid-connect/")
    query = parse_qs(urlsplit(answer.location).query)
    assert query == {"client_id": ["eespresso"], "post_logout_redirect_uri": ["http://localhost/"]}
    assert state(kc, CIP)["open_sessions"] == 1  # the application's ended at once
    html = kc.get(answer.location).get_data(as_text=True)
    assert_contains(
        html,
        "Déconnexion</h1>",
        "Voulez-vous vous déconnecter ?",
        'id="kc-logout" type="submit" value="Se déconnecter"',
    )
    back = kc.post(form_action(html, "kc-logout"), {"session_code": _code(html)})
    assert back.status_code == 302 and back.location == "http://localhost/"
    assert state(kc, CIP)["open_sessions"] == 0
    again = kc.app_browser.get("/")  # a new login starts: nothing was remembered
    assert again.location.startswith(f"{IDP_ORIGIN}/realms/eespresso/protocol/openid-connect/auth")


def test_a_stale_logout_form_ends_nothing(kc):
    kc.enroll(CIP)
    html = kc.get(_log_out_of_the_application(kc).location).get_data(as_text=True)
    refused = kc.post(form_action(html, "kc-logout"), {"session_code": "forged"})
    assert refused.status_code == 400
    assert state(kc, CIP)["open_sessions"] == 1


def test_a_return_address_on_another_origin_is_refused(kc):
    query = "client_id=eespresso&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F"
    refused = kc.get(f"{IDP_ORIGIN}/realms/eespresso/protocol/openid-connect/logout?{query}")
    assert refused.status_code == 400
    assert "L&#39;URI de redirection est invalide" in refused.get_data(as_text=True)


def test_without_a_return_address_the_identity_server_says_you_are_logged_out(kc):
    kc.enroll(CIP)
    html = kc.get(f"{IDP_ORIGIN}/realms/eespresso/protocol/openid-connect/logout").get_data(
        as_text=True
    )
    done = kc.post(form_action(html, "kc-logout"), {"session_code": _code(html)})
    assert done.status_code == 200 and "Vous êtes déconnecté" in done.get_data(as_text=True)
    assert state(kc, CIP)["open_sessions"] == 1  # the application's own session is its own


def _code(html: str) -> str:
    return re.search(r'name="session_code" value="([^"]+)"', html).group(1)
