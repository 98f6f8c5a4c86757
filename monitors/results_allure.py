"""Allure results per probe, when ``allure_results`` is configured.

The probe's graded record goes as it is to the one builder of journey results
(``reports.allure_result``): the same labels as the journey CLI's and the pytest suite's, so the
release gate reads probes and tests alike. A degraded probe passes with its cause (``slow``,
an expiring password or certificate); its warnings are « Avis » steps, as the journey CLI's.
"""

from __future__ import annotations

from pathlib import Path

from allure_commons.model2 import Label

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
        write_test_result(self.folder, test_result)
