"""Portal faults become causes ops can act on: slow, http_error, unreachable, markup changed."""

from __future__ import annotations

import base64
import io
import socket

import allure
import pytest
from PIL import Image

from bench.support.accounts import new_cip
from pages.result import Cause, Limits
from tests.fixtures.accounts import (
    TestAccount,
    enroll,
    expect_ok,
    log_in,
    new_password,
    seed_enrolled,
)

pytestmark = [pytest.mark.negative, allure.feature("Negative paths")]


@pytest.fixture
def faulty(sandbox_factory, vault):
    """A portal of its own (faults are instance-wide) and an enrolled account on it."""
    with sandbox_factory() as portal:
        account = TestAccount(portal.url, new_cip(), new_password())
        created = portal.admin.create_account(account.cip, account.password, enrolled=True)
        yield portal, seed_enrolled(vault, account, created)


@allure.story("latency")
def test_a_portal_slower_than_the_timeout_is_slow(faulty, page, vault):
    portal, account = faulty
    portal.admin.set_faults(latency={"/verification": 6.0})
    result = log_in(page, account, vault, limits=Limits(timeout_ms=2_500))
    assert not result.ok and result.cause is Cause.SLOW, result.error
    assert result.failed_step.startswith("Étape 2")  # the redirect to the code page hangs


@allure.story("latency")
def test_a_step_over_its_bound_is_slow_even_when_it_succeeds(faulty, page, vault):
    portal, account = faulty
    portal.admin.set_faults(latency={"/connexion": 0.5})
    result = log_in(page, account, vault, limits=Limits(step_max_ms={"login": 300.0}))
    assert not result.ok and result.cause is Cause.SLOW
    assert "limit 300 ms" in result.error and result.failed_step.startswith("Étape 2")
    assert result.steps["home"] >= 0  # the journey went to its end


@allure.story("outage")
def test_an_outage_is_http_error_at_the_first_step(faulty, page, vault):
    portal, account = faulty
    portal.admin.set_faults(outage=True)
    result = log_in(page, account, vault)
    assert not result.ok and result.cause is Cause.HTTP_ERROR, result.error
    assert "HTTP 503" in result.error and result.failed_step.startswith("Étape 1")


@allure.story("outage")
def test_a_500_after_the_code_is_http_error_at_the_code_step(faulty, page, vault):
    portal, account = faulty
    portal.admin.set_faults(error_500=["/accueil"])
    result = log_in(page, account, vault)
    assert not result.ok and result.cause is Cause.HTTP_ERROR, result.error
    assert "HTTP 500" in result.error and result.failed_step.startswith("Étape 6")


@allure.story("outage")
def test_nothing_listening_is_unreachable(page, enrolled, vault):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    vault.save_pending(dead, enrolled.cip, enrolled.otp, enrolled.device_name)
    result = log_in(page, TestAccount(dead, enrolled.cip, enrolled.password), vault)
    assert not result.ok and result.cause is Cause.UNREACHABLE, result.error
    assert "ERR_CONNECTION_REFUSED" in result.error


@allure.story("markup changed")
def test_a_page_the_journey_does_not_know_is_unexpected_page(page, enrolled, vault):
    page.route(
        f"{enrolled.base_url}/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body="<html lang=fr><h1>Maintenance prévue</h1><p>Revenez plus tard.</p></html>",
        ),
    )
    result = log_in(page, enrolled, vault)
    assert not result.ok and result.cause is Cause.UNEXPECTED_PAGE, result.error
    assert vault.get(enrolled.base_url, enrolled.cip).last_step is None  # no code was spent


def _blank_png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@allure.story("QR unreadable")
@pytest.mark.enrollment
def test_a_qr_image_without_a_code_is_qr_unreadable(page, account, vault):
    body = (
        "<html lang=fr><h1>Configuration de la double authentification</h1>"
        f'<img alt="Code QR à scanner" src="data:image/png;base64,{_blank_png()}">'
        "<form method=post><label for=c>Code sur votre appareil mobile</label><input id=c>"
        "<button>Suivant</button></form></html>"
    )

    def answer_login_with_the_fake_setup_page(route):
        if route.request.method == "POST":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)
        else:
            route.continue_()

    page.route(f"{account.base_url}/connexion", answer_login_with_the_fake_setup_page)
    result = enroll(page, account, vault)
    assert not result.ok and result.cause is Cause.QR_UNREADABLE, result.error
    assert result.failed_step.startswith("Étapes 3 à 5")
    assert vault.get(account.base_url, account.cip) is None


@allure.story("latency")
def test_a_fault_cleared_lets_the_journey_pass_again(faulty, page, vault):
    portal, account = faulty
    portal.admin.set_faults(outage=True)
    assert log_in(page, account, vault).cause is Cause.HTTP_ERROR
    portal.admin.clear_faults()
    expect_ok(log_in(page, account, vault))
