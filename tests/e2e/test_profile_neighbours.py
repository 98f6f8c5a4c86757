"""Built-in patterns that cannot match a neighbour: on every screen of every sandbox variant,
each pattern a journey clicks by matches one control at most.

A pattern that also matches a neighbour clicks the wrong one: the login pattern « connexion »
once matched Keycloak's « Redémarrer la connexion », placed before the real button, and later
logins restarted instead of sending their code. The screens are those the journeys pass (each
recorded by a capture, as ``--capture`` records them), plus pages no journey clicks through
(errors, Keycloak's required actions and manual mode); every built-in profile's patterns are
checked on every one of them. The « way on » of a notice is left out: it is chosen by its
whole name among the controls that change nothing, so several candidates are harmless.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import allure
import pytest
from playwright.sync_api import Page, expect

from authenticator import Vault
from bench.support.accounts import new_cip
from pages import tree
from pages.capture import Capture
from pages.elements import bind
from pages.profile import builtin, builtin_names, load
from pages.screens import LoginPage
from sandbox import running_sandbox
from tests.fixtures.accounts import (
    DEVICE_NAME,
    TestAccount,
    enroll,
    log_in,
    new_password,
    seed_enrolled,
)
from tests.fixtures.neighbours import neighbours

pytestmark = [pytest.mark.variants, allure.feature("Portal profiles")]

Screens = list[tuple[str, list[tree.Node]]]


def captured(page: Page, tmp_path, run: Callable[[], object]) -> Screens:
    """The screens ``run`` passes from a fresh start (no session left by the run before), as a
    capture records them."""
    page.context.clear_cookies()
    capture = Capture(tmp_path / f"capture-{len(list(tmp_path.iterdir()))}")
    with capture.recording(page):
        run()
    return [(title, list(shot.nodes)) for _, title, shot in capture.screens]


def assert_no_neighbours(screens: Screens) -> None:
    assert screens, "no screen was seen"
    problems = [f"{title}: {problem}" for title, nodes in screens for problem in neighbours(nodes)]
    assert problems == []


PORTAL_VARIANTS = [
    {"wording": "seed", "layout": "one-page", "notices": "all", "success": "page"},
    {"wording": "seed", "layout": "two-page", "notices": "none", "success": "home"},
    {"wording": "alt", "layout": "two-page", "success": "page-only"},
    {"wording": "other", "layout": "one-page"},
]


@pytest.mark.parametrize("variant", PORTAL_VARIANTS, ids=lambda v: "-".join(v.values()))
def test_every_screen_of_the_portal_variants(page: Page, sandbox, vault, tmp_path, variant):
    profile = load("sandbox-other") if variant["wording"] == "other" else builtin("eespresso")

    def account(**extra) -> tuple[TestAccount, dict]:
        made = TestAccount(sandbox.url, new_cip(), new_password(), DEVICE_NAME, profile)
        return made, sandbox.admin.create_account(made.cip, made.password, **variant, **extra)

    fresh, _ = account()
    screens = captured(page, tmp_path, lambda: enroll(page, fresh, vault))
    enrolled, created = account(enrolled=True, device_name=DEVICE_NAME)
    enrolled = seed_enrolled(vault, enrolled, created)
    screens += captured(page, tmp_path, lambda: log_in(page, enrolled, vault))
    refused, _ = account()  # a refused password: the login page with its alert
    wrong = TestAccount(sandbox.url, refused.cip, "Pas-le-bon-mot-de-passe", DEVICE_NAME, profile)
    screens += captured(page, tmp_path, lambda: enroll(page, wrong, vault))
    titles = " | ".join(title for title, _ in screens)
    for expected in ("the login page", "the enrollment page", "the code page", "home page"):
        assert expected in titles, titles
    assert_no_neighbours(screens)


KEYCLOAK_VARIANTS = [("keycloak.v2", "fr"), ("keycloak", "fr"), ("keycloak.v2", "en")]


@pytest.mark.parametrize(("theme", "locale"), KEYCLOAK_VARIANTS)
def test_every_screen_of_the_keycloak_variants(page: Page, tmp_path, theme, locale):
    profile = builtin("keycloak" if locale == "fr" else "keycloak-en")
    vault = Vault(tmp_path / "vault")
    with running_sandbox({"THEME": theme, "LOCALE": locale}, flavour="keycloak") as kc:

        def account(actions: tuple[str, ...] = (), enrolled: bool = True) -> TestAccount:
            made = TestAccount(kc.url, new_cip(), new_password(), DEVICE_NAME, profile)
            created = kc.admin.create_account(
                made.cip, made.password, enrolled=enrolled, device_name=DEVICE_NAME
            )
            if actions:
                kc.admin.set_required_actions(made.cip, list(actions))
            return seed_enrolled(vault, made, created) if enrolled else made

        fresh = account(enrolled=False)
        screens = captured(page, tmp_path, lambda: enroll(page, fresh, vault))
        for actions in ((), ("TERMS_AND_CONDITIONS",), ("UPDATE_PASSWORD",)):
            enrolled = account(actions)
            screens += captured(page, tmp_path, lambda a=enrolled: log_in(page, a, vault))
        # A refused password, then the set-up page's manual mode (no journey clicks there).
        refused = account(enrolled=False)
        wrong = TestAccount(kc.url, refused.cip, "Pas-le-bon-mot-de-passe", DEVICE_NAME, profile)
        screens += captured(page, tmp_path, lambda: enroll(page, wrong, vault))
        manual = account(enrolled=False)
        bind(page, profile)
        page.context.clear_cookies()  # the application's session of the runs above
        LoginPage.open(page, kc.url).login(manual.cip, manual.password)
        page.locator("#mode-manual").click()
        expect(page.locator("#kc-totp-secret-key")).to_be_visible()
        screens.append(("manual mode", tree.snapshot(page)))
    titles = " | ".join(title for title, _ in screens)
    for expected in ("the login page", "the enrollment page", "the code page", "must not fill"):
        assert expected in titles, titles
    assert_no_neighbours(screens)


def test_the_check_fails_on_a_pattern_that_matches_a_neighbour():
    """The login pattern of before: « connexion » anywhere in the name."""
    nodes = [tree.Node(1, "button", "Redémarrer la connexion"), tree.Node(1, "button", "Connexion")]
    assert neighbours(nodes) == []
    loose = {"login_button": re.compile("(?<![a-zà-ÿ])connexion", re.IGNORECASE)}
    assert neighbours(nodes, {"loose": loose}) == [
        "loose login_button matches « Redémarrer la connexion », « Connexion »"
    ]
    assert set(builtin_names()) >= {"eespresso", "keycloak", "keycloak-en"}
