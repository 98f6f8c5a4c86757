"""The later-login code page: « confirmer avec le code fourni par Google Authenticator »."""

from __future__ import annotations

from typing import ClassVar

from playwright.sync_api import Locator, Page

from pages.base import DEFAULT_TIMEOUT_MS, BaseScreen, code_field


class CodePage(BaseScreen):
    """Asks an enrolled account for its current code."""

    priority: ClassVar[int] = 40
    label: ClassVar[str] = "the code page"
    needs: ClassVar[tuple[str, ...]] = ("code",)
    seen_by_match: ClassVar[tuple[str, ...]] = ("code",)  # its signature

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.code = code_field(page)

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return code_field(page)

    def submit_code(self, code: str) -> BaseScreen:
        """Type the code and submit it; returns the home page, or this page with an alert."""
        return self._submit_code(
            self.code, code, "submitting the authenticator code", ("HomePage",)
        )
