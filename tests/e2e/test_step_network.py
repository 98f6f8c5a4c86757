"""Each step's network timings and web vitals (``JourneyResult.network``): read from the
browser while the journey runs, plausible on the sandbox, and a portal error named by its path.
"""

from __future__ import annotations

import json

import allure
import pytest

from bench.support.accounts import new_cip
from pages.result import Cause
from pages.timings import FailedRequest
from tests.fixtures.accounts import (
    TestAccount,
    expect_ok,
    log_in,
    new_password,
    seed_enrolled,
)

pytestmark = [allure.feature("Timings")]


@allure.story("web vitals")
@pytest.mark.login
def test_each_step_has_its_timings_and_the_web_vitals_of_its_page(page, enrolled, vault):
    result = expect_ok(log_in(page, enrolled, vault))
    assert set(result.network) == set(result.steps)
    opened, login = result.network["open"], result.network["login"]
    assert opened.requests >= 1 and login.requests >= 2  # the POST, then the code page
    assert 0 < opened.ttfb_ms <= result.steps["open"]
    assert 0 < login.ttfb_ms <= result.steps["login"]
    assert login.slowest_ms >= login.ttfb_ms and login.slowest_path.startswith("/")
    vitals = opened.vitals
    assert vitals is not None and 0 < vitals.ttfb_ms <= vitals.fcp_ms
    assert vitals.lcp_ms is None or vitals.lcp_ms >= vitals.fcp_ms
    assert 0 <= vitals.cls < 0.1  # the sandbox's pages do not move (web.dev: "good")
    assert not any(step.failed for step in result.network.values())
    row = json.loads(json.dumps(result.to_json()))  # serialisable, as the CLI prints it
    assert row["network"]["open"]["vitals"]["fcp_ms"] == vitals.fcp_ms


@allure.story("web vitals")
@pytest.mark.login
def test_a_portal_error_is_a_failed_request_named_by_its_path(sandbox_factory, page, vault):
    with sandbox_factory() as portal:
        account = TestAccount(portal.url, new_cip(), new_password())
        created = portal.admin.create_account(account.cip, account.password, enrolled=True)
        seed_enrolled(vault, account, created)
        portal.admin.set_faults(error_500=["/accueil"])
        result = log_in(page, account, vault)
    assert result.cause is Cause.HTTP_ERROR, result.error
    assert FailedRequest("GET", "/accueil", 500) in result.network["code"].failed
    assert all("?" not in failed.path for step in result.network.values() for failed in step.failed)
