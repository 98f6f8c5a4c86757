"""The sandbox's accessibility markup: the key as text, and the "faulty" variant's defects.

The browser checks (tests/e2e/test_accessibility.py) judge the pages as rendered; these pin
down the markup each variant serves, so a change of template is caught without a browser.
"""

from __future__ import annotations

import re

import pytest

from tests.fixtures.sandbox_portal import (
    PASSWORD,
    add_account,
    decode,
    portal_for,
    qr_png,
    setup_page,
)

CIP = "gagnon02"
GROUPED_KEY = re.compile(r"<code>((?:[A-Z2-7]{4} )*[A-Z2-7]{1,4})</code>")


@pytest.mark.parametrize("wording", ["seed", "alt"])
def test_the_setup_page_writes_the_qr_key_as_text_in_groups_of_four(clock, wording):
    portal = portal_for(clock, WORDING=wording)
    add_account(portal, CIP)
    html = setup_page(portal, CIP)
    shown = GROUPED_KEY.search(html)
    assert shown, "no key as text on the set-up page"
    assert f"secret={shown.group(1).replace(' ', '')}&" in decode(qr_png(html))
    introduction = re.search(r'<p id="key-help">([^<]*)</p>\s*<p><code>', html)
    assert introduction and "clé" in introduction.group(1)


def test_the_accessible_variant_labels_fields_allows_paste_and_announces_errors(clock):
    portal = portal_for(clock)
    add_account(portal, CIP)
    refused = portal.login(CIP, "Pas-le-bon-mot-2024").get_data(as_text=True)
    assert '<p role="alert" id="form-error">' in refused and 'type="checkbox"' not in refused
    setup = setup_page(portal, CIP)
    assert "onpaste" not in setup and 'autocomplete="one-time-code"' in setup


def test_the_faulty_variant_has_its_three_known_defects(clock):
    portal = portal_for(clock, A11Y="faulty")
    add_account(portal, CIP)
    refused = portal.login(CIP, "Pas-le-bon-mot-2024").get_data(as_text=True)
    assert 'role="alert"' not in refused and '<p class="error" id="form-error">' in refused
    box = re.search(r"<p><input type=\"checkbox\" name=\"remember\"[^>]*>.*?</p>", refused, re.S)
    assert box and "id=" not in box.group(0) and "<label" not in box.group(0)  # no name at all
    setup = setup_page(portal, CIP)
    assert 'onpaste="return false"' in setup
    response = portal.post("/configuration", {"code": "000000", "device_name": "Mon iPhone"})
    assert response.status_code == 401
    assert 'role="alert"' not in response.get_data(as_text=True)


def test_the_faulty_variant_is_a_variant_of_one_account_too(clock):
    portal = portal_for(clock)
    add_account(portal, CIP, a11y="faulty", enrolled=True)
    assert portal.login(CIP, PASSWORD).location == "/verification"
    html = portal.get("/verification").get_data(as_text=True)
    assert 'onpaste="return false"' in html
    response = portal.admin("PATCH", f"/accounts/{CIP}", {"a11y": "accessible"})
    assert response.get_json()["a11y"] == "accessible"
    assert "onpaste" not in portal.get("/verification").get_data(as_text=True)
    bad = portal.admin("PATCH", f"/accounts/{CIP}", {"a11y": "broken"})
    assert bad.status_code == 400
    assert "a11y must be one of accessible, faulty" in bad.get_json()["error"]
