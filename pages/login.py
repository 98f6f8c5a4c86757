"""The login page (seed steps 1–2): CIP, password, « CONNEXION »."""

from __future__ import annotations

from typing import ClassVar

from playwright.sync_api import Locator, Page

from pages import patterns
from pages.base import DEFAULT_TIMEOUT_MS, BaseScreen, identify
from pages.navigation import Navigation


class LoginPage(BaseScreen):
    """The form every access starts with; also where a refused password comes back to."""

    priority: ClassVar[int] = 90  # the last resort: other screens may keep a login link
    label: ClassVar[str] = "the login page"

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.user_name = page.get_by_label(patterns.USER_NAME).first
        self.password = page.get_by_label(patterns.PASSWORD).first
        self.connect = page.get_by_role("button", name=patterns.LOGIN_BUTTON).first

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return page.get_by_label(patterns.PASSWORD)

    @classmethod
    def open(cls, page: Page, base_url: str, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> BaseScreen:
        """Step 1: type the portal's address. Usually the login page; a live session may skip it."""
        Navigation.of(page).goto(base_url, timeout_ms)
        return identify(page, timeout_ms, after="opening the portal")

    def login(self, cip: str, password: str) -> BaseScreen:
        """Step 2: type the CIP and the password, click « CONNEXION »; returns the next screen."""
        self._require(self.user_name, "user name (CIP) field").fill(cip)
        self._require(self.password, "password field").fill(password)
        return self._submit(self.connect, "clicking « CONNEXION »")

    def password_length_message(self) -> str:
        """The portal's "14 to 20 characters" refusal, shown as an alert or by the browser."""
        message = self.error_message()
        if message:
            return message
        # A `minlength` attribute lets the browser refuse before any request is sent.
        return self.password.evaluate("field => field.validationMessage") or ""
