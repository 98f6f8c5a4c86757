"""The first-access set-up (seed steps 3–7): QR code, one-time code, device name.

Two layouts exist (docs/portal.md): everything on one page with one « Enregistrer », or the code on
a first page and the device name on a second one. ``EnrollmentPage`` is the page with the QR;
``DevicePage`` is the second page of the two-page layout.
"""

from __future__ import annotations

from typing import ClassVar

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from authenticator import OtpAccount, ScanError
from pages.base import DEFAULT_TIMEOUT_MS, BaseScreen, code_field, device_field
from pages.elements import locate
from pages.failures import JourneyFailure
from pages.result import Cause


def qr_locator(page: Page) -> Locator:
    """The QR: an ``<img>``, inline ``<svg>`` or ``<canvas>`` whose accessible name says QR."""
    return locate(page, "qr").first


class EnrollmentPage(BaseScreen):
    """The page that shows the QR code (and, in the one-page layout, the device name)."""

    priority: ClassVar[int] = 20
    label: ClassVar[str] = "the enrollment page"
    needs: ClassVar[tuple[str, ...]] = ("qr", "code")

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.qr = qr_locator(page)
        self.code = code_field(page)
        self.device_name = device_field(page)
        self.save = locate(page, "save_button").first

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return qr_locator(page)

    def qr_screenshot(self) -> bytes:
        """Step 5: what the phone's camera sees: a screenshot of the QR element only."""
        try:
            return self._require(self.qr, "qr").screenshot(timeout=self.timeout_ms)
        except PlaywrightError:
            raise JourneyFailure(Cause.QR_UNREADABLE, "the QR code could not be captured") from None

    def scan(self) -> OtpAccount:
        """Steps 3–5: the virtual authenticator scans the QR; unreadable is its own cause.
        The QR decoder (Pillow, zbar) is loaded here, by the one journey that scans."""
        from authenticator.qr import scan

        try:
            return scan(self.qr_screenshot())
        except ScanError as error:  # its message never holds the payload
            raise JourneyFailure(Cause.QR_UNREADABLE, str(error)) from None

    def is_one_page(self) -> bool:
        """One-page layout: the device name is asked on this page, beside the code."""
        return self.device_name.is_visible()

    def enter_code(self, code: str) -> None:
        """Step 6 of the one-page layout: type the code; « Enregistrer » submits it later."""
        self._fill(self.code, "code", code)

    def confirm_code(self, code: str) -> BaseScreen:
        """Step 6 of the two-page layout: type the code and submit it alone."""
        return self._submit_code(self.code, code, "submitting the one-time code")

    def save_device(self, device_name: str) -> BaseScreen:
        """Step 7 of the one-page layout: name the device, click « Enregistrer »."""
        self._fill(self.device_name, "device_name", device_name)
        return self._submit(self.save, "save_button", "clicking « Enregistrer »")


class DevicePage(BaseScreen):
    """Second page of the two-page layout: the device name and « Enregistrer »."""

    priority: ClassVar[int] = 30
    label: ClassVar[str] = "the device name page"
    needs: ClassVar[tuple[str, ...]] = ("device_name", "save_button")

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        super().__init__(page, timeout_ms)
        self.device_name = device_field(page)
        self.save = locate(page, "save_button").first

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return device_field(page)

    def save_device(self, device_name: str) -> BaseScreen:
        """Step 7: name the device, click « Enregistrer »."""
        self._fill(self.device_name, "device_name", device_name)
        return self._submit(self.save, "save_button", "clicking « Enregistrer »")
