"""Journey bookkeeping without a browser: step timing, the wait for a code, limits, causes."""

from __future__ import annotations

import time

import pytest

from pages.failures import JourneyFailure
from pages.result import Cause, JourneyResult, Limits
from pages.steps import STEP_TITLES, JourneyRun, _Stop


def _run(limits: Limits | None = None) -> JourneyRun:
    return JourneyRun(
        JourneyResult(journey="later_login", target="http://portal", cip="CIP1"),
        None,
        limits or Limits(),
    )


def test_the_authenticators_wait_is_not_counted_as_portal_time():
    began = time.perf_counter()
    run = _run()
    step_began = time.perf_counter()
    with run.step("code"):
        time.sleep(0.05)
        run.result.code_wait_ms += 40.0  # what Confirmation adds for Code.waited
    step_ms = (time.perf_counter() - step_began) * 1000
    assert run.result.steps["code"] <= step_ms - 40.0 + 0.1  # 0.1: the result's rounding
    run._finish()
    total_ms = (time.perf_counter() - began) * 1000
    assert run.result.ok and run.result.duration_ms <= total_ms - 40.0 + 0.1


def test_first_failure_is_recorded_with_the_step_title_and_stops_the_journey():
    run = _run()
    with pytest.raises(_Stop), run.step("login"):
        raise JourneyFailure(Cause.CREDENTIALS_REJECTED, "refused\nsecond line")
    run.fail(Cause.SLOW, "later failure", "home")
    run._finish()
    result = run.result
    assert not result.ok and result.cause is Cause.CREDENTIALS_REJECTED
    assert result.failed_step == STEP_TITLES["login"] and "\n" not in result.error
    assert "login" in result.steps


def test_a_step_over_its_bound_fails_as_slow_after_the_journey_ends():
    run = _run(Limits(step_max_ms={"open": 1.0}))
    with run.step("open"):
        time.sleep(0.01)
    with run.step("home"):
        pass
    run._finish()
    assert run.result.cause is Cause.SLOW and run.result.failed_step == STEP_TITLES["open"]
    assert "limit 1 ms" in run.result.error


def test_the_overall_bound_fails_as_slow_on_the_last_step():
    run = _run(Limits(max_ms=1.0))
    with run.step("open"):
        time.sleep(0.01)
    run._finish()
    assert run.result.cause is Cause.SLOW and "the journey took" in run.result.error


def test_a_failure_in_a_warning_step_is_a_warning_and_its_time_is_kept_aside():
    run = _run(Limits(max_ms=1000.0))
    with run.step("home"):
        pass
    with run.step("logout", warning="logout_failed"):
        time.sleep(0.02)
        raise JourneyFailure(Cause.HTTP_ERROR, "HTTP 500\nafter logging out")
    run._finish()
    result = run.result
    assert result.ok and result.cause is None and result.failed_step == ""
    assert result.warnings == [
        {"kind": "logout_failed", "cause": "http_error", "text": "HTTP 500 after logging out"}
    ]
    assert result.steps["logout"] >= 20.0
    assert result.duration_ms < result.steps["logout"]  # the login's own time only


def test_the_overall_bound_names_the_last_step_of_the_login_not_the_logout():
    run = _run(Limits(max_ms=1.0))
    with run.step("home"):
        time.sleep(0.01)
    with run.step("logout", warning="logout_failed"):
        pass
    run._finish()
    assert run.result.cause is Cause.SLOW and run.result.failed_step == STEP_TITLES["home"]


def test_step_titles_follow_the_seed_and_hold_no_secret_placeholder():
    assert STEP_TITLES["login"].startswith("Étape 2 : Saisir le CIP et le mot de passe")
    assert set(STEP_TITLES) == {"open", "login", "scan", "code", "device", "home", "logout"}
    assert all("{" not in title for title in STEP_TITLES.values())
