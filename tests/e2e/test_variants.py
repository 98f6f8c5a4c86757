"""The journeys work unchanged on every sandbox variant.

QR renderings × layouts, both wording sets, and OTP parameters read from the URI rather than
assumed (SHA256/SHA512, 8 digits, 60 s).
"""

from __future__ import annotations

import allure
import pytest

from pages.screens import EnrollmentPage, LoginPage
from pages.steps import STORIES
from tests.fixtures.accounts import enroll, expect_ok, log_in

pytestmark = [pytest.mark.variants, allure.feature("Portal variants")]

QR_RENDERINGS = ["png", "svg", "inline-svg", "canvas"]
LAYOUTS = ["one-page", "two-page"]
OTP_VARIANTS = [
    {"algorithm": "SHA256"},
    {"algorithm": "SHA512"},
    {"digits": 8},
    {"period": 60},
    {"algorithm": "SHA256", "digits": 8, "period": 60},
]


def _ids(variant: dict) -> str:
    return "-".join(f"{k}={v}" for k, v in variant.items())


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("qr", QR_RENDERINGS)
def test_first_access_on_every_qr_rendering_and_layout(
    page, make_account, vault, sandbox, qr, layout
):
    account = make_account(qr=qr, layout=layout)
    result = expect_ok(enroll(page, account, vault))
    assert result.steps["scan"] > 0
    assert sandbox.admin.account(account.cip)["devices"] == [account.device_name]


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
@pytest.mark.parametrize("layout", LAYOUTS)
def test_first_access_with_the_alternative_wording(page, make_account, vault, sandbox, layout):
    account = make_account(wording="alt", layout=layout, qr="inline-svg")
    assert expect_ok(enroll(page, account, vault)).warnings == []
    assert sandbox.admin.account(account.cip)["devices"] == [account.device_name]


@allure.story(STORIES["later_login"])
@pytest.mark.login
@pytest.mark.parametrize("wording", ["seed", "alt"])
def test_later_login_with_both_wording_sets(page, enrolled_factory, vault, wording):
    account = enrolled_factory(wording=wording)
    expect_ok(log_in(page, account, vault))


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
@pytest.mark.parametrize("otp", OTP_VARIANTS, ids=_ids)
def test_first_access_reads_the_otp_parameters_from_the_qr(page, make_account, vault, otp):
    account = make_account(layout="two-page", **otp)
    expect_ok(enroll(page, account, vault))
    scanned = vault.get(account.base_url, account.cip).account
    expected = {"algorithm": "SHA1", "digits": 6, "period": 30, **otp}
    assert (scanned.algorithm, scanned.digits, scanned.period) == (
        expected["algorithm"],
        expected["digits"],
        expected["period"],
    )


@allure.story(STORIES["later_login"])
@pytest.mark.login
def test_later_login_with_sha256_8_digits_60_s(page, enrolled_factory, vault):
    account = enrolled_factory(algorithm="SHA256", digits=8, period=60)
    expect_ok(log_in(page, account, vault))


@allure.story(STORIES["first_access"])
def test_enrollment_page_recognised_for_each_layout_before_any_code(page, make_account):
    """The page objects tell the layouts apart by what a person sees (device field or not)."""
    one = make_account(layout="one-page")
    two = make_account(layout="two-page")
    first = LoginPage.open(page, one.base_url).login(one.cip, one.password)
    assert isinstance(first, EnrollmentPage) and first.is_one_page()
    page.context.clear_cookies()
    second = LoginPage.open(page, two.base_url).login(two.cip, two.password)
    assert isinstance(second, EnrollmentPage) and not second.is_one_page()
