"""The eEspresso home page: « Vous avez maintenant accès à votre eEspresso. »"""

from __future__ import annotations

from typing import ClassVar, Self

from playwright.sync_api import Locator, Page, expect

from pages.base import DEFAULT_TIMEOUT_MS, BaseScreen, banner, showing, visible
from pages.elements import locate

banner("success")  # the seed's last line, on the home page after the first access


class HomePage(BaseScreen):
    """Where a successful access lands: a heading naming eEspresso and a way to log out."""

    priority: ClassVar[int] = 50
    label: ClassVar[str] = "the eEspresso home page"
    needs: ClassVar[tuple[str, ...]] = ("home", "logout")
    seen_by_match: ClassVar[tuple[str, ...]] = ("logout", "home")

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.heading = locate(page, "home").first
        self.logout_control = locate(page, "logout").first

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return locate(page, "logout")

    @classmethod
    def shown(cls, page: Page) -> Locator:
        """A way to log out *and* a heading naming eEspresso: a confirmation page or a
        notice may keep a logout link in its banner."""
        return showing(page, locate(page, "logout"), locate(page, "home"))

    def expect_loaded(self) -> Self:
        expect(self.heading).to_be_visible(timeout=self.timeout_ms)
        expect(self.logout_control).to_be_visible(timeout=self.timeout_ms)
        return self

    def shows_success(self) -> bool:
        """The seed's last line, shown after the first access."""
        return self.banner is not False and visible(locate(self.page, "success"))

    def expect_device(self, device_name: str) -> Self:
        """The device saved at step 7 is listed (« Mes appareils »)."""
        expect(self.page.get_by_text(device_name, exact=True).first).to_be_visible(
            timeout=self.timeout_ms
        )
        return self

    def logout(self) -> BaseScreen:
        """Press « Déconnexion »; returns the next screen (``pages.logout.logged_out`` checks
        it is the login page or a logged-out page)."""
        # Likely next: the login page, or an identity server's question; this page again
        # when the logout did nothing.
        likely = ("LoginPage", "LogoutQuestionPage", "HomePage")
        return self._submit(self.logout_control, "logout", "logging out", likely)
