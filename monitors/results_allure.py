"""Allure results per probe, when ``allure_results`` is configured (issue 5, "Results").

Written with allure-python's own model and file logger, with the labels the reports area's
gate and categories read (inbox-pages, 18:30): story ``later login``/``first access``,
severity critical, a ``cause`` label and a failure message that starts with the cause value.
Steps carry the seed's French titles (``pages.journeys.STEP_TITLES``) and their durations.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Label, Parameter, Status, StatusDetails, TestResult
from allure_commons.model2 import TestStepResult as Step

from monitors.config import Monitor
from monitors.history import ProbeRecord

STORIES = {"later_login": "later login", "first_access": "first access"}


def _step_titles() -> dict[str, str]:
    try:
        from pages.journeys import STEP_TITLES
    except ImportError:  # the journeys module is not there: ids are still meaningful
        return {}
    return dict(STEP_TITLES)


class AllureWriter:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.logger = AllureFileLogger(str(folder))
        self.titles = _step_titles()

    def write(self, monitor: Monitor, record: ProbeRecord) -> None:
        start = int(record.started_at * 1000)
        status = {"ok": Status.PASSED, "degraded": Status.PASSED}.get(record.status, Status.FAILED)
        steps, clock = [], start
        for step_id, ms in record.steps.items():
            failed = record.failed_step in (step_id, self.titles.get(step_id))
            steps.append(
                Step(
                    name=self.titles.get(step_id, step_id),
                    status=Status.FAILED if failed and status == Status.FAILED else Status.PASSED,
                    start=clock,
                    stop=clock + int(ms),
                )
            )
            clock += int(ms)
        details = None
        if record.cause:
            details = StatusDetails(message=f"{record.cause}: {record.error}".strip())
        labels = [
            Label("story", STORIES.get(monitor.journey, monitor.journey)),
            Label("feature", "monitors"),
            Label("severity", "critical"),
            Label("suite", f"monitor {monitor.id}"),
        ]
        if record.probe:  # the probe location: Allure groups its timeline by host
            labels.append(Label("host", record.probe))
        if record.cause:
            labels.append(Label("cause", record.cause))
        self.logger.report_result(
            TestResult(
                uuid=str(uuid.uuid4()),
                historyId=hashlib.md5(monitor.id.encode()).hexdigest(),
                fullName=f"monitors.{monitor.id}",
                name=f"{monitor.id} ({monitor.journey})",
                status=status,
                statusDetails=details,
                start=start,
                stop=start + int(record.duration_ms),
                steps=steps,
                labels=labels,
                parameters=[Parameter("target", monitor.target.base_url)],
            )
        )
