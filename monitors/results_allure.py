"""Allure results per probe, when ``allure_results`` is configured.

The probe's graded record goes as it is to the one builder of journey results
(``reports.allure_result``): the same labels as the journey CLI's and the pytest suite's, so the
release gate reads probes and tests alike. A degraded probe passes with its cause (``slow``,
an expiring password or certificate); its warnings are « Avis » steps, as the journey CLI's.
Each step carries what the network and the browser measured as parameters (requests, time to
first byte, the web vitals); a probe that kept its trace attaches it as ``trace.zip``, already
scrubbed (``reports.trace_scrub``), for ``playwright show-trace``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Attachment, Label, Parameter, TestResult
from allure_commons.types import AttachmentType

from monitors import step_network
from monitors.config import Monitor
from monitors.history import ProbeRecord
from reports.allure_result import journey_test_result, write_test_result


class AllureWriter:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def write(self, monitor: Monitor, record: ProbeRecord) -> None:
        test_result = journey_test_result(
            record,
            passed=record.up,
            name=f"{monitor.id} ({monitor.journey})",
            full_name=f"monitors.{monitor.id}",
            history_key=monitor.id,
            suite=f"monitor {monitor.id}",
            feature="monitors",
            parameters={"target": monitor.target.base_url},
            stop_ms=int((record.started_at * 1000) + record.duration_ms),
        )
        if record.probe:  # the probe location: Allure groups its timeline by host
            test_result.labels.append(Label("host", record.probe))
        _step_parameters(test_result, record)
        if record.trace and Path(record.trace).is_file():
            self._attach_trace(test_result, Path(record.trace))
        write_test_result(self.folder, test_result)

    def _attach_trace(self, test_result: TestResult, trace: Path) -> None:
        source = f"{uuid.uuid4()}-attachment.{AttachmentType.ZIP.extension}"
        AllureFileLogger(str(self.folder)).report_attached_file(trace, source)
        test_result.attachments.append(
            Attachment(name="trace.zip", source=source, type=AttachmentType.ZIP.mime_type)
        )


def _step_parameters(test_result: TestResult, record: ProbeRecord) -> None:
    """Each timed step's network figures as Allure parameters (the builder lays the timed
    steps first, in the record's order)."""
    for step, step_id in zip(test_result.steps, record.steps, strict=False):
        measured = record.network.get(step_id)
        if not measured:
            continue
        figures = {
            "requests": measured.get("requests", 0),
            "failed requests": len(measured.get("failed", ())),
            "ttfb_ms": measured.get("ttfb_ms"),
        }
        figures |= step_network.vitals(measured)
        step.parameters = [Parameter(name, _shown(value)) for name, value in figures.items()
                           if value is not None]  # fmt: skip


def _shown(value: object) -> str:
    """Milliseconds to the microsecond, CLS to three decimals: what a reader compares."""
    return f"{round(value, 3):g}" if isinstance(value, float) else str(value)
