"""The portal's rules (docs/portal.md "Behaviour"): TOTP window and replay, lockout, expiry."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from tests.fixtures.sandbox_portal import (
    PASSWORD,
    FakeClock,
    PortalDriver,
    add_account,
    alert,
    decode,
    events,
    portal_for,
    qr_png,
    setup_page,
    state,
)

CIP = "cote04"
SEED_BAD_CODE = "Code invalide. Vérifiez que votre appareil mobile est à la bonne heure"
SUPPORT = ("Poste 13232", "819-829-3232", "1-833-829-3232", "soutienprojetagilit.ciussse-chus@")


def enrolled_portal(clock: FakeClock, **config) -> tuple[PortalDriver, pyotp.TOTP]:
    portal = portal_for(clock, **config)
    secret = add_account(portal, CIP, enrolled=True)["secret"]
    return portal, pyotp.TOTP(secret)


def new_account_portal(clock: FakeClock, **config) -> PortalDriver:
    portal = portal_for(clock, **config)
    add_account(portal, CIP)
    return portal


def at_code_page(portal: PortalDriver) -> None:
    assert portal.login(CIP, PASSWORD).location == "/verification"


@pytest.mark.parametrize(
    ("steps", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_codes_are_accepted_within_one_step_each_way_only(clock, steps, accepted):
    portal, totp = enrolled_portal(clock)
    at_code_page(portal)
    code = totp.at(clock.now + steps * 30)
    response = portal.post("/verification", {"code": code})
    if accepted:
        assert response.location == "/accueil"
        assert state(portal, CIP)["last_accepted_step"] == int(clock.now // 30) + steps
    else:
        assert response.status_code == 401
        assert SEED_BAD_CODE in response.get_data(as_text=True)
        assert events(portal, CIP) == ["code_rejected"]


def test_a_code_is_accepted_once_and_a_replay_gets_the_same_generic_message(clock):
    portal, totp = enrolled_portal(clock)
    code = totp.at(clock.now)
    at_code_page(portal)
    assert portal.post("/verification", {"code": code}).location == "/accueil"
    portal.post("/deconnexion", {})
    at_code_page(portal)
    replay = portal.post("/verification", {"code": code})
    at_code_page(portal)
    wrong = portal.post("/verification", {"code": "000000" if code != "000000" else "111111"})
    assert replay.status_code == wrong.status_code == 401
    assert alert(replay) == alert(wrong)
    assert events(portal, CIP) == ["login_ok", "code_replayed", "code_rejected"]


def test_an_older_step_after_a_newer_one_is_a_replay(clock):
    portal, totp = enrolled_portal(clock)
    at_code_page(portal)
    assert portal.post("/verification", {"code": totp.at(clock.now + 30)}).location == "/accueil"
    portal.post("/deconnexion", {})
    at_code_page(portal)
    assert portal.post("/verification", {"code": totp.at(clock.now)}).status_code == 401
    assert events(portal, CIP)[-1] == "code_replayed"


def test_the_enrollment_code_step_cannot_be_reused_at_the_next_login(clock):
    portal = new_account_portal(clock)
    setup_page(portal, CIP)
    code = pyotp.TOTP(portal.pending_secret(CIP)).at(clock.now)
    portal.post("/configuration", {"code": code, "device_name": "Mon iPhone"})
    portal.post("/deconnexion", {})
    at_code_page(portal)
    assert portal.post("/verification", {"code": code}).status_code == 401
    assert events(portal, CIP) == ["enrolled", "login_ok", "code_replayed"]


def lockout_text(response) -> str:
    assert response.status_code == 423
    html = response.get_data(as_text=True)
    assert "Compte verrouillé" in html and 'role="alert"' in html
    for item in SUPPORT:
        assert item in html
    return html


def test_five_wrong_passwords_lock_the_account_with_the_support_numbers(clock):
    portal, _ = enrolled_portal(clock)
    for _ in range(4):
        assert portal.login(CIP, "Mauvais-motdepasse").status_code == 401
    lockout_text(portal.login(CIP, "Mauvais-motdepasse"))
    assert state(portal, CIP)["locked"] and state(portal, CIP)["consecutive_failures"] == 5
    assert events(portal, CIP) == ["password_rejected"] * 5 + ["locked"]
    lockout_text(portal.login(CIP, PASSWORD))  # even the right password while locked


def test_lockout_expires_after_the_configured_time_and_resets_the_counter(clock):
    portal, totp = enrolled_portal(clock, LOCKOUT_SECONDS=900)
    for _ in range(5):
        portal.login(CIP, "Mauvais-motdepasse")
    assert state(portal, CIP)["locked_until"] is not None
    clock.advance(899)
    lockout_text(portal.login(CIP, PASSWORD))
    clock.advance(1)
    assert portal.login(CIP, PASSWORD).location == "/verification"
    assert state(portal, CIP)["locked"] is False and state(portal, CIP)["consecutive_failures"] == 0


def test_password_and_code_failures_add_up_to_the_lockout(clock):
    portal, _ = enrolled_portal(clock, LOCKOUT_THRESHOLD=5)
    portal.login(CIP, "Mauvais-motdepasse")
    portal.login(CIP, "Mauvais-motdepasse")
    at_code_page(portal)
    portal.post("/verification", {"code": "12345x"})
    portal.post("/verification", {"code": "000001"})
    lockout_text(portal.post("/verification", {"code": "000002"}))
    assert events(portal, CIP)[-1] == "locked"
    assert portal.get("/verification").status_code == 302  # the session ended with the lockout


def test_a_successful_login_resets_the_failure_counter(clock):
    portal, totp = enrolled_portal(clock)
    for _ in range(4):
        portal.login(CIP, "Mauvais-motdepasse")
    at_code_page(portal)
    portal.post("/verification", {"code": totp.at(clock.now)})
    assert state(portal, CIP)["consecutive_failures"] == 0


def test_a_correct_password_alone_does_not_reset_the_counter(clock):
    portal, _ = enrolled_portal(clock)
    for _ in range(4):
        portal.login(CIP, "Mauvais-motdepasse")
    at_code_page(portal)
    assert state(portal, CIP)["consecutive_failures"] == 4


@pytest.mark.parametrize("password", ["court-13-cara", "beaucoup-trop-long-21c"])
def test_passwords_outside_14_to_20_characters_get_a_clear_message(clock, password):
    portal, _ = enrolled_portal(clock)
    response = portal.login(CIP, password)
    assert response.status_code == 400
    assert "Le mot de passe doit contenir de 14 à 20 caractères." in alert(response)
    assert state(portal, CIP)["consecutive_failures"] == 1


def test_an_expired_enrollment_is_refused_and_the_next_login_shows_a_new_secret(clock):
    portal = new_account_portal(clock, ENROLLMENT_TTL=600)
    setup_page(portal, CIP)
    first = portal.pending_secret(CIP)
    clock.advance(600)
    response = portal.post("/configuration", {"code": pyotp.TOTP(first).now(), "device_name": "A"})
    assert response.status_code == 410
    assert "La configuration a expiré" in alert(response)
    setup_page(portal, CIP)
    second = portal.pending_secret(CIP)
    assert second != first
    assert "enrollment_expired" in events(portal, CIP)


def test_within_the_ttl_a_new_login_shows_the_same_secret(clock):
    portal = new_account_portal(clock, ENROLLMENT_TTL=600)
    setup_page(portal, CIP)
    first = portal.pending_secret(CIP)
    clock.advance(599)
    setup_page(portal, CIP)
    assert portal.pending_secret(CIP) == first


@pytest.mark.parametrize(
    ("algorithm", "digits", "period", "digest"),
    [("SHA256", 8, 60, "sha256"), ("SHA512", 6, 30, "sha512"), ("SHA1", 8, 60, "sha1")],
)
def test_otp_parameter_variants_appear_in_the_uri_and_are_enforced(
    clock, algorithm, digits, period, digest
):
    portal = new_account_portal(clock, ALGORITHM=algorithm, DIGITS=digits, PERIOD=period)
    uri = decode(qr_png(setup_page(portal, CIP)))
    params = parse_qs(urlsplit(uri).query)
    assert params.get("algorithm", ["SHA1"]) == [algorithm]
    assert params.get("digits", ["6"]) == [str(digits)]
    assert params.get("period", ["30"]) == [str(period)]
    secret = params["secret"][0]
    assert secret == portal.pending_secret(CIP)
    totp = pyotp.TOTP(secret, digits=digits, digest=getattr(hashlib, digest), interval=period)
    default = pyotp.TOTP(secret).at(clock.now)
    wrong = portal.post("/configuration", {"code": default, "device_name": "A"})
    assert wrong.status_code == 401
    ok = portal.post("/configuration", {"code": totp.at(clock.now), "device_name": "A"})
    assert ok.location == "/accueil"
    assert state(portal, CIP)["last_accepted_step"] == int(clock.now // period)


def test_two_page_enrollment_cannot_finish_with_a_secret_issued_after_the_code(clock):
    portal = new_account_portal(clock, LAYOUT="two-page")
    setup_page(portal, CIP)
    code = pyotp.TOTP(portal.pending_secret(CIP)).at(clock.now)
    assert portal.post("/configuration", {"code": code}).location == "/configuration/appareil"
    clock.advance(600)
    other = PortalDriver(portal.app)  # another tab logs in after the TTL: a new secret
    other.login(CIP, PASSWORD)
    response = portal.post("/configuration/appareil", {"device_name": "Mon iPhone"})
    assert response.status_code == 410 and "La configuration a expiré" in alert(response)
    assert state(portal, CIP)["enrolled"] is False
