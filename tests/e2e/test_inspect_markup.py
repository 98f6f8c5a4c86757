"""What inspection reads from markup: fields without a name, labels pointing elsewhere, hidden
inputs, and the profile lines it suggests (``pages.inventory``, ``pages.inspection``).

The page is Keycloak 26's OTP set-up form as its theme keycloak.v2 writes it
(login-config-totp.ftl): both labels have ``for="form-vertical-name"``, so the code and
device-name fields have no accessible name; the secret is in a hidden input and, for people
who cannot scan, as grouped text. Served to the browser with ``set_content``: no portal is
needed to read markup.
"""

from __future__ import annotations

import allure
import pytest

from pages import inventory
from pages.base import page_outline
from pages.elements import bind, locate
from pages.inspection import record
from pages.inspection_files import candidates_toml, markdown
from pages.profile import builtin, default, parse

pytestmark = [allure.feature("Inspection")]

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
GROUPED = " ".join(SECRET[i : i + 4] for i in range(0, len(SECRET), 4))
# A 1×1 PNG: the QR's pixels do not matter to what inspection reads.
PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9a"
    "wAAAABJRU5ErkJggg=="
)
SETUP = f"""<!doctype html><html lang="fr"><head><title>Se connecter à eEspresso</title></head>
<body><header id="kc-header"><div>eEspresso</div></header><main>
<h1 id="kc-page-title">Configuration de l'authentification par mobile</h1>
<ol id="kc-totp-settings"><li><p>Ouvrez l'application et scannez le code-barres.</p>
<img id="kc-totp-secret-qr-code" width="120" height="120"
     src="data:image/png;base64, {PIXEL}" alt="Figure: Barcode">
<p><span id="kc-totp-secret-key">{GROUPED}</span></p>
<p><a href="#manual" id="mode-manual">Impossible de scanner?</a></p></li></ol>
<form id="kc-totp-settings-form" method="post" action="#">
 <div class="pf-v5-c-form__group">
  <div class="pf-v5-c-form__group-label"><label for="form-vertical-name">
   <span>Code à usage unique</span>&nbsp;<span aria-hidden="true">&#42;</span></label></div>
  <div class="pf-v5-c-form-control"><input type="text" required id="totp" name="totp"
   autocomplete="off" value="123456"></div>
  <input type="hidden" id="totpSecret" name="totpSecret" value="{SECRET}">
 </div>
 <div class="pf-v5-c-form__group">
  <div class="pf-v5-c-form__group-label"><label for="form-vertical-name">
   <span>Nom d'appareil</span></label></div>
  <div class="pf-v5-c-form-control"><input type="text" id="userLabel" name="userLabel"
   autocomplete="off"></div>
 </div>
 <div class="pf-v5-c-check"><input type="checkbox" id="logout-sessions" name="logout-sessions"
  value="on" checked><label for="logout-sessions">Se déconnecter des autres appareils</label></div>
 <input type="submit" id="saveTOTPBtn" value="Soumettre">
</form></main></body></html>"""


@pytest.fixture
def setup_page(page):
    page.set_content(SETUP)
    return page


def test_fields_without_a_name_are_listed_by_their_attributes_and_the_label_near_them(
    setup_page,
):
    found = {c.attributes.get("id"): c for c in inventory.controls(setup_page)}
    assert "totpSecret" not in found  # a hidden input is no field, and its value never read
    code, device = found["totp"], found["userLabel"]
    assert (code.role, code.name, code.label) == ("textbox", "", "Code à usage unique")
    assert code.attributes == {"id": "totp", "name": "totp", "type": "text", "autocomplete": "off"}
    assert (device.name, device.label) == ("", "Nom d'appareil")
    assert code.profile_line() == 'attributes = { id = "totp" }'
    image = found["kc-totp-secret-qr-code"]
    assert (image.role, image.name) == ("img", "Figure: Barcode")
    assert found["saveTOTPBtn"].role == "button" and found["saveTOTPBtn"].name == "Soumettre"
    assert found["logout-sessions"].name == "Se déconnecter des autres appareils"
    outline = page_outline(setup_page)
    assert 'unnamed fields input#totp (name "totp"' in outline
    assert "label « Nom d'appareil »" in outline and "123456" not in outline


def test_inspection_suggests_attribute_lines_that_make_a_working_profile(setup_page):
    shot = record(setup_page)
    assert shot.markup is not None
    assert shot.markup["code"][0] == 'attributes = { id = "totp" }'
    assert shot.markup["device_name"][0] == 'attributes = { id = "userLabel" }'
    assert shot.looks_like == (("Keycloak", "keycloak"),)
    text = markdown(shot, "Set-up", "x.png")
    assert "looks like Keycloak: try --profile keycloak" in text
    assert "| textbox |  | totp | totp | text | off |  | Code à usage unique |" in text
    for secret in (SECRET, GROUPED, "123456", "JBSW Y3DP"):
        assert secret not in text, secret
    # The suggestions, pasted into a profile, find the fields and the image.
    toml = 'name = "Collé depuis inspect"\n' + candidates_toml(shot)
    pasted = parse(toml, "pasted.toml", default())
    bind(setup_page, pasted)
    for key in ("code", "device_name", "qr"):
        assert locate(setup_page, key).count() == 1, key
    assert locate(setup_page, "code").get_attribute("id") == "totp"


def test_the_keycloak_profile_finds_every_element_of_the_set_up_page(setup_page):
    bind(setup_page, builtin("keycloak"))
    expected = {"qr": "kc-totp-secret-qr-code", "code": "totp", "device_name": "userLabel",
                "save_button": "saveTOTPBtn"}  # fmt: skip
    for key, element_id in expected.items():
        assert locate(setup_page, key).count() == 1, key
        assert locate(setup_page, key).get_attribute("id") == element_id
    assert record(setup_page).looks_like == ()  # already the profile it would suggest
