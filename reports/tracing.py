"""A journey's Playwright trace, kept only once scrubbed: ``run_journey(..., trace=Tracer(...))``.

The tracer is carried by the run (the page layer knows it only as ``pages.journeys.Tracer``):
it starts ``context.tracing`` before the first step (``detail``: how much of the page it
records, ``reports.trace_options``; the screencast and DOM snapshots by default, a HAR beside
a trace without snapshots), stops it into a private temporary folder when the journey ends,
scrubs it (``reports.trace_scrub``, the HAR's requests made its network log) and keeps only
the scrubbed file, mode 0600 (a folder it creates is 0700; one that exists keeps its mode);
the raw trace is deleted. Modes follow pytest-playwright's ``--tracing``: ``off``, ``on``,
``retain-on-failure`` (kept only when the journey failed). The context must not be traced
already: Playwright has one trace per context, and pytest-playwright's own (``--tracing``) is
scrubbed by the suite's conftest.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from pages.account import Account
from pages.navigation import Navigation
from pages.result import JourneyResult
from reports.errors import InputError
from reports.trace_options import DETAILS, MODES
from reports.trace_scrub import ScrubReport, scrub_trace


class Tracer:
    """Where a journey's scrubbed trace goes, and when it is kept."""

    def __init__(
        self,
        path: str | Path,
        mode: str = "on",
        secrets: Iterable[tuple[str, str]] = (),
        detail: str = "screencast",
    ) -> None:
        if mode not in MODES:
            raise InputError(f"trace mode {mode!r}: use one of {', '.join(MODES)}")
        if detail not in DETAILS:
            raise InputError(f"trace detail {detail!r}: use one of {', '.join(DETAILS)}")
        self.path = Path(path)
        self.mode = mode
        self.detail = detail
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
        options = DETAILS[self.detail]
        navigation = Navigation.of(page)
        with tempfile.TemporaryDirectory(prefix="trace-") as folder:  # 0700 (mkdtemp)
            raw = Path(folder) / "raw.zip"
            # Playwright logs the network only with DOM snapshots: without them, a HAR beside
            # the trace (``reports.trace_network``).
            har = None if options["snapshots"] else Path(folder) / "network.zip"
            tracing.start(**options)
            if har is not None:
                tracing.start_har(har, content="attach", mode="full")
            navigation.traced = True  # each step a group of the trace (``pages.steps``)
            try:
                yield told
            finally:
                navigation.traced = False
                self._keep(page.context, raw, har, account, outcome[0] if outcome else None)

    def _keep(
        self,
        context: BrowserContext,
        raw: Path,
        har: Path | None,
        account: Account,
        result: JourneyResult | None,
    ) -> None:
        keep = self.mode == "on" or result is None or not result.ok
        tracing = context.tracing
        with suppress(PlaywrightError):  # the context was closed under the journey: no trace
            if har is not None:
                tracing.stop_har()
            if not keep:
                tracing.stop()  # a passing probe's trace is dropped by the browser, never written
                return
            tracing.stop(path=str(raw))
        if not raw.exists():
            return
        # A missing folder is made private; one that exists keeps its mode (it may be a
        # shared one such as /tmp): the file itself is written 0600.
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        secrets = [("password", account.password), *self.secrets]
        started = time.perf_counter()
        network = har if har is not None and har.exists() else None
        self.report = scrub_trace(raw, self.path, secrets, network)
        self.scrub_s = time.perf_counter() - started
        self.kept = self.path
