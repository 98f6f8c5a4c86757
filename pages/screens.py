"""Every screen's page object, imported once so ``identify`` knows them all."""

from pages.action import ActionRequiredPage
from pages.base import BaseScreen, identify
from pages.code import CodePage
from pages.enrollment import DevicePage, EnrollmentPage, qr_locator
from pages.home import HomePage
from pages.lockout import LockoutPage
from pages.login import LoginPage
from pages.logout import LoggedOutPage, LogoutQuestionPage
from pages.notices import NoticePage, SuccessPage

__all__ = [
    "ActionRequiredPage",
    "BaseScreen",
    "CodePage",
    "DevicePage",
    "EnrollmentPage",
    "HomePage",
    "LockoutPage",
    "LoggedOutPage",
    "LoginPage",
    "LogoutQuestionPage",
    "NoticePage",
    "SuccessPage",
    "identify",
    "qr_locator",
]
