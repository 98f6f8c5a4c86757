"""A journey's Playwright trace, kept only once scrubbed: ``run_journey(..., trace=Tracer(...))``.

The tracer is carried by the run (the page layer knows it only as ``pages.journeys.Tracer``):
it starts ``context.tracing`` (screenshots and DOM snapshots) before the first step, stops it
into a private temporary folder when the journey ends, scrubs it (``reports.trace_scrub``)
and keeps only the scrubbed file, mode 0600 in a 0700 folder; the raw trace is deleted. Modes
follow pytest-playwright's ``--tracing``: ``off``, ``on``, ``retain-on-failure`` (kept only
when the journey failed). The context must not be traced already: Playwright has one trace
per context, and pytest-playwright's own (``--tracing``) is scrubbed by the suite's conftest.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages.account import Account
from pages.inspection_files import private_folder
from pages.navigation import Navigation
from pages.result import JourneyResult
from reports.errors import InputError
from reports.trace_scrub import ScrubReport, scrub_trace

MODES = ("off", "on", "retain-on-failure")


class Tracer:
    """Where a journey's scrubbed trace goes, and when it is kept."""

    def __init__(
        self, path: str | Path, mode: str = "on", secrets: Iterable[tuple[str, str]] = ()
    ) -> None:
        if mode not in MODES:
            raise InputError(f"trace mode {mode!r}: use one of {', '.join(MODES)}")
        self.path = Path(path)
        self.mode = mode
        self.secrets = list(secrets)
        self.report: ScrubReport | None = None  # of the last trace kept
        self.kept: Path | None = None
        self.scrub_s = 0.0  # how long its scrub took

    @contextmanager
    def recording(
        self, page: Page, account: Account
    ) -> Iterator[Callable[[JourneyResult], JourneyResult]]:
        """Trace the block; the block hands its result to the callable this yields."""
        outcome: list[JourneyResult] = []

        def told(result: JourneyResult) -> JourneyResult:
            outcome.append(result)
            return result

        if self.mode == "off":
            yield told
            return
        tracing = page.context.tracing
        tracing.start(screenshots=True, snapshots=True)
        navigation = Navigation.of(page)
        navigation.traced = True  # each step a group of the trace (``pages.steps``)
        with tempfile.TemporaryDirectory(prefix="trace-") as folder:  # 0700 (mkdtemp)
            raw = Path(folder) / "raw.zip"
            try:
                yield told
            finally:
                navigation.traced = False
                self._keep(tracing.stop, raw, account, outcome[0] if outcome else None)

    def _keep(
        self, stop: Callable[..., None], raw: Path, account: Account, result: JourneyResult | None
    ) -> None:
        keep = self.mode == "on" or result is None or not result.ok
        with suppress(PlaywrightError):  # the context was closed under the journey: no trace
            if not keep:
                stop()  # a passing probe's trace is dropped by the browser, never written
                return
            stop(path=str(raw))
        if not raw.exists():
            return
        private_folder(self.path.parent)
        secrets = [("password", account.password), *self.secrets]
        started = time.perf_counter()
        self.report = scrub_trace(raw, self.path, secrets)
        self.scrub_s = time.perf_counter() - started
        self.kept = self.path
