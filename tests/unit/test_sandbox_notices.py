"""The sandbox's pages between the steps: notices per account, and the confirmation page.

Driven through Flask's test client: the order of the pages, the audit of every answer, and
the dead end behind an answer that starts a change.
"""

from __future__ import annotations

import pyotp
import pytest

from sandbox.config import ConfigError, check_variant
from tests.fixtures.sandbox_portal import (
    PASSWORD,
    add_account,
    assert_contains,
    events,
    portal_for,
)

CIP = "avis01"


def code(secret: str, clock) -> str:
    return pyotp.TOTP(secret).at(clock.now)


def answer(portal, value: str):
    return portal.post("/avis", {"answer": value})


def test_an_expiry_notice_comes_between_the_password_and_the_code(clock):
    portal = portal_for(clock)
    add_account(portal, CIP, enrolled=True, notices="expiry", expiry_days=12)
    assert portal.login(CIP, PASSWORD).location == "/avis"
    assert_contains(
        portal.get("/avis").get_data(as_text=True),
        "<h1>Votre mot de passe expire bientôt</h1>",
        "Votre mot de passe expirera dans 12 jours.",
        '<button type="submit" name="answer" value="change">Changer mon mot de passe</button>',
        '<button type="submit" name="answer" value="later">Plus tard</button>',
    )
    assert portal.get("/verification").location == "/connexion"  # not before the notice is answered
    assert answer(portal, "later").location == "/verification"
    assert events(portal, CIP) == ["notice_expiry_later"]


def test_notices_after_the_code_come_in_order_then_the_home_page(clock):
    portal = portal_for(clock)
    secret = add_account(portal, CIP, enrolled=True, notices="all")["secret"]
    assert portal.login(CIP, PASSWORD).location == "/avis"
    assert answer(portal, "later").location == "/verification"
    verified = portal.post("/verification", {"code": code(secret, clock)})
    assert verified.location == "/avis"
    assert "Avis important" in portal.get("/avis").get_data(as_text=True)
    assert answer(portal, "ok").location == "/avis"
    assert "Se souvenir de cet ordinateur" in portal.get("/avis").get_data(as_text=True)
    assert answer(portal, "no").location == "/accueil"
    assert portal.get("/accueil").status_code == 200
    assert events(portal, CIP) == [
        "notice_expiry_later", "login_ok", "notice_acknowledge_ok", "notice_remember-device_no"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("notice", "change"),
    [("expiry", "change"), ("acknowledge", "preferences"), ("remember-device", "yes")],
)
def test_an_answer_that_starts_a_change_ends_on_a_page_no_journey_knows(clock, notice, change):
    portal = portal_for(clock)
    secret = add_account(portal, CIP, enrolled=True, notices=notice)["secret"]
    after = portal.login(CIP, PASSWORD)
    if after.location != "/avis":
        after = portal.post("/verification", {"code": code(secret, clock)})
    assert after.location == "/avis"
    ended = answer(portal, change)
    assert ended.status_code == 200 and "Modification demandée" in ended.get_data(as_text=True)
    assert portal.get("/accueil").location == "/connexion"  # the session ended
    assert f"notice_{notice}_{change}" in events(portal, CIP)


def test_an_unknown_answer_shows_the_notice_again(clock):
    portal = portal_for(clock)
    add_account(portal, CIP, enrolled=True, notices="expiry")
    portal.login(CIP, PASSWORD)
    refused = answer(portal, "whatever")
    assert refused.status_code == 400 and "Plus tard" in refused.get_data(as_text=True)
    assert events(portal, CIP) == []


def test_the_notice_page_out_of_turn_goes_back_to_login(clock):
    portal = portal_for(clock)
    assert portal.get("/avis").location == "/connexion"
    assert answer(portal, "later").status_code == 403


@pytest.mark.parametrize(("success", "link"), [("page", True), ("page-only", False)])
def test_first_access_ends_on_a_confirmation_page_with_or_without_a_link(clock, success, link):
    portal = portal_for(clock)
    add_account(portal, CIP, success=success)
    portal.login(CIP, PASSWORD)
    secret = portal.pending_secret(CIP)
    saved = portal.post("/configuration", {"code": code(secret, clock), "device_name": "Tablette"})
    assert saved.location == "/configuration/terminee"
    html = portal.get("/configuration/terminee").get_data(as_text=True)
    assert_contains(html, "<h1>Configuration terminée</h1>", "maintenant accès à votre eEspresso")
    assert ('<a href="/accueil">Accéder à eEspresso</a>' in html) is link
    home = portal.get("/accueil").get_data(as_text=True)
    assert "maintenant accès" not in home  # the text had its own page


def test_expiry_days_are_a_bounded_whole_number():
    assert check_variant("expiry_days", "30") == 30
    for wrong in (0, 91, 2.5, "soon", True):
        with pytest.raises(ConfigError, match="from 1 to 90"):
            check_variant("expiry_days", wrong)


def test_notice_words_show_any_text_escaped_in_the_page_and_can_be_restored(clock):
    portal = portal_for(clock)
    add_account(portal, CIP, enrolled=True, notices="expiry")
    words = {"heading": "\x1b[2J<script>x</script>", "text": "Texte : « 1 »", "button": "Suite"}
    path = f"/accounts/{CIP}/notice-words"
    assert portal.admin("PUT", path, words).get_json() == words
    portal.login(CIP, PASSWORD)
    assert_contains(
        portal.get("/avis").get_data(as_text=True),
        "<h1>\x1b[2J&lt;script&gt;x&lt;/script&gt;</h1>",
        "<p>Texte : « 1 »</p>",
        '<button type="submit" name="answer" value="change">Changer mon mot de passe</button>',
        '<button type="submit" name="answer" value="later">Suite</button>',
    )
    assert portal.admin("PUT", path, {}).get_json() == {}
    assert "Votre mot de passe expire bientôt" in portal.get("/avis").get_data(as_text=True)


@pytest.mark.parametrize("body", [{"title": "x"}, {"text": ""}, {"text": 3}, {"text": "x" * 2001}])
def test_bad_notice_words_are_refused_in_one_line(clock, body):
    portal = portal_for(clock)
    add_account(portal, CIP)
    refused = portal.admin("PUT", f"/accounts/{CIP}/notice-words", body)
    assert refused.status_code == 400
    assert refused.get_json()["error"].startswith("send heading, text, button as strings")
