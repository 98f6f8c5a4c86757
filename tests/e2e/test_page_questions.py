"""Page objects ask the browser as few questions as they can, and their answers stay exact.

Several elements that must all show are asked about together (``showing``: a screen's
match, the login form's fields); a screen guessed right is recognised in one question, with
the elements it needs and whether a banner shows; a field is typed into without first being
asked whether it shows (``_fill``), a missing one still named in the failure; a submit waits
only for what its click did not; a document's web vitals are read once, as it is left, for every
step that ended on it. Pages are served with ``set_content`` or a route: no portal.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages.base import identify, showing
from pages.code import CodePage
from pages.failures import JourneyFailure
from pages.home import HomePage
from pages.lockout import LockoutPage
from pages.login import LoginPage
from pages.logout import LogoutQuestionPage
from pages.navigation import Navigation
from pages.network_watch import StepWatch
from pages.notices import go_past_notices
from pages.result import Cause, JourneyResult
from tests.fixtures.browser_messages import QUESTIONS, WAIT, asked

FORM = (
    "<form><label for=u>Nom d'utilisateur (CIP)</label><input id=u>"
    "<label for=p>Mot de passe</label><input id=p type=password>{button}</form>"
)


def _serve(page: Page, pages: dict[str, str]) -> None:
    """Answer http://portal.test/PATH with ``pages[PATH]``."""
    page.route(
        "http://portal.test/**",
        lambda route: route.fulfill(
            body=pages[route.request.url.removeprefix("http://portal.test")],
            content_type="text/html; charset=utf-8",
        ),
    )


def test_showing_asks_about_several_elements_at_once(page: Page) -> None:
    page.set_content("<h1>eEspresso</h1><button>Déconnexion</button><p hidden>caché</p>")
    heading, button, hidden = (
        page.get_by_role("heading"),
        page.get_by_role("button"),
        page.locator("p"),
    )
    with asked(QUESTIONS) as sent:
        assert showing(page, heading, button).count() == 1
    assert len(sent) == 1
    assert showing(page, heading, button, hidden=(hidden, page.locator("nav"))).count() == 1
    assert showing(page, heading, hidden).count() == 0  # one hidden
    assert showing(page, heading, hidden=(button,)).count() == 0  # one that should not show
    same = page.locator("button")  # one element that is two of them
    assert showing(page, same, button).count() == 1


def test_a_right_guess_is_one_question_and_any_guess_the_full_scan_answer(page: Page) -> None:
    """The home page after the code, the login page after the logout, a lockout: each
    guessed right is one question; guessed wrong, still the screen the full scan finds."""
    home = "<h1>Bienvenue dans eEspresso</h1><form><button>Déconnexion</button></form>"
    screens = {
        home: HomePage,
        FORM.format(button="<button>CONNEXION</button>"): LoginPage,
        "<h1>Erreur</h1><p role=alert>Votre compte est verrouillé.</p>": LockoutPage,
    }
    for content, expected in screens.items():
        page.set_content(content)
        for guess in ((expected.__name__,), ("CodePage", expected.__name__), ()):
            with asked(QUESTIONS) as sent:
                assert type(identify(page, likely=guess)) is expected
            if guess == (expected.__name__,):
                assert len(sent) == 1, (expected, sent)


def test_the_logout_question_guessed_is_not_ruled_out_by_its_logout_button(page: Page) -> None:
    """An identity server's « Voulez-vous vous déconnecter ? » shows a logout button, the home
    page's signature, but no eEspresso heading: its guess is answered without the full scan."""
    page.set_content(
        "<h1>Se déconnecter</h1><p>Voulez-vous vous déconnecter ?</p>"
        "<form><button>Se déconnecter</button></form>"
    )
    with asked(QUESTIONS) as sent:
        screen = identify(page, likely=("LoginPage", "LogoutQuestionPage", "HomePage"))
    assert isinstance(screen, LogoutQuestionPage)
    assert len(sent) <= 3, sent  # the login page asked twice (with, without banners), then it
    assert type(identify(page)) is LogoutQuestionPage  # the full scan agrees


def test_the_control_a_match_saw_is_not_looked_for_again(page: Page) -> None:
    """The home page recognised, its logout control is pressed without asking for it again."""
    pages = {
        "/": "<h1>Bienvenue dans eEspresso</h1>"
        "<form method=post action=/bye><button>Déconnexion</button></form>",
        "/bye": FORM.format(button="<button>CONNEXION</button>"),
    }
    _serve(page, pages)
    page.goto("http://portal.test/")
    home = identify(page, likely=("HomePage",))
    assert isinstance(home, HomePage)
    with asked(QUESTIONS) as sent:
        after = home.logout()
    assert isinstance(after, LoginPage)
    assert "expect" not in sent and len(sent) == 1  # the login page, in one question


def test_the_login_form_is_checked_in_one_question_before_anything_is_typed(page: Page) -> None:
    page.set_content(FORM.format(button="<button>CONNEXION</button>"))
    login = LoginPage(page, timeout_ms=2_000)
    with asked(QUESTIONS) as sent:
        login.fill("CIP123", "not-a-real-password")
    assert sent == ["expect"]
    assert page.locator("#u").input_value() == "CIP123"


def test_a_screen_guessed_right_brings_what_it_needs(page: Page) -> None:
    """The login page guessed right: its three elements came with the answer, so nothing
    more is asked before the typing."""
    page.set_content(FORM.format(button="<button>CONNEXION</button>"))
    with asked(QUESTIONS) as sent:
        login = identify(page, likely=("LoginPage",))
        assert isinstance(login, LoginPage)
        login.fill("CIP123", "not-a-real-password")
    assert len(sent) == 1
    assert page.locator("#p").input_value() == "not-a-real-password"


def test_a_screen_guessed_right_says_whether_a_banner_shows(page: Page) -> None:
    """Recognised in one question, the home page is known to show no expiry notice and no
    confirmation text: neither is asked about; one that shows is then read as before."""
    home = "<h1>Bienvenue dans eEspresso</h1>{banner}<form><button>Déconnexion</button></form>"
    page.set_content(home.format(banner=""))
    with asked(QUESTIONS) as sent:
        screen = identify(page, likely=("HomePage",))
        result = JourneyResult(journey="later_login", target="", cip="")
        assert go_past_notices(screen, result, "the code") is screen
        assert not screen.shows_success()
    assert len(sent) == 1 and screen.banner is False and result.warnings == []
    page.set_content(home.format(banner="<p>Votre mot de passe expirera dans 5 jours.</p>"))
    screen = identify(page, likely=("HomePage",))
    assert isinstance(screen, HomePage) and screen.banner is True
    go_past_notices(screen, result, "the code")
    assert [(w.kind, w["days"]) for w in result.warnings] == [("password_expiring", 5)]
    assert not screen.shows_success()


def test_a_guessed_screen_missing_a_need_is_still_recognised_and_the_need_named(
    page: Page,
) -> None:
    page.set_content(FORM.format(button=""))
    login = identify(page, 500, likely=("LoginPage",))
    assert isinstance(login, LoginPage)
    with pytest.raises(JourneyFailure) as failure:
        login.fill("CIP123", "not-a-real-password")
    assert "profile key login_button" in failure.value.message
    assert page.locator("#u").input_value() == ""


def test_a_login_form_without_its_button_is_named_and_nothing_is_typed(page: Page) -> None:
    page.set_content(FORM.format(button=""))
    with pytest.raises(JourneyFailure) as failure:
        LoginPage(page, timeout_ms=500).fill("CIP123", "not-a-real-password")
    assert failure.value.cause is Cause.UNEXPECTED_PAGE
    assert "profile key login_button" in failure.value.message
    assert page.locator("#u").input_value() == ""
    assert page.locator("#p").input_value() == ""


def test_a_missing_code_field_is_named_as_before(page: Page) -> None:
    page.set_content("<h1>Validation</h1><button>Valider</button>")
    with pytest.raises(JourneyFailure) as failure:
        CodePage(page, timeout_ms=500).submit_code("123456")
    assert failure.value.cause is Cause.UNEXPECTED_PAGE
    assert "profile key code" in failure.value.message


#: What evaluates a script in the page: Playwright's evaluation, a DevTools session's message.
READINGS = ("evaluateExpression", "evaluateExpressionHandle", "send")


def test_web_vitals_are_read_once_per_document_as_it_is_left(page: Page) -> None:
    """Each document's vitals are read once, before the submit that leaves it (or as the
    journey ends), for every step that ended on it; read then, a document has painted."""
    pages = {
        "/": "<h1>Accès eEspresso</h1><form method=post action=/code><button>CONNEXION</button>"
        "</form>",
        "/code": "<h1>Code</h1><p>Entrez le code.</p>",
    }
    _serve(page, pages)
    watch = StepWatch(page)
    try:
        watch.begin()
        page.goto("http://portal.test/", wait_until="domcontentloaded")
        opened = watch.end()
        watch.begin()
        still = watch.end()  # nothing requested: it ended on the same document
        assert opened.vitals is None and still.vitals is None  # not left yet
        watch.begin()
        with asked(READINGS) as sent:
            Navigation.of(page).submit(page.get_by_role("button").click, "submitting", 5_000)
        assert sent == ["send"]  # one evaluation, through the page's DevTools session
        assert opened.vitals is not None and still.vitals is opened.vitals
        assert opened.vitals.fcp_ms is not None and opened.vitals.ttfb_ms is not None
        code = watch.end()
        assert code.requests >= 1 and code.vitals is None
    finally:
        with asked(READINGS) as sent:
            watch.close()  # the journey ends on the code page: read now, painted first
    assert sent == ["send"]
    assert code.vitals is not None and code.vitals.fcp_ms is not None
    assert code.vitals is not opened.vitals


SUBMIT = {"/": "<form method=post action=/next><button>CONNEXION</button></form>"}


def test_a_submit_waits_for_the_new_document_only_when_the_click_did_not(page: Page) -> None:
    """The click waits for the document it starts to commit: only its DOMContentLoaded,
    when it has not come yet, is waited for."""
    _serve(page, {**SUBMIT, "/next": "<h1>Code</h1>"})
    page.goto("http://portal.test/")
    with asked((WAIT,)) as sent:
        Navigation.of(page).submit(page.get_by_role("button").click, "submitting", 5_000)
    assert sent in ([], [f"{WAIT} load state"])
    assert page.get_by_role("heading").inner_text() == "Code"


def test_a_page_that_navigates_late_is_waited_for(page: Page) -> None:
    """A click whose page moves on later (a script) is followed to the next document."""
    late = "<button onclick=\"setTimeout(() => location.assign('/next'), 300)\">Suivant</button>"
    _serve(page, {"/": late, "/next": "<h1>Code</h1>"})
    page.goto("http://portal.test/")
    with asked((WAIT,)) as sent:
        Navigation.of(page).submit(page.get_by_role("button").click, "submitting", 5_000)
    assert sent[0] == f"{WAIT} framenavigated"
    assert page.get_by_role("heading").inner_text() == "Code"


def test_a_click_that_changes_nothing_is_an_unexpected_page(page: Page) -> None:
    _serve(page, {"/": "<button>Suivant</button>"})
    page.goto("http://portal.test/")
    with pytest.raises(JourneyFailure) as failure:
        Navigation.of(page).submit(page.get_by_role("button").click, "clicking Suivant", 500)
    assert failure.value.cause is Cause.UNEXPECTED_PAGE
    assert "the page did not change" in failure.value.message
