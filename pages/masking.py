"""What a screenshot must never show: the QR, the password, the codes, a secret as text.

The QR screenshot *is* the TOTP secret (docs/design.md, "Secrets"); Playwright's ``mask=`` paints
these elements over before the image is taken, so failure screenshots can go to Allure.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from pages import patterns
from pages.base import code_field
from pages.enrollment import qr_locator


def secret_locators(page: Page) -> list[Locator]:
    """Locators of every element that may show a secret on any screen of the portal."""
    return [
        qr_locator(page),
        page.get_by_label(patterns.PASSWORD),
        code_field(page),
        page.get_by_text(patterns.SECRET_TEXT),
    ]


def masked_screenshot(page: Page, timeout_ms: float = 5_000) -> bytes:
    """A full-page PNG with every secret element painted over."""
    return page.screenshot(
        full_page=True, mask=secret_locators(page), mask_color="#FF00FF", timeout=timeout_ms
    )
