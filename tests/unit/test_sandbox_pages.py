"""The portal's French pages and flows (docs/portal.md "First access", "Later accesses")."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import unquote

import pyotp
import pytest
import segno
from PIL import Image

from sandbox.config import DEFAULT_ISSUER
from sandbox.qr import BORDER, SCALE
from tests.fixtures.sandbox_portal import (
    PASSWORD,
    FakeClock,
    PortalDriver,
    add_account,
    assert_contains,
    decode,
    events,
    portal_for,
    qr_png,
    setup_page,
    state,
)

CIP = "tremblay01"


def first_access(clock: FakeClock, **config) -> tuple[PortalDriver, str]:
    """A portal with one new account, logged in: the portal and its set-up page's HTML."""
    portal = portal_for(clock, **config)
    add_account(portal, CIP)
    return portal, setup_page(portal, CIP)


def enrolled(clock: FakeClock, **config) -> tuple[PortalDriver, str]:
    """A portal with one enrolled account, at its code page: the portal and the secret."""
    portal = portal_for(clock, **config)
    secret = add_account(portal, CIP, enrolled=True, device_name="Pixel")["secret"]
    assert portal.login(CIP, PASSWORD).location == "/verification"
    return portal, secret


def code_for(secret: str, clock: FakeClock) -> str:
    return pyotp.TOTP(secret).at(clock.now)


def test_login_page_is_french_with_labelled_fields_and_connexion(clock):
    assert_contains(
        portal_for(clock).get("/").get_data(as_text=True),
        '<html lang="fr">',
        '<label for="cip">Nom d&#39;utilisateur (CIP)</label>',
        '<label for="password">Mot de passe</label>',
        '<input id="password" name="password" type="password"',
        '<button type="submit">CONNEXION</button>',
        'name="csrf_token"',
    )


def test_alt_wording_login_page_uses_the_variants_and_an_input_button(clock):
    html = portal_for(clock, WORDING="alt").get("/").get_data(as_text=True)
    assert_contains(
        html,
        "Code d&#39;utilisateur (CIP)",
        "Mot de passe (14 à 20 caractères)",
        '<input type="submit" value="Se connecter">',
    )
    assert "CONNEXION" not in html


def test_first_access_one_page_shows_steps_qr_code_and_device_fields(clock):
    _, html = first_access(clock)
    assert_contains(
        html,
        "Scanner un code QR",
        "Google Authenticator",
        '<ol start="3">',
        'alt="Code QR à scanner avec Google Authenticator"',
        '<label for="code">Code sur votre appareil mobile</label>',
        '<label for="device_name">Nom pour votre appareil mobile</label>',
        'placeholder="Ex : Mon iPhone"',
        '<input type="submit" value="Enregistrer">',
    )


def test_png_qr_decodes_to_the_otpauth_uri_with_an_encoded_accented_issuer(clock):
    portal, html = first_access(clock)
    uri = decode(qr_png(html))
    secret = portal.pending_secret(CIP)
    assert uri.startswith("otpauth://totp/Acc%C3%A8s%20eEspresso%20%E2%80%93%20CIUSSS")
    assert f"secret={secret}" in uri
    assert unquote(uri.split("issuer=")[1]) == "Accès eEspresso – CIUSSS de l'Estrie"
    assert f":{CIP}?" in uri


def test_one_page_enrollment_lands_on_home_with_success_text_and_device(clock):
    portal, _ = first_access(clock)
    code = code_for(portal.pending_secret(CIP), clock)
    response = portal.post("/configuration", {"code": code, "device_name": "Mon iPhone"})
    assert response.status_code == 302 and response.location == "/accueil"
    assert_contains(
        portal.get("/accueil").get_data(as_text=True),
        "<h1>Bienvenue dans eEspresso</h1>",
        '<p role="status">Vous avez maintenant accès à votre eEspresso.</p>',
        "Mes appareils",
        "<li>Mon iPhone</li>",
        '<button type="submit">Se déconnecter</button>',
    )
    account = state(portal, CIP)
    assert account["enrolled"] and account["devices"] == ["Mon iPhone"]
    assert account["pending_secret"] is None
    assert events(portal, CIP) == ["enrolled", "login_ok"]


def test_later_login_asks_for_the_code_then_lands_on_home(clock):
    portal, secret = enrolled(clock)
    assert_contains(
        portal.get("/verification").get_data(as_text=True),
        "Code fourni par « Google Authenticator »",
        '<input type="submit" value="Confirmer">',
    )
    response = portal.post("/verification", {"code": code_for(secret, clock)})
    assert response.location == "/accueil"
    assert "<li>Pixel</li>" in portal.get("/accueil").get_data(as_text=True)


def test_logout_ends_the_server_session_even_for_a_replayed_cookie(clock):
    portal, secret = enrolled(clock)
    portal.post("/verification", {"code": code_for(secret, clock)})
    cookie = portal.client.get_cookie("eespresso_session").value
    assert portal.get("/accueil").status_code == 200
    response = portal.post("/deconnexion", {})
    assert response.status_code == 302
    assert portal.client.get_cookie("eespresso_session") is None
    portal.client.set_cookie("eespresso_session", cookie)
    assert portal.get("/accueil").status_code == 302  # back to the login page


def test_open_sessions_count_logins_until_logout_or_idle_expiry(clock):
    portal, secret = enrolled(clock)  # the password accepted: a session of the account
    assert state(portal, CIP)["open_sessions"] == 1
    portal.post("/verification", {"code": code_for(secret, clock)})
    assert state(portal, CIP)["open_sessions"] == 1  # the same session, now at home
    portal.post("/deconnexion", {})
    assert state(portal, CIP)["open_sessions"] == 0
    other = PortalDriver(portal.app)  # another browser, never logged out
    assert other.login(CIP, PASSWORD).location == "/verification"
    assert state(portal, CIP)["open_sessions"] == 1  # read without the other's cookie
    clock.advance(1800)
    assert state(portal, CIP)["open_sessions"] == 1
    clock.advance(1)  # past SESSION_IDLE_SECONDS without a request: expired
    assert state(portal, CIP)["open_sessions"] == 0


def test_session_cookie_is_httponly_samesite_lax_and_rotates_at_login(clock):
    portal = portal_for(clock)
    add_account(portal, CIP)
    first = portal.get("/").headers["Set-Cookie"]
    assert "HttpOnly" in first and "SameSite=Lax" in first and "Secure" not in first
    before = portal.client.get_cookie("eespresso_session").value
    portal.login(CIP, PASSWORD)
    assert portal.client.get_cookie("eespresso_session").value != before


def test_pages_out_of_order_redirect_on_get_and_refuse_posts(clock):
    portal = portal_for(clock)
    for path in ("/accueil", "/configuration", "/configuration/appareil", "/verification"):
        assert portal.get(path).status_code == 302
    response = portal.post("/verification", {"code": "123456"})
    assert response.status_code == 403
    assert "Session expirée" in response.get_data(as_text=True)


def test_canvas_modules_rebuild_a_qr_that_decodes(clock):
    _, html = first_access(clock, QR="canvas")
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
    portal, html = first_access(clock, LAYOUT="two-page", WORDING=wording)
    assert next_button in html and 'id="device_name"' not in html
    code = code_for(portal.pending_secret(CIP), clock)
    response = portal.post("/configuration", {"code": code})
    assert response.location == "/configuration/appareil"
    html = portal.get("/configuration/appareil").get_data(as_text=True)
    assert save_button in html and 'placeholder="Ex : Mon iPhone"' in html
    assert state(portal, CIP)["enrolled"] is False
    response = portal.post("/configuration/appareil", {"device_name": "Mon iPhone"})
    assert response.location == "/accueil"
    html = portal.get("/accueil").get_data(as_text=True)
    assert "Vous avez maintenant accès à votre eEspresso." in html and "eEspresso" in html


def test_svg_qr_is_segno_rendering_of_the_provisioning_uri(clock):
    portal, html = first_access(clock, QR="svg", WORDING="alt")
    secret = portal.pending_secret(CIP)
    uri = pyotp.TOTP(secret).provisioning_uri(name=CIP, issuer_name=DEFAULT_ISSUER)
    expected = segno.make(uri, error="m", micro=False).svg_data_uri(scale=SCALE, border=BORDER)
    assert f'<img src="{expected}" alt="Code QR de configuration"' in html
    assert "Scanner un code QR" in html  # alt wording of steps 3-5


def test_inline_svg_qr_is_an_img_role_with_a_qr_name(clock):
    _, html = first_access(clock, QR="inline-svg")
    assert '<svg role="img" aria-label="Code QR à scanner avec Google Authenticator"' in html
    assert "<path" in html


def test_alt_wording_later_login_uses_valider_and_code_de_verification(clock):
    portal, secret = enrolled(clock, WORDING="alt")
    assert_contains(
        portal.get("/verification").get_data(as_text=True),
        '<label for="code">Code de vérification</label>',
        '<button type="submit">Valider</button>',
    )
    portal.post("/verification", {"code": code_for(secret, clock)})
    assert_contains(
        portal.get("/accueil").get_data(as_text=True),
        "<h1>eEspresso – Libre-service RH</h1>",
        '<input type="submit" value="Déconnexion">',
    )
