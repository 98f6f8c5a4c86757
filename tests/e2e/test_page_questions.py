"""Page objects ask the browser as few questions as they can, and their answers stay exact.

Several elements that must all show are asked about together (``all_visible``,
``_require_all``); a field is typed into without first being asked whether it shows
(``_fill``), a missing one still named in the failure; a step that requested nothing keeps the
web vitals the previous step read. Pages are served with ``set_content`` or a route: no portal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Page

from pages.base import all_visible, any_visible
from pages.code import CodePage
from pages.failures import JourneyFailure
from pages.login import LoginPage
from pages.network_watch import StepWatch
from pages.result import Cause

FORM = (
    "<form><label for=u>Nom d'utilisateur (CIP)</label><input id=u>"
    "<label for=p>Mot de passe</label><input id=p type=password>{button}</form>"
)


@contextmanager
def asked(methods: tuple[str, ...]) -> Iterator[list[str]]:
    """The questions of ``methods`` sent to the browser inside the block (one round trip each)."""
    from playwright._impl import connection

    sent: list[str] = []
    send = connection.Connection.send_message_to_server

    def counting(self, owner, method, params, options):
        if method in methods:
            sent.append(method)
        return send(self, owner, method, params, options)

    connection.Connection.send_message_to_server = counting
    try:
        yield sent
    finally:
        connection.Connection.send_message_to_server = send


QUESTIONS = ("isVisible", "queryCount", "expect")


def test_all_visible_asks_once_when_each_element_is_its_own(page: Page) -> None:
    page.set_content("<h1>eEspresso</h1><button>Déconnexion</button><p hidden>caché</p>")
    heading, button = page.get_by_role("heading"), page.get_by_role("button")
    with asked(QUESTIONS) as sent:
        assert all_visible(heading, button)
    assert len(sent) == 1
    assert not all_visible(heading, page.locator("p"))  # one hidden
    assert not all_visible(page.locator("p"), page.locator("nav"))  # neither
    assert any_visible(page.locator("p"), button)
    assert not any_visible(page.locator("p"), page.locator("nav"))


def test_all_visible_is_exact_when_one_element_is_both(page: Page) -> None:
    """Two locators for the same element count one element: each is then asked alone."""
    page.set_content("<button id=b>Déconnexion</button><p hidden>caché</p>")
    assert all_visible(page.locator("#b"), page.get_by_role("button"))
    assert not all_visible(page.locator("#b"), page.locator("p"))


def test_the_login_form_is_checked_in_one_question_before_anything_is_typed(page: Page) -> None:
    page.set_content(FORM.format(button="<button>CONNEXION</button>"))
    login = LoginPage(page, timeout_ms=2_000)
    with asked(QUESTIONS) as sent:
        login.fill("CIP123", "not-a-real-password")
    assert sent == ["expect"]
    assert page.locator("#u").input_value() == "CIP123"


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


def test_a_step_that_requested_nothing_keeps_the_previous_reading(page: Page) -> None:
    page.route(
        "http://portal.test/**",
        lambda route: route.fulfill(body="<h1>Accès eEspresso</h1>", content_type="text/html"),
    )
    watch = StepWatch(page)
    try:
        watch.begin()
        page.goto("http://portal.test/")
        opened = watch.end()
        assert opened.requests == 1 and opened.vitals is not None
        watch.begin()
        with asked(("evaluateExpression",)) as sent:
            still = watch.end()  # nothing requested: the same document
        assert sent == [] and still.vitals is opened.vitals
        watch.begin()
        page.goto("http://portal.test/again")
        with asked(("evaluateExpression",)) as sent:
            again = watch.end()
        assert sent == ["evaluateExpression"] and again.vitals is not None
    finally:
        watch.close()
