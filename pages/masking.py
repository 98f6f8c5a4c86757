"""What a screenshot must never show: the QR, the password, the codes, a secret as text.

The QR screenshot *is* the TOTP secret (docs/design.md, "Secrets"); Playwright's ``mask=`` paints
these elements over before the image is taken, so failure screenshots can go to Allure. The
elements come from the page's portal profile, and every image, inline SVG and canvas is painted
over too: on a portal whose profile does not know the QR's name yet, the QR is still an image.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from pages.elements import locate
from pages.tree import SECRET_TEXT

#: The colour secrets are painted in (tests look for it).
MASK_COLOR = "#FF00FF"


def secret_locators(page: Page) -> list[Locator]:
    """Locators of every element that may show a secret on any screen of the portal."""
    return [
        locate(page, "qr"),
        page.locator("img, svg, canvas"),
        locate(page, "password"),
        locate(page, "code"),
        page.locator("input[type=password]"),
        page.get_by_text(SECRET_TEXT),
    ]


def masked_screenshot(page: Page, timeout_ms: float = 5_000) -> bytes:
    """A full-page PNG with every secret element painted over."""
    return page.screenshot(
        full_page=True, mask=secret_locators(page), mask_color=MASK_COLOR, timeout=timeout_ms
    )
