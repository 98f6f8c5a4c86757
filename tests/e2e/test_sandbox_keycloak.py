"""The Keycloak variant in a real browser: the application and the identity server on two
origins, and the OTP set-up page's accessible names as Chromium computes them.

Keycloak 26's set-up page (theme keycloak.v2) points both labels at ``form-vertical-name``,
so the code and device-name fields have no accessible name; the QR image's is its alt,
« Figure: Barcode », in English on a French page. The previous theme labels them properly.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import allure
import pyotp
import pytest
from playwright.sync_api import Page, expect

from bench.support.accounts import new_cip
from pages.logout import logged_out
from pages.screens import HomePage, LoginPage, LogoutQuestionPage
from sandbox import RunningSandbox, running_sandbox
from tests.fixtures.accounts import new_password

pytestmark = [pytest.mark.variants, allure.feature("Portal variants")]


@pytest.fixture(scope="module", params=["keycloak.v2", "keycloak"])
def keycloak(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with running_sandbox({"THEME": request.param}, flavour="keycloak") as running:
        yield running


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _to_set_up_page(page: Page, keycloak: RunningSandbox) -> str:
    cip, password = new_cip(), new_password()
    keycloak.admin.create_account(cip, password)
    page.goto(keycloak.url)
    assert _origin(page.url) == keycloak.idp_url != keycloak.url
    page.locator("#username").fill(cip)
    page.locator("#password").fill(password)
    page.locator("#kc-login").click()
    expect(page.locator("#kc-totp-settings-form")).to_be_visible()
    return cip


def _set_up(page: Page, keycloak: RunningSandbox, cip: str) -> None:
    """Fill the set-up page with a good code and a device name: the application's home."""
    secret = keycloak.admin.account(cip)["pending_secret"]
    page.locator("#totp").fill(pyotp.TOTP(secret).now())
    page.locator("#userLabel").fill("Mon iPhone")
    page.locator("#saveTOTPBtn").click()
    expect(page.get_by_text("Vous avez maintenant accès à votre eEspresso.")).to_be_visible()


def test_set_up_fields_have_the_accessible_names_keycloak_gives_them(page: Page, keycloak):
    cip = _to_set_up_page(page, keycloak)
    quirk = keycloak.app.config["THEME"] == "keycloak.v2"
    expect(page.locator("#totp")).to_have_accessible_name("" if quirk else "Code à usage unique")
    expect(page.locator("#userLabel")).to_have_accessible_name("" if quirk else "Nom d'appareil")
    qr = page.get_by_role("img", name="Figure: Barcode", exact=True)
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth") > 0  # "base64, " decodes
    expect(page.get_by_role("checkbox", name="Se déconnecter des autres appareils")).to_be_checked()
    if quirk:
        expect(page.get_by_role("textbox", name="Code à usage unique")).to_have_count(0)
    # First access ends on the application's origin with the seed's sentence.
    _set_up(page, keycloak, cip)
    assert _origin(page.url) == keycloak.url
    assert keycloak.admin.account(cip)["consecutive_failures"] == 0


def test_logout_asks_on_the_identity_server_and_leaves_no_session(page: Page, keycloak):
    cip = _to_set_up_page(page, keycloak)
    _set_up(page, keycloak, cip)
    assert keycloak.admin.open_sessions(cip) == 2  # the application's and Keycloak's SSO
    question = HomePage(page).logout()
    assert isinstance(question, LogoutQuestionPage) and _origin(page.url) == keycloak.idp_url
    expect(page.get_by_text("Voulez-vous vous déconnecter ?")).to_be_visible()
    assert isinstance(logged_out(question), LoginPage)  # back through the application
    assert keycloak.admin.open_sessions(cip) == 0
