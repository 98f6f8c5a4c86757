"""The lockout page: 5 consecutive failures lock the account for 15 minutes (docs/portal.md)."""

from __future__ import annotations

from typing import ClassVar

from playwright.sync_api import Locator, Page

from pages.base import BaseScreen, showing, visible
from pages.elements import locate, profile_of
from pages.failures import JourneyFailure
from pages.result import Cause


class LockoutPage(BaseScreen):
    """Says the account is locked and how to reach the support line."""

    priority: ClassVar[int] = 10
    label: ClassVar[str] = "the lockout page"
    needs: ClassVar[tuple[str, ...]] = ("locked",)
    seen_by_match: ClassVar[tuple[str, ...]] = ("locked",)  # as a heading or an alert

    @classmethod
    def _alert(cls, page: Page) -> Locator:
        return page.get_by_role("alert").filter(has_text=profile_of(page)["locked"])

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return locate(page, "locked").or_(cls._alert(page))

    @classmethod
    def shown(cls, page: Page) -> Locator:
        """A heading says so, or an alert does on a page without the login form: a login
        page warning « votre compte sera verrouillé après 5 tentatives » is not a lockout."""
        alone = showing(page, cls._alert(page), hidden=(locate(page, "password"),))
        return showing(page, locate(page, "locked")).or_(alone)

    def failure(self, where: str) -> JourneyFailure:
        return JourneyFailure(Cause.LOCKED_OUT, "the account is locked: call the support line")

    def support_numbers(self) -> list[str]:
        """The profile's support numbers that this page shows."""
        return [
            number
            for number in self.profile.support_numbers
            if visible(self.page.get_by_text(number))
        ]
