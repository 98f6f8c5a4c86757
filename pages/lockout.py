"""The lockout page: 5 consecutive failures lock the account for 15 minutes (docs/portal.md)."""

from __future__ import annotations

from typing import ClassVar

from playwright.sync_api import Locator, Page

from pages import patterns
from pages.base import BaseScreen


class LockoutPage(BaseScreen):
    """Says the account is locked and how to reach the support line."""

    priority: ClassVar[int] = 10
    label: ClassVar[str] = "the lockout page"

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return page.get_by_role("heading", name=patterns.LOCKED).or_(
            page.get_by_role("alert").filter(has_text=patterns.LOCKED)
        )

    @classmethod
    def matches(cls, page: Page) -> bool:
        """A heading says so, or an alert does on a page without the login form: a login
        page warning « votre compte sera verrouillé après 5 tentatives » is not a lockout."""
        if page.get_by_role("heading", name=patterns.LOCKED).first.is_visible():
            return True
        alert = page.get_by_role("alert").filter(has_text=patterns.LOCKED).first
        return alert.is_visible() and not page.get_by_label(patterns.PASSWORD).first.is_visible()

    def support_numbers(self) -> list[str]:
        """The seed's support numbers that this page shows."""
        return [
            number
            for number in patterns.SUPPORT_NUMBERS
            if self.page.get_by_text(number).first.is_visible()
        ]
