"""One journey run as an Allure result, outside pytest (the journey CLI's ``--alluredir``).

Written with allure-python's own model and file logger, with the labels the reports area's
gate and categories read: story ``first access`` / ``later login``, severity ``critical``, a
``cause`` label and a failure message that starts with the cause value. Steps carry the seed's
French titles and their measured durations; nothing secret is in a ``JourneyResult``.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from pathlib import Path

from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Label, Parameter, Status, StatusDetails, TestResult
from allure_commons.model2 import TestStepResult as Step

from pages.result import JourneyResult
from pages.steps import STEP_TITLES

STORIES = {"first_access": "first access", "later_login": "later login"}
FEATURES = {"first_access": "First access", "later_login": "Later login"}


def journey_test_result(result: JourneyResult, *, stop_ms: int | None = None) -> TestResult:
    """The Allure ``TestResult`` of a finished journey (steps laid end to end)."""
    stop = stop_ms if stop_ms is not None else int(time.time() * 1000)
    start = stop - int(result.duration_ms)
    steps, clock = [], start
    for step_id, ms in result.steps.items():
        title = STEP_TITLES.get(step_id, step_id)
        failed = not result.ok and result.failed_step == title
        steps.append(
            Step(
                name=title,
                status=Status.FAILED if failed else Status.PASSED,
                start=clock,
                stop=clock + int(ms),
            )
        )
        clock += int(ms)
    labels = [
        Label("feature", FEATURES.get(result.journey, result.journey)),
        Label("story", STORIES.get(result.journey, result.journey)),
        Label("severity", "critical"),
        Label("suite", "journey CLI"),
    ]
    details = None
    if not result.ok:
        cause = result.cause.value if result.cause else "unknown"
        labels.append(Label("cause", cause))
        details = StatusDetails(message=f"{cause}: {result.error}")
    name = f"{STORIES.get(result.journey, result.journey)} {result.cip}"
    return TestResult(
        uuid=str(uuid.uuid4()),
        historyId=hashlib.sha256(
            f"{result.journey}|{result.target}|{result.cip}".encode()
        ).hexdigest(),
        fullName=f"journey_cli.{result.journey}",
        name=name,
        status=Status.PASSED if result.ok else Status.FAILED,
        statusDetails=details,
        start=start,
        stop=stop,
        steps=steps,
        labels=labels,
        parameters=[Parameter("target", result.target), Parameter("cip", result.cip)],
    )


def write_journey_result(folder: str | Path, result: JourneyResult) -> None:
    """Add the journey's result to an Allure results folder (created when missing)."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    AllureFileLogger(str(folder)).report_result(journey_test_result(result))
