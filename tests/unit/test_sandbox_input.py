"""Bad input gets a 4xx with a clear French page, never a 500 or a traceback."""

from __future__ import annotations

import pyotp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.sandbox_portal import (
    PASSWORD,
    FakeClock,
    PortalDriver,
    add_account,
    assert_contains,
    portal_for,
)

CIP = "lavoie07"


@pytest.fixture
def portal(clock: FakeClock) -> PortalDriver:
    driver = portal_for(clock)
    add_account(driver, CIP)
    return driver


def assert_clear_page(response, status: int, *words: str) -> str:
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert '<html lang="fr">' in html and 'role="alert"' in html
    assert "Traceback" not in html and "Werkzeug" not in html
    assert_contains(html, *words)
    return html


def test_missing_csrf_token_is_a_403_session_page(portal):
    portal.get("/")
    response = portal.client.post("/connexion", data={"cip": CIP, "password": PASSWORD})
    assert_clear_page(response, 403, "Session expirée", "Rechargez la page")


def test_wrong_csrf_token_is_refused(portal):
    portal.get("/")
    data = {"cip": CIP, "password": PASSWORD, "csrf_token": "forged"}
    assert_clear_page(portal.client.post("/connexion", data=data), 403)
    assert portal.admin("GET", f"/audit?cip={CIP}").get_json() == []


def test_a_csrf_token_from_another_session_is_refused(clock, portal):
    other = PortalDriver(portal.app)
    other.get("/")
    portal.get("/")
    data = {"cip": CIP, "password": PASSWORD, "csrf_token": other._csrf}
    assert_clear_page(portal.client.post("/connexion", data=data), 403)


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/connexion"), ("DELETE", "/"), ("GET", "/deconnexion"), ("POST", "/accueil")],
)
def test_wrong_method_is_a_405_page(portal, method, path):
    response = portal.client.open(path, method=method)
    assert_clear_page(response, 405, "Méthode non permise")


def test_one_megabyte_fields_are_a_413_page(portal):
    portal.get("/")
    data = {"cip": "x" * 1_000_000, "password": PASSWORD, "csrf_token": portal._csrf}
    assert_clear_page(portal.client.post("/connexion", data=data), 413, "trop longs")


def test_a_long_but_acceptable_cip_is_refused_as_bad_credentials(portal):
    response = portal.login("x" * 5000, PASSWORD)
    assert_clear_page(response, 401, "mot de passe invalide")


def test_non_utf8_bytes_are_a_400_page_not_an_error(portal):
    portal.get("/")
    body = b"cip=\xff\xfe%ff&password=\xc3\x28abcdefghijklmnop&csrf_token=" + portal._csrf.encode()
    response = portal.client.post(
        "/connexion", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert_clear_page(response, 400, "Requête invalide", "n&#39;est pas valide")


def test_unknown_cip_gets_the_same_generic_message_as_a_wrong_password(portal):
    unknown = assert_clear_page(portal.login("inconnu99", PASSWORD), 401)
    wrong = assert_clear_page(portal.login(CIP, "Mauvais-motdepasse"), 401)
    message = "Nom d&#39;utilisateur (CIP) ou mot de passe invalide."
    assert message in unknown and message in wrong


def test_empty_fields_ask_for_both(portal):
    assert_clear_page(portal.login("", ""), 400, "Indiquez votre nom d&#39;utilisateur")


def test_unknown_path_is_a_french_404(portal):
    assert_clear_page(portal.get("/wp-admin"), 404, "Page introuvable")


def test_admin_errors_are_json_not_html(portal):
    response = portal.admin("GET", "/nothing-here")
    assert response.status_code == 404 and "error" in response.get_json()


@pytest.mark.parametrize("name", ["", "   ", "x" * 41, "tab\tname"])
def test_a_bad_device_name_is_refused_without_consuming_the_code(portal, clock, name):
    portal.login(CIP, PASSWORD)
    code = pyotp.TOTP(portal.pending_secret(CIP)).at(clock.now)
    refused = portal.post("/configuration", {"code": code, "device_name": name})
    assert_clear_page(refused, 400, "Indiquez un nom pour votre appareil mobile")
    assert 'src="data:image/png;base64,' in refused.get_data(as_text=True)  # QR still shown
    accepted = portal.post("/configuration", {"code": code, "device_name": "Mon iPhone"})
    assert accepted.location == "/accueil"


@pytest.mark.parametrize("code", ["", "abcdef", "１２３４５６", "1234567", "12 34 5"])
def test_malformed_codes_are_rejected_like_wrong_ones(portal, code):
    portal.login(CIP, PASSWORD)
    response = portal.post("/configuration", {"code": code, "device_name": "Mon iPhone"})
    assert_clear_page(response, 401, "Code invalide")
    assert portal.admin("GET", f"/audit?cip={CIP}").get_json()[-1]["event"] == "code_rejected"


def test_an_unexpected_exception_becomes_a_french_500_page(portal, monkeypatch):
    import sandbox.views

    def boom(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(sandbox.views.rules, "is_locked", boom)
    html = assert_clear_page(portal.login(CIP, PASSWORD), 500, "Erreur du serveur")
    assert "secret detail" not in html


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cip=st.text(max_size=80), password=st.text(max_size=40), code=st.text(max_size=12))
def test_any_text_in_any_field_gets_a_clear_4xx_or_a_redirect(portal, cip, password, code):
    response = portal.login(cip, password)
    assert response.status_code in (302, 400, 401, 423)
    assert b"Traceback" not in response.data
    response = portal.post("/verification", {"code": code})
    assert response.status_code in (302, 401, 403, 423)
