"""The admin API under /_sandbox/ and fault injection."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pyotp
import pytest

from sandbox import ConfigError, create_app
from sandbox.core import Sandbox
from tests.fixtures.sandbox_portal import (
    PASSWORD,
    FakeClock,
    PortalDriver,
    portal_for,
)

CIP = "pelletier05"


@pytest.fixture
def portal(clock: FakeClock) -> PortalDriver:
    return portal_for(clock)


def create(portal: PortalDriver, **fields):
    return portal.admin("POST", "/accounts", {"cip": CIP, "password": PASSWORD, **fields})


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", "Basic abc", "Bearer "])
def test_admin_api_requires_the_bearer_token(portal, header):
    headers = {"Authorization": header} if header else {}
    response = portal.client.get("/_sandbox/accounts", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.get_json()["error"]


def test_create_and_read_an_account_state(portal):
    created = create(portal)
    assert created.status_code == 201
    state = portal.admin("GET", f"/accounts/{CIP}").get_json()
    assert state == {
        "cip": CIP,
        "enrolled": False,
        "devices": [],
        "locked": False,
        "locked_until": None,
        "consecutive_failures": 0,
        "last_accepted_step": None,
        "pending_secret": None,
        "qr": "png",
        "layout": "one-page",
        "wording": "seed",
        "algorithm": "SHA1",
        "digits": 6,
        "period": 30,
        "a11y": "accessible",
        "success": "home",
        "notices": "none",
        "expiry_days": 5,
        "open_sessions": 0,
    }
    assert "password" not in created.get_json() and "secret" not in created.get_json()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "trop-court"}, "14 to 20"),
        ({"qr": "gif"}, "qr must be one of"),
        ({"digits": 7}, "digits must be one of"),
        ({"notices": "pop-up"}, "notices must be one of"),
        ({"expiry_days": 0}, "expiry_days must be a whole number from 1 to 90"),
        ({"expiry_days": True}, "expiry_days must be"),
        ({"color": "red"}, "unknown field"),
        ({"enrolled": True, "secret": "not base32!"}, "base32"),
        ({"cip": " spaced "}, "cip must be"),
    ],
)
def test_create_account_refuses_bad_fields_with_one_line(portal, fields, message):
    response = create(portal, **fields)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_duplicate_account_is_409_and_unknown_is_404(portal):
    create(portal)
    assert create(portal).status_code == 409
    missing = portal.admin("GET", "/accounts/nobody")
    assert missing.status_code == 404 and "nobody" in missing.get_json()["error"]


def test_body_must_be_a_json_object(portal):
    response = portal.admin("POST", "/accounts", ["not", "an", "object"])
    assert response.status_code == 400 and "JSON object" in response.get_json()["error"]


DEEP = 20_000  # far beyond the JSON parser's recursion, well under the 64 KiB body limit


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/accounts", "[" * DEEP + "]" * DEEP),
        ("PUT", "/faults", '{"latency": ' + "[" * DEEP + "]" * DEEP + "}"),
        ("PATCH", f"/accounts/{CIP}", '{"a":' * (DEEP // 2) + "1" + "}" * (DEEP // 2)),
        ("POST", "/accounts", '{"cip": ' + '{"x": ' * 500 + "1" + "}" * 501),
        ("PUT", "/faults", '{"error_500": ' + "[" * 500 + "]" * 501),
    ],
)
def test_deeply_nested_json_is_a_400(portal, method, path, body):
    create(portal)
    headers = {"Authorization": f"Bearer {portal.app.config['ADMIN_TOKEN']}"}
    response = portal.client.open(f"/_sandbox{path}", method=method, data=body, headers=headers,
                                  content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_enrolled_account_with_a_given_secret_logs_in_with_its_codes(portal, clock):
    secret = pyotp.random_base32()
    created = create(portal, enrolled=True, secret=secret, device_name="Galaxy").get_json()
    assert created["secret"] == secret and created["devices"] == ["Galaxy"]
    portal.login(CIP, PASSWORD)
    response = portal.post("/verification", {"code": pyotp.TOTP(secret).at(clock.now)})
    assert response.location == "/accueil"


def test_update_account_changes_the_variants_of_its_pages(portal):
    create(portal)
    updated = portal.admin("PATCH", f"/accounts/{CIP}", {"qr": "inline-svg", "wording": "alt"})
    assert updated.get_json()["qr"] == "inline-svg"
    portal.login(CIP, PASSWORD)
    html = portal.get("/configuration").get_data(as_text=True)
    assert '<svg role="img" aria-label="Code QR de configuration"' in html
    assert "Code de vérification" in html and '<button type="submit">Sauvegarder</button>' in html
    refused = portal.admin("PATCH", f"/accounts/{CIP}", {"password": "x" * 16})
    assert refused.status_code == 400


def test_reset_enrollment_brings_back_the_set_up_page(portal):
    create(portal, enrolled=True)
    reset = portal.admin("POST", f"/accounts/{CIP}/reset-enrollment").get_json()
    assert reset["enrolled"] is False and reset["devices"] == []
    assert reset["last_accepted_step"] is None
    assert portal.login(CIP, PASSWORD).location == "/configuration"


def test_unlock_and_delete(portal):
    create(portal)
    for _ in range(5):
        portal.login(CIP, "Mauvais-motdepasse")
    assert portal.admin("GET", f"/accounts/{CIP}").get_json()["locked"] is True
    unlocked = portal.admin("POST", f"/accounts/{CIP}/unlock").get_json()
    assert unlocked["locked"] is False and unlocked["consecutive_failures"] == 0
    assert portal.admin("DELETE", f"/accounts/{CIP}").status_code == 200
    assert portal.admin("GET", f"/accounts/{CIP}").status_code == 404


def test_audit_is_filtered_by_cip_and_timestamped(portal):
    create(portal)
    portal.admin("POST", "/accounts", {"cip": "autre06", "password": PASSWORD})
    portal.login(CIP, "Mauvais-motdepasse")
    portal.login("autre06", "Mauvais-motdepasse")
    mine = portal.admin("GET", f"/audit?cip={CIP}").get_json()
    assert [(e["cip"], e["event"]) for e in mine] == [(CIP, "password_rejected")]
    assert mine[0]["at"].startswith("2027-01-15T")
    assert len(portal.admin("GET", "/audit").get_json()) == 2


def test_latency_applies_to_the_longest_matching_prefix(portal, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(Sandbox, "pause", lambda self, seconds: slept.append(seconds))
    faults = {"latency": {"/": 0.1, "/connexion": 2.5}}
    assert portal.admin("PUT", "/faults", faults).status_code == 200
    portal.get("/connexion")
    portal.get("/")
    portal.admin("GET", "/faults")  # the admin API is never delayed
    assert slept == [2.5, 0.1]


def test_forced_500_per_prefix_is_a_french_page_and_spares_other_paths(portal):
    portal.admin("PUT", "/faults", {"error_500": ["/verification"]})
    create(portal, enrolled=True)
    portal.login(CIP, PASSWORD)
    response = portal.get("/verification")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Erreur du serveur" in html and "Poste 13232" in html and "Traceback" not in html
    assert portal.get("/").status_code == 200


def test_outage_answers_503_everywhere_but_the_admin_api(portal):
    faults = portal.admin("PUT", "/faults", {"outage": True}).get_json()
    assert faults["outage"] is True
    for path in ("/", "/connexion", "/accueil", "/nope"):
        response = portal.get(path)
        assert response.status_code == 503 and response.headers["Retry-After"] == "60"
        assert "temporairement indisponible" in response.get_data(as_text=True)
    assert portal.admin("GET", "/faults").status_code == 200
    cleared = portal.admin("DELETE", "/faults").get_json()
    assert cleared == {
        "latency": {},
        "error_500": [],
        "outage": False,
        "clock_offset": 0.0,
        "broken_pages": [],
    }
    assert portal.get("/").status_code == 200


def test_clock_offset_moves_totp_validation_and_the_date_header(portal, clock):
    secret = create(portal, enrolled=True).get_json()["secret"]
    portal.admin("PUT", "/faults", {"clock_offset": 120})
    served = parsedate_to_datetime(portal.get("/").headers["Date"]).timestamp()
    assert served == int(clock.now + 120)
    totp = pyotp.TOTP(secret)
    portal.login(CIP, PASSWORD)
    assert portal.post("/verification", {"code": totp.at(clock.now)}).status_code == 401
    assert portal.post("/verification", {"code": totp.at(clock.now + 120)}).location == "/accueil"


def test_set_faults_merges_and_validates(portal):
    portal.admin("PUT", "/faults", {"outage": True})
    merged = portal.admin("PUT", "/faults", {"clock_offset": -30}).get_json()
    assert merged["outage"] is True and merged["clock_offset"] == -30
    for bad in (
        {"latency": {"connexion": 1}},
        {"latency": {"/": -1}},
        {"latency": {"/": 1000}},
        {"error_500": "/"},
        {"outage": "yes"},
        {"clock_offset": "soon"},
        {"earthquake": True},
    ):
        response = portal.admin("PUT", "/faults", bad)
        assert response.status_code == 400, bad
    assert portal.admin("GET", "/faults").get_json()["clock_offset"] == -30


@pytest.mark.parametrize(
    "config",
    [{"QR": "gif"}, {"LAYOUT": "three-page"}, {"DIGITS": 7}, {"ENROLLMENT_TTL": 0}, {"ISSUER": ""}],
)
def test_create_app_refuses_a_bad_config_naming_the_key(config):
    key = next(iter(config)).lower()
    with pytest.raises(ConfigError, match=f"(?i){key}"):
        create_app(config)


def test_a_reset_or_deleted_account_ends_the_flow_it_was_in(portal, clock):
    secret = create(portal, enrolled=True).get_json()["secret"]
    portal.login(CIP, PASSWORD)
    portal.admin("POST", f"/accounts/{CIP}/reset-enrollment")
    response = portal.post("/verification", {"code": pyotp.TOTP(secret).at(clock.now)})
    assert response.status_code == 403
    assert portal.login(CIP, PASSWORD).location == "/configuration"
    portal.admin("DELETE", f"/accounts/{CIP}")
    assert portal.get("/configuration").status_code == 302


def test_application_pages_after_login_and_the_fault_that_breaks_one(portal, clock):
    secret = create(portal, enrolled=True).get_json()["secret"]
    assert portal.get("/talons-de-paie").location == "/connexion"  # not logged in
    portal.login(CIP, PASSWORD)
    assert portal.post("/verification", {"code": pyotp.TOTP(secret).at(clock.now)}).location
    home = portal.get("/accueil").get_data(as_text=True)
    assert "Mes talons de paie" in home and "Mon dossier" in home
    stubs = portal.get("/talons-de-paie")
    assert stubs.status_code == 200 and "<h1>Mes talons de paie</h1>" in stubs.get_data(True)
    faults = portal.admin("PUT", "/faults", {"broken_pages": ["/talons-de-paie"]}).get_json()
    assert faults["broken_pages"] == ["/talons-de-paie"]
    broken = portal.get("/talons-de-paie").get_data(as_text=True)
    assert "Service temporairement indisponible" in broken and "Paie du" not in broken
    assert "<h1>Mon dossier</h1>" in portal.get("/dossier").get_data(as_text=True)
    bad = portal.admin("PUT", "/faults", {"broken_pages": "/dossier"})
    assert bad.status_code == 400 and "broken_pages" in bad.get_json()["error"]
