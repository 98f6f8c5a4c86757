"""A notice that offers a change beside the way on: the journey never presses the change.

A hostile or careless page may put « Continuer et modifier mon mot de passe » before
« Continuer », or name a change « Continuer : changer… ». The way on is chosen by its whole
name among the controls that change nothing, wherever they stand; a notice whose every way on
also starts a change ends the journey with nothing pressed.
"""

from __future__ import annotations

import allure
import pytest

from pages.failures import JourneyFailure
from pages.notices import NoticePage, way_on
from pages.result import Cause

pytestmark = [pytest.mark.variants, allure.feature("Portal variants")]

CHANGES = (
    "Continuer et modifier mon mot de passe",
    "Continuer : changer mon mot de passe",
    "Continuer – mettre à jour mes préférences",
    "Continue and update my password",
    "Continuer (réinitialiser)",
)


def _notice(page, *names: str, role: str = "button") -> None:
    """A notice whose controls record, in ``window.pressed``, the name of the one pressed."""
    if role == "button":
        controls = "".join(f"<button type='button'>{name}</button>" for name in names)
    else:
        controls = "".join(f"<a href='#'>{name}</a>" for name in names)
    page.set_content(
        "<main><h1>Avis</h1><p>Votre mot de passe expirera bientôt.</p>"
        f"{controls}</main><script>window.pressed = [];"
        "document.querySelectorAll('button, a').forEach(b => b.addEventListener('click',"
        " e => { e.preventDefault(); window.pressed.push(b.textContent); }));</script>"
    )


def _press_way_on(page) -> list[str]:
    control = way_on(page)
    assert control is not None, "the notice offers « Continuer »"
    control.click()
    return page.evaluate("window.pressed")


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("change_first", [True, False], ids=["change-first", "change-second"])
@pytest.mark.parametrize("role", ["button", "link"])
def test_the_way_on_is_the_control_that_changes_nothing(page, change, change_first, role):
    names = (change, "Continuer") if change_first else ("Continuer", change)
    _notice(page, *names, role=role)
    assert _press_way_on(page) == ["Continuer"]


def test_a_longer_safe_name_is_found_by_its_whole_name(page):
    _notice(page, "Continuer et modifier mon mot de passe", "Continuer vers eEspresso")
    assert _press_way_on(page) == ["Continuer vers eEspresso"]


@pytest.mark.parametrize("names", [CHANGES[:2], ("Modifier", "Continuer : changer")])
def test_a_notice_whose_only_ways_on_start_a_change_presses_nothing(page, names):
    _notice(page, *names)
    assert way_on(page) is None
    with pytest.raises(JourneyFailure) as failure:
        NoticePage(page).go_on("the password")
    assert failure.value.cause is Cause.UNEXPECTED_PAGE
    assert "nothing was pressed" in failure.value.message
    assert page.evaluate("window.pressed") == []
