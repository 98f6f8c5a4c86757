"""The portal's French pages and flows (PORTAL.md "First access", "Later accesses")."""

from __future__ import annotations

import base64
import io
import json
import re
from urllib.parse import unquote

import pyotp
import pytest
import segno
from PIL import Image
from pyzbar import pyzbar

from sandbox import create_app
from sandbox.config import DEFAULT_ISSUER
from sandbox.qr import BORDER, SCALE
from sandbox.testing import FakeClock, PortalDriver

CIP, PASSWORD = "tremblay01", "Motdepasse-2024!"  # 16 characters


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make(clock: FakeClock, **config) -> PortalDriver:
    return PortalDriver(create_app({"CLOCK": clock, **config}))


def add_account(portal: PortalDriver, **fields) -> dict:
    response = portal.admin("POST", "/accounts", {"cip": CIP, "password": PASSWORD, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def code_for(secret: str, clock: FakeClock, steps: int = 0, **otp) -> str:
    totp = pyotp.TOTP(secret, **otp)
    return totp.at(clock.now + steps * totp.interval)


def decode(png: bytes) -> str:
    symbols = pyzbar.decode(Image.open(io.BytesIO(png)))
    assert len(symbols) == 1
    return symbols[0].data.decode()


def test_login_page_is_french_with_labelled_fields_and_connexion(clock):
    html = make(clock).get("/").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert '<label for="cip">Nom d&#39;utilisateur (CIP)</label>' in html
    assert '<label for="password">Mot de passe</label>' in html
    assert '<input id="password" name="password" type="password"' in html
    assert '<button type="submit">CONNEXION</button>' in html
    assert 'name="csrf_token"' in html


def test_alt_wording_login_page_uses_the_variants_and_an_input_button(clock):
    html = make(clock, WORDING="alt").get("/").get_data(as_text=True)
    assert "Code d&#39;utilisateur (CIP)" in html
    assert "Mot de passe (14 à 20 caractères)" in html
    assert '<input type="submit" value="Se connecter">' in html
    assert "CONNEXION" not in html


def test_first_access_one_page_shows_steps_qr_code_and_device_fields(clock):
    portal = make(clock)
    add_account(portal)
    response = portal.login(CIP, PASSWORD)
    assert response.status_code == 302 and response.location == "/configuration"
    html = portal.get("/configuration").get_data(as_text=True)
    assert "Scanner un code QR" in html and "Google Authenticator" in html
    assert '<ol start="3">' in html
    assert 'alt="Code QR à scanner avec Google Authenticator"' in html
    assert '<label for="code">Code sur votre appareil mobile</label>' in html
    assert '<label for="device_name">Nom pour votre appareil mobile</label>' in html
    assert 'placeholder="Ex : Mon iPhone"' in html
    assert '<input type="submit" value="Enregistrer">' in html


def qr_png(html: str) -> bytes:
    src = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    return base64.b64decode(src)


def test_png_qr_decodes_to_the_otpauth_uri_with_an_encoded_accented_issuer(clock):
    portal = make(clock)
    add_account(portal)
    portal.login(CIP, PASSWORD)
    uri = decode(qr_png(portal.get("/configuration").get_data(as_text=True)))
    secret = portal.pending_secret(CIP)
    assert uri.startswith("otpauth://totp/Acc%C3%A8s%20eEspresso%20%E2%80%93%20CIUSSS")
    assert f"secret={secret}" in uri
    assert unquote(uri.split("issuer=")[1]) == "Accès eEspresso – CIUSSS de l'Estrie"
    assert f":{CIP}?" in uri


def test_one_page_enrollment_lands_on_home_with_success_text_and_device(clock):
    portal = make(clock)
    add_account(portal)
    portal.login(CIP, PASSWORD)
    code = code_for(portal.pending_secret(CIP), clock)
    response = portal.post("/configuration", {"code": code, "device_name": "Mon iPhone"})
    assert response.status_code == 302 and response.location == "/accueil"
    html = portal.get("/accueil").get_data(as_text=True)
    assert "<h1>Bienvenue dans eEspresso</h1>" in html
    assert '<p role="status">Vous avez maintenant accès à votre eEspresso.</p>' in html
    assert "Mes appareils" in html and "<li>Mon iPhone</li>" in html
    assert '<button type="submit">Se déconnecter</button>' in html
    state = portal.admin("GET", f"/accounts/{CIP}").get_json()
    assert state["enrolled"] and state["devices"] == ["Mon iPhone"]
    assert state["pending_secret"] is None
    events = [e["event"] for e in portal.admin("GET", "/audit").get_json()]
    assert events == ["enrolled", "login_ok"]


def test_later_login_asks_for_the_code_then_lands_on_home(clock):
    portal = make(clock)
    secret = add_account(portal, enrolled=True, device_name="Pixel")["secret"]
    response = portal.login(CIP, PASSWORD)
    assert response.location == "/verification"
    html = portal.get("/verification").get_data(as_text=True)
    assert "Code fourni par « Google Authenticator »" in html
    assert '<input type="submit" value="Confirmer">' in html
    response = portal.post("/verification", {"code": code_for(secret, clock)})
    assert response.location == "/accueil"
    assert "<li>Pixel</li>" in portal.get("/accueil").get_data(as_text=True)


def test_logout_ends_the_server_session_even_for_a_replayed_cookie(clock):
    portal = make(clock)
    secret = add_account(portal, enrolled=True)["secret"]
    portal.login(CIP, PASSWORD)
    portal.post("/verification", {"code": code_for(secret, clock)})
    cookie = portal.client.get_cookie("eespresso_session").value
    assert portal.get("/accueil").status_code == 200
    response = portal.post("/deconnexion", {})
    assert response.status_code == 302
    assert portal.client.get_cookie("eespresso_session") is None
    portal.client.set_cookie("eespresso_session", cookie)
    assert portal.get("/accueil").status_code == 302  # back to the login page


def test_session_cookie_is_httponly_samesite_lax_and_rotates_at_login(clock):
    portal = make(clock)
    add_account(portal)
    first = portal.get("/").headers["Set-Cookie"]
    assert "HttpOnly" in first and "SameSite=Lax" in first and "Secure" not in first
    before = portal.client.get_cookie("eespresso_session").value
    portal.login(CIP, PASSWORD)
    assert portal.client.get_cookie("eespresso_session").value != before


def test_pages_out_of_order_redirect_on_get_and_refuse_posts(clock):
    portal = make(clock)
    for path in ("/accueil", "/configuration", "/configuration/appareil", "/verification"):
        assert portal.get(path).status_code == 302
    response = portal.post("/verification", {"code": "123456"})
    assert response.status_code == 403
    assert "Session expirée" in response.get_data(as_text=True)


def test_canvas_modules_rebuild_a_qr_that_decodes(clock):
    portal = make(clock, QR="canvas")
    add_account(portal)
    portal.login(CIP, PASSWORD)
    html = portal.get("/configuration").get_data(as_text=True)
    assert '<canvas role="img" aria-label="Code QR à scanner avec Google Authenticator"' in html
    rows = json.loads(re.search(r'data-modules="([^"]+)"', html).group(1).replace("&#34;", '"'))
    image = Image.new("L", (len(rows[0]), len(rows)), 255)
    image.putdata([0 if bit == "1" else 255 for row in rows for bit in row])
    png = io.BytesIO()
    image.resize((image.width * 6, image.height * 6), Image.NEAREST).save(png, "PNG")
    assert decode(png.getvalue()).startswith("otpauth://totp/")


@pytest.mark.parametrize(
    ("wording", "next_button", "save_button"),
    [
        (
            "seed",
            '<button type="submit">Suivant</button>',
            '<input type="submit" value="Enregistrer">',
        ),
        (
            "alt",
            '<input type="submit" value="Continuer">',
            '<button type="submit">Sauvegarder</button>',
        ),
    ],
)
def test_two_page_layout_asks_the_code_then_the_device_name(
    clock, wording, next_button, save_button
):
    portal = make(clock, LAYOUT="two-page", WORDING=wording)
    add_account(portal)
    portal.login(CIP, PASSWORD)
    html = portal.get("/configuration").get_data(as_text=True)
    assert next_button in html and 'id="device_name"' not in html
    code = code_for(portal.pending_secret(CIP), clock)
    response = portal.post("/configuration", {"code": code})
    assert response.location == "/configuration/appareil"
    html = portal.get("/configuration/appareil").get_data(as_text=True)
    assert save_button in html and 'placeholder="Ex : Mon iPhone"' in html
    assert portal.admin("GET", f"/accounts/{CIP}").get_json()["enrolled"] is False
    response = portal.post("/configuration/appareil", {"device_name": "Mon iPhone"})
    assert response.location == "/accueil"
    html = portal.get("/accueil").get_data(as_text=True)
    assert "Vous avez maintenant accès à votre eEspresso." in html and "eEspresso" in html


def test_svg_qr_is_segno_rendering_of_the_provisioning_uri(clock):
    portal = make(clock, QR="svg", WORDING="alt")
    add_account(portal)
    portal.login(CIP, PASSWORD)
    html = portal.get("/configuration").get_data(as_text=True)
    secret = portal.pending_secret(CIP)
    uri = pyotp.TOTP(secret).provisioning_uri(name=CIP, issuer_name=DEFAULT_ISSUER)
    expected = segno.make(uri, error="m", micro=False).svg_data_uri(scale=SCALE, border=BORDER)
    assert f'<img src="{expected}" alt="Code QR de configuration"' in html
    assert "Scanner un code QR" in html  # alt wording of steps 3-5


def test_inline_svg_qr_is_an_img_role_with_a_qr_name(clock):
    portal = make(clock, QR="inline-svg")
    add_account(portal)
    portal.login(CIP, PASSWORD)
    html = portal.get("/configuration").get_data(as_text=True)
    assert '<svg role="img" aria-label="Code QR à scanner avec Google Authenticator"' in html
    assert "<path" in html


def test_alt_wording_later_login_uses_valider_and_code_de_verification(clock):
    portal = make(clock, WORDING="alt")
    secret = add_account(portal, enrolled=True)["secret"]
    portal.login(CIP, PASSWORD)
    html = portal.get("/verification").get_data(as_text=True)
    assert '<label for="code">Code de vérification</label>' in html
    assert '<button type="submit">Valider</button>' in html
    portal.post("/verification", {"code": code_for(secret, clock)})
    html = portal.get("/accueil").get_data(as_text=True)
    assert "<h1>eEspresso – Libre-service RH</h1>" in html
    assert '<input type="submit" value="Déconnexion">' in html
