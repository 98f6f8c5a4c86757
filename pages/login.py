"""The login page (seed steps 1–2): CIP, password, « CONNEXION »."""

from __future__ import annotations

from typing import ClassVar

from playwright.sync_api import Locator, Page

from pages.base import DEFAULT_TIMEOUT_MS, BaseScreen, identify
from pages.elements import locate
from pages.navigation import Navigation


class LoginPage(BaseScreen):
    """The form every access starts with; also where a refused password comes back to."""

    priority: ClassVar[int] = 90  # the last resort: other screens may keep a login link
    label: ClassVar[str] = "the login page"
    needs: ClassVar[tuple[str, ...]] = ("user_name", "password", "login_button")
    seen_by_match: ClassVar[tuple[str, ...]] = ("password",)  # its signature

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.user_name = locate(page, "user_name").first
        self.password = locate(page, "password").first
        self.connect = locate(page, "login_button").first

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return locate(page, "password")

    @classmethod
    def open(cls, page: Page, base_url: str, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> BaseScreen:
        """Step 1: type the portal's address. Usually the login page; a live session may skip it."""
        Navigation.of(page).goto(base_url, timeout_ms)
        return identify(page, timeout_ms, after="opening the portal", expected=cls)

    def fill(self, cip: str, password: str) -> None:
        """Step 2 up to the click: every element is found before anything is typed, so a
        profile that misses one stops here, with nothing sent to the portal."""
        self._require_all(
            (self.user_name, "user_name"),
            (self.password, "password"),
            (self.connect, "login_button"),
        )
        self.user_name.fill(cip)
        self.password.fill(password)

    def submit(self) -> BaseScreen:
        """Click « CONNEXION »; returns the next screen (the code page of an enrolled account,
        else the enrollment page, usually)."""
        return self._submit(
            self.connect, "login_button", "clicking « CONNEXION »", ("CodePage", "EnrollmentPage")
        )

    def login(self, cip: str, password: str) -> BaseScreen:
        """Step 2: type the CIP and the password, click « CONNEXION »; returns the next screen."""
        self.fill(cip, password)
        return self.submit()

    def password_length_message(self) -> str:
        """The portal's "14 to 20 characters" refusal, shown as an alert or by the browser."""
        message = self.error_message()
        if message:
            return message
        # A `minlength` attribute lets the browser refuse before any request is sent.
        return self.password.evaluate("field => field.validationMessage") or ""
