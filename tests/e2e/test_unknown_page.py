"""A page the journey does not know ends it as ``unexpected_page``, saying what the page shows.

The portal is served through Playwright routes (no socket): its login page is the seed's, and
what follows the password is a page no screen describes. The message names the page's
headings, buttons and field labels, never what its fields hold.
"""

from __future__ import annotations

import allure
import pytest

from pages.account import Account
from pages.result import Cause
from pages.steps import STEP_TITLES, STORIES
from tests.fixtures.accounts import enroll, new_password

BASE = "http://127.0.0.1:9"  # nothing listens there: every request is answered by the route
FIELD_VALUE = "valeur-que-personne-ne-doit-lire"
pytestmark = [pytest.mark.variants, allure.feature("Portal variants")]

LOGIN = (
    "<!doctype html><html lang=fr><title>Connexion</title><main><h1>Accès eEspresso</h1>"
    "<form method=post action=/auth><label>Nom d'utilisateur (CIP) <input name=u></label>"
    "<label>Mot de passe <input type=password name=p></label>"
    "<button>CONNEXION</button></form></main></html>"
)
SURVEY = (
    "<!doctype html><html lang=fr><title>Sondage</title><main><h1>Sondage de satisfaction</h1>"
    "<h2>Votre avis compte</h2><form method=post action=/survey>"
    f"<label>Commentaire <input name=c value='{FIELD_VALUE}'></label>"
    "<label><input type=checkbox name=n> Ne plus afficher</label>"
    "<button>Répondre</button></form></main></html>"
)
CHANGE_ONLY = (
    "<!doctype html><html lang=fr><title>Avis</title><main><h1>Mot de passe à changer</h1>"
    "<p>Votre mot de passe doit être changé.</p><form method=post action=/change>"
    "<button>Changer mon mot de passe</button><button>Continuer et modifier</button>"
    "</form></main></html>"
)


def _portal(page, after_password: str, posts: list[str]) -> None:
    def handle(route) -> None:
        request = route.request
        if request.method == "POST":
            posts.append(request.url.removeprefix(BASE))
        body = after_password if request.method == "POST" else LOGIN
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)

    page.route(f"{BASE}/**", handle)


@allure.story(STORIES["first_access"])
def test_an_unknown_page_is_listed_by_headings_buttons_and_fields_never_values(page, vault):
    posts: list[str] = []
    _portal(page, SURVEY, posts)
    password = new_password()
    result = enroll(page, Account(BASE, "INCONNU01", password), vault)
    assert result.cause is Cause.UNEXPECTED_PAGE
    assert result.failed_step == STEP_TITLES["login"]
    assert "the portal showed a page the journey does not know" in result.error
    assert "headings « Sondage de satisfaction », « Votre avis compte »" in result.error
    assert "buttons « Répondre »" in result.error
    assert "fields « Commentaire », « Ne plus afficher »" in result.error
    assert FIELD_VALUE not in result.error and password not in result.error
    assert posts == ["/auth"]  # the password only: nothing was pressed on the unknown page


@allure.story(STORIES["first_access"])
def test_a_notice_whose_buttons_all_start_a_change_is_never_pressed(page, vault):
    posts: list[str] = []
    _portal(page, CHANGE_ONLY, posts)
    result = enroll(page, Account(BASE, "INCONNU02", new_password()), vault)
    assert result.cause is Cause.UNEXPECTED_PAGE
    assert "only buttons start a change" in result.error
    assert "« Changer mon mot de passe », « Continuer et modifier »" in result.error
    assert posts == ["/auth"]
