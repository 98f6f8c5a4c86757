"""Allure results of journeys run outside pytest: the journey CLI and the scheduled probes.

One builder for both, with allure-python's own model and file logger, and the labels the
release gate and the report's categories read: story (``STORIES``), severity ``critical``, a
``cause`` label, and a failure message that starts with the cause value. Steps carry the
seed's French titles and their measured durations, laid end to end, then what the journey saw
on the way (the seed's success text, each warning) as steps of no duration; nothing secret is
in a ``JourneyResult``. The history id is one hash of a stable key, so a test keeps its history
across runs whoever wrote it. The builder reads what it needs of any finished journey
(``Walked``): a ``JourneyResult``, or a probe's graded record as it is stored.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Label, Parameter, Status, StatusDetails, TestResult
from allure_commons.model2 import TestStepResult as Step

from pages.result import Cause, JourneyResult
from pages.steps import FEATURES, STEP_TITLES, STORIES, SUCCESS_SEEN
from wording import notice_step


class Walked(Protocol):
    """What the builder reads of a finished journey."""

    journey: str
    cause: Cause | None
    error: str
    failed_step: str
    steps: dict[str, float]
    duration_ms: float
    warnings: Sequence[Mapping[str, object]]


def history_id(key: str) -> str:
    """Allure's history id of the test named by ``key`` (the same key, the same history)."""
    return hashlib.sha256(key.encode()).hexdigest()


def _fact_steps(result: Walked, success_seen: bool, at: int) -> list[Step]:
    """Zero-length steps for what the journey saw: the success text and each warning."""
    titles = [SUCCESS_SEEN] if success_seen else []
    titles += [notice_step(w) for w in result.warnings]
    return [Step(name=title, status=Status.PASSED, start=at, stop=at) for title in titles]


def journey_test_result(
    result: Walked,
    *,
    passed: bool,
    success_seen: bool = False,
    name: str,
    full_name: str,
    history_key: str,
    suite: str,
    feature: str | None = None,
    parameters: dict[str, str] | None = None,
    stop_ms: int | None = None,
) -> TestResult:
    """The Allure ``TestResult`` of a finished journey; its cause labels it even when it
    ``passed`` (a degraded probe is slow, not failed)."""
    stop = stop_ms if stop_ms is not None else int(time.time() * 1000)
    start = stop - int(result.duration_ms)
    steps, clock = [], start
    for step_id, ms in result.steps.items():
        title = STEP_TITLES.get(step_id, step_id)
        failed = not passed and result.failed_step in (title, step_id)
        status = Status.FAILED if failed else Status.PASSED
        steps.append(Step(name=title, status=status, start=clock, stop=clock + int(ms)))
        clock += int(ms)
    steps += _fact_steps(result, success_seen, clock)
    story = STORIES.get(result.journey, result.journey)
    labels = [
        Label("feature", feature or FEATURES.get(result.journey, result.journey)),
        Label("story", story),
        Label("severity", "critical"),
        Label("suite", suite),
    ]
    details = None
    if result.cause is not None or not passed:
        cause = result.cause.value if result.cause else "unknown"
        labels.append(Label("cause", cause))
        details = StatusDetails(message=f"{cause}: {result.error}".strip())
    return TestResult(
        uuid=str(uuid.uuid4()),
        historyId=history_id(history_key),
        fullName=full_name,
        name=name,
        status=Status.PASSED if passed else Status.FAILED,
        statusDetails=details,
        start=start,
        stop=stop,
        steps=steps,
        labels=labels,
        parameters=[Parameter(key, value) for key, value in (parameters or {}).items()],
    )


def write_test_result(folder: str | Path, test_result: TestResult) -> None:
    """Add ``test_result`` to an Allure results folder (created when missing)."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    AllureFileLogger(str(folder)).report_result(test_result)


def write_journey_result(folder: str | Path, result: JourneyResult) -> None:
    """The journey CLI's ``--alluredir``: one result per run, named after the account."""
    test_result = journey_test_result(
        result,
        passed=result.ok,
        success_seen=result.success_text_seen,
        name=f"{STORIES.get(result.journey, result.journey)} {result.cip}",
        full_name=f"journey_cli.{result.journey}",
        history_key=f"{result.journey}|{result.target}|{result.cip}",
        suite="journey CLI",
        parameters={"target": result.target, "cip": result.cip},
    )
    write_test_result(folder, test_result)
