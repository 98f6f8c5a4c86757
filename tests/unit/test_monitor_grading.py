"""Grading a journey result against thresholds: ok, degraded or failed (slow), per step."""

from __future__ import annotations

import pytest

from monitors.config_file import load
from monitors.grading import grade, limits, probe_failure
from pages.result import Cause, JourneyResult
from tests.fixtures.monitoring import simple_config


@pytest.fixture
def monitor(tmp_path):
    thresholds = {"degraded_ms": 3000, "max_ms": 8000,
                  "steps": {"code": {"degraded_ms": 500, "max_ms": 2000}}}  # fmt: skip
    monitor = {"id": "m", "every": "1m", "timeout": "40s", "thresholds": thresholds}
    return load(simple_config(tmp_path / "m.toml", [monitor])).monitors[0]


def result(ok=True, total=1000.0, code=200.0, cause=None) -> JourneyResult:
    return JourneyResult(
        journey="later_login",
        target="http://127.0.0.1:9",
        cip="C1",
        ok=ok,
        cause=cause,
        error="" if ok else "refused",
        failed_step="" if ok else "code",
        steps={"open": 300.0, "login": 300.0, "code": code, "home": 50.0},
        duration_ms=total,
    )


@pytest.mark.parametrize(
    ("kwargs", "status", "cause", "words"),
    [
        ({}, "ok", None, ""),
        ({"code": 800.0}, "degraded", "slow", "step code took 800 ms, above its degraded_ms 500"),
        ({"total": 4000.0}, "degraded", "slow", "journey took 4000 ms, above degraded_ms 3000"),
        ({"code": 2500.0}, "failed", "slow", "step code took 2500 ms, above its max_ms 2000"),
        ({"total": 9000.0}, "failed", "slow", "journey took 9000 ms, above max_ms 8000"),
        ({"ok": False, "cause": Cause.CODE_REJECTED}, "failed", "code_rejected", "refused"),
    ],
)
def test_grades(monitor, kwargs, status, cause, words):
    record = grade(monitor, result(**kwargs), started=1.0)
    assert (record.status, record.cause) == (status, cause)
    assert words in record.error
    assert record.steps["code"] == kwargs.get("code", 200.0)


def test_a_probe_failure_is_not_blamed_on_the_portal(monitor):
    failure = probe_failure(monitor, 1.0, Cause.PROBE_ERROR, "browser error: TargetClosedError")
    record = grade(monitor, failure, started=1.0)
    assert (record.status, record.cause) == ("failed", "probe_error")


def test_limits_given_to_the_journey(monitor):
    given = limits(monitor)
    assert given.max_ms == 8000 and given.step_max_ms == {"code": 2000}
    assert given.timeout_ms == 20_000  # half the probe's timeout, so the journey ends first


def test_a_logout_threshold_is_a_step_threshold_like_the_others(tmp_path):
    """Logging out is timed as a step: a threshold on it degrades a probe whose logout is
    slow, while the journey's own time (``duration_ms``) leaves the logout out."""
    thresholds = {"steps": {"logout": {"degraded_ms": 500}}}
    config = {"id": "m", "every": "1m", "timeout": "40s", "thresholds": thresholds}
    monitor = load(simple_config(tmp_path / "m.toml", [config])).monitors[0]
    slow_logout = result()
    slow_logout.steps["logout"] = 900.0
    record = grade(monitor, slow_logout, started=1.0)
    assert (record.status, record.cause) == ("degraded", "slow")
    assert "step logout took 900 ms, above its degraded_ms 500" in record.error
    assert limits(monitor).step_max_ms == {}  # no max_ms: the journey itself never fails on it
