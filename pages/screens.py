"""Every screen's page object, imported once so ``identify`` knows them all."""

from pages.base import BaseScreen, identify
from pages.code import CodePage
from pages.enrollment import DevicePage, EnrollmentPage, qr_locator
from pages.home import HomePage
from pages.lockout import LockoutPage
from pages.login import LoginPage

__all__ = [
    "BaseScreen",
    "CodePage",
    "DevicePage",
    "EnrollmentPage",
    "HomePage",
    "LockoutPage",
    "LoginPage",
    "identify",
    "qr_locator",
]
