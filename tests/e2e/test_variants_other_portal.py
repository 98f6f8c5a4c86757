"""Another vendor's markup, same words (docs/portal.md): the journeys still work.

A small portal served through Playwright routes (no socket) with markup the sandbox never
uses: fields labelled by ``aria-label`` or by a wrapping ``<label>``, ``<input type=submit>``
buttons, an SVG QR in a data URI, a code page without any button (Enter submits), a logout
*link*, « Vérifier » and « ENREGISTRER ». Codes are checked with pyotp (±1 step, once).
"""

from __future__ import annotations

import html
import time
from urllib.parse import parse_qs

import allure
import pyotp
import pytest
import segno

from authenticator import Authenticator
from pages.account import Account
from pages.steps import STORIES
from tests.fixtures.accounts import enroll, expect_ok, log_in, new_password

BASE = "http://127.0.0.1:9"  # nothing listens there: every request is answered by the route
CIP = "AUTREPORTAIL1"
pytestmark = [pytest.mark.variants, allure.feature("Portal variants")]


class OtherPortal:
    """Just enough of a portal: login, two-page enrollment, code page, home."""

    def __init__(self, password: str) -> None:
        self.password = password
        self.totp = pyotp.TOTP(pyotp.random_base32())
        self.enrolled = False
        self.last_step = -1
        self.device = ""

    def page(self, title: str, body: str) -> str:
        return f"<!doctype html><html lang=fr><title>{title}</title><main>{body}</main></html>"

    def login(self, error: str = "") -> str:
        alert = f"<div role=alert>{error}</div>" if error else ""
        return self.page(
            "Connexion",
            "<h2>Connexion à eEspresso</h2>" + alert + "<form method=post action=/auth>"
            '<input name=u aria-label="Code d\'utilisateur (CIP)">'
            "<label>Mot de passe (14 à 20 caractères) <input type=password name=p></label>"
            "<input type=submit value='Se connecter'></form>",
        )

    def setup(self) -> str:
        uri = self.totp.provisioning_uri(name=CIP, issuer_name="Accès eEspresso – Autre")
        src = segno.make(uri, error="m").svg_data_uri(scale=4)
        return self.page(
            "Double authentification",
            f"<h2>Double authentification</h2><img alt='Code QR' src='{src}'>"
            "<form method=post action=/code><label>Code à 6 chiffres <input name=c></label>"
            "<input type=submit value='Vérifier'></form>",
        )

    def device_page(self) -> str:
        return self.page(
            "Appareil",
            "<form method=post action=/device><label>Nom de votre appareil mobile "
            "<input name=d placeholder='Ex : Mon iPhone'></label>"
            "<button>ENREGISTRER</button></form>",
        )

    def code_page(self, error: str = "") -> str:
        alert = f"<div role=alert>{error}</div>" if error else ""
        return self.page(
            "Vérification",
            alert + "<form method=post action=/verify>"
            "<input name=c aria-label='Code de vérification' autocomplete=one-time-code></form>",
        )

    def home(self) -> str:
        return self.page(
            "eEspresso",
            f"<h1>eEspresso</h1><ul><li>{html.escape(self.device)}</li></ul>"
            "<a href=/>Déconnexion</a>",
        )

    def code_ok(self, code: str) -> bool:
        now = time.time()
        for drift in (-1, 0, 1):
            step = int(now // 30) + drift
            if step > self.last_step and self.totp.at(step * 30) == code:
                self.last_step = step
                return True
        return False

    def handle(self, route) -> None:
        request = route.request
        form = {k: v[0] for k, v in parse_qs(request.post_data or "").items()}
        path = request.url.removeprefix(BASE)
        if request.method == "GET":
            body = self.login()
        elif path == "/auth":
            if form.get("u") != CIP or form.get("p") != self.password:
                body = self.login("Identifiants invalides.")
            else:
                body = self.code_page() if self.enrolled else self.setup()
        elif path == "/code":
            body = self.device_page() if self.code_ok(form.get("c", "")) else self.setup()
        elif path == "/device":
            self.device, self.enrolled = form.get("d", ""), True
            body = self.home()
        else:  # /verify
            ok = self.code_ok(form.get("c", ""))
            body = self.home() if ok else self.code_page("Code invalide.")
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
def test_first_access_then_later_login_on_another_vendors_markup(page, fresh_page, vault):
    password = new_password()
    portal = OtherPortal(password)
    page.route(f"{BASE}/**", portal.handle)
    account = Account(BASE, CIP, password, device_name="Tablette")
    result = expect_ok(enroll(page, account, vault))
    assert portal.device == "Tablette" and result.warnings == []  # logged out by its link
    later = fresh_page()
    later.route(f"{BASE}/**", portal.handle)
    # A phone one step ahead (within ±1) shows the next unused step now: no wait.
    expect_ok(log_in(later, account, vault, authenticator=Authenticator(offset=30)))
    assert vault.get(BASE, CIP).last_step == portal.last_step
