"""The screens after « Déconnexion »: the identity server's question, and the portal's goodbye.

A portal behind an identity server ends its session there too (OpenID Connect RP-Initiated
Logout 1.0 §2): Keycloak asks « Voulez-vous vous déconnecter ? » with one button
« Se déconnecter » (its ``logout-confirm.ftl``) before ending the single sign-on session,
then shows « Vous êtes déconnecté » or sends the browser back to the application, whose next
page is the login page again. ``logged_out`` goes through that question and checks where the
logout ended, so a logout the portal ignored (the home page again, an error) is noticed.
"""

from __future__ import annotations

from typing import ClassVar

from playwright.sync_api import Locator, Page

from pages.base import BaseScreen, showing
from pages.elements import locate
from pages.failures import unexpected
from pages.login import LoginPage

#: Questions in a row before the logout is given up (a portal asking again and again).
MAX_QUESTIONS = 2


class LogoutQuestionPage(BaseScreen):
    """« Voulez-vous vous déconnecter ? »: a logout button, no eEspresso heading, no form."""

    priority: ClassVar[int] = 85  # after the notices, which may keep a logout link in a banner
    label: ClassVar[str] = "the logout question"
    needs: ClassVar[tuple[str, ...]] = ("logout",)
    seen_by_match: ClassVar[tuple[str, ...]] = ("logout",)
    excludes: ClassVar[tuple[str, ...]] = ("HomePage",)  # no eEspresso heading here

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return locate(page, "logout")

    @classmethod
    def shown(cls, page: Page) -> Locator:
        """A logout control alone: the home page has the eEspresso heading beside it, and a
        login page that keeps a « Déconnexion » link has its password field."""
        hidden = (locate(page, "home"), locate(page, "password"))
        return showing(page, locate(page, "logout"), hidden=hidden)

    def confirm(self) -> BaseScreen:
        """Press « Se déconnecter »; returns the next screen."""
        control = locate(self.page, "logout").first
        return self._submit(
            control, "logout", "confirming the logout", ("LoginPage", "LoggedOutPage")
        )


class LoggedOutPage(BaseScreen):
    """« Vous êtes déconnecté »: the portal's word that the session ended, without a form."""

    priority: ClassVar[int] = 86
    label: ClassVar[str] = "the logged-out page"
    needs: ClassVar[tuple[str, ...]] = ("logged_out",)

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return locate(page, "logged_out")

    @classmethod
    def shown(cls, page: Page) -> Locator:
        """The words without the login form: a login page saying the same is the login page."""
        return showing(page, locate(page, "logged_out"), hidden=(locate(page, "password"),))


def logged_out(screen: BaseScreen) -> BaseScreen:
    """The screen that proves the logout, past the identity server's question: the login page
    or a logged-out page. Anything else is a ``JourneyFailure`` saying what showed instead."""
    for _ in range(MAX_QUESTIONS + 1):
        if isinstance(screen, LoginPage | LoggedOutPage):
            return screen
        if not isinstance(screen, LogoutQuestionPage):
            said = screen.error_message()
            raise unexpected(
                f"after logging out the portal showed {screen.label}, not the login page "
                "nor a logged-out page" + (f", saying « {said} »" if said else "")
            )
        screen = screen.confirm()
    raise unexpected(f"the portal asked more than {MAX_QUESTIONS} times to confirm the logout")
