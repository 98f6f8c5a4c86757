"""Naming the likely next screens makes recognition ask the page less, never answer otherwise.

On each screen of a later login (and on the lockout page), ``identify`` with any guess of the
likely screens, right or wrong, returns the screen the full scan returns; a right guess asks
the page a few times instead of once per known screen.
"""

from __future__ import annotations

from playwright.sync_api import Page

from authenticator import Vault
from pages.base import identify
from pages.screens import CodePage, HomePage, LockoutPage, LoginPage
from tests.fixtures.accounts import TestAccount
from tests.fixtures.browser_messages import QUESTIONS, asked

GUESSES = [
    (),
    ("LoginPage",),
    ("CodePage", "EnrollmentPage"),
    ("HomePage",),
    ("LogoutQuestionPage", "LoginPage"),
    ("LockoutPage",),
]


def _same_with_every_guess(page: Page) -> type:
    found = {type(identify(page, likely=guess)) for guess in GUESSES}
    assert len(found) == 1, found
    return found.pop()


def _queries(page: Page, likely: tuple[str, ...]) -> int:
    """How many times recognition asks the page (one round trip each)."""
    with asked(QUESTIONS) as sent:
        identify(page, likely=likely)
    return len(sent)


def test_every_guess_gives_the_screen_the_full_scan_gives(
    page: Page, enrolled_factory, vault: Vault
) -> None:
    account: TestAccount = enrolled_factory()
    screen = LoginPage.open(page, account.base_url)
    assert _same_with_every_guess(page) is LoginPage
    assert _queries(page, ("LoginPage",)) < _queries(page, ())
    screen.fill(account.cip, account.password)
    screen.submit()
    assert _same_with_every_guess(page) is CodePage
    assert _queries(page, ("CodePage", "EnrollmentPage")) < _queries(page, ())
    code = CodePage(page).submit_code(account.otp.code())
    assert isinstance(code, HomePage)
    assert _same_with_every_guess(page) is HomePage
    assert _queries(page, ("HomePage",)) < _queries(page, ())
    HomePage(page).logout()
    assert _same_with_every_guess(page) is LoginPage


def test_a_lockout_is_recognised_whatever_was_expected(page: Page) -> None:
    """The lockout page, and a login page warning of a lockout (not a lockout), as in
    ``test_negative.py``: every guess gives the full scan's answer."""
    form = (
        "<form><label for=u>Nom d'utilisateur (CIP)</label><input id=u>"
        "<label for=p>Mot de passe</label><input id=p type=password>"
        "<button>CONNEXION</button></form>"
    )
    warning = "<p role=alert>Après 5 tentatives, votre compte sera verrouillé.</p>"
    page.set_content(f"<h1>Accès eEspresso</h1>{warning}{form}")
    assert _same_with_every_guess(page) is LoginPage
    page.set_content("<h1>Erreur</h1><p role=alert>Votre compte est verrouillé.</p>")
    assert _same_with_every_guess(page) is LockoutPage
