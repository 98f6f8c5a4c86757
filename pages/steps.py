"""Bookkeeping of one journey: timed Allure steps, and failures turned into a result.

Each step of a journey is an Allure step titled after the seed and timed; a classified failure
(``JourneyFailure``) or any Playwright error inside a step ends the journey with a cause, the
step's title and a one-line message, so journeys never raise for a portal failure.

With ``screenshots`` (``run_journey(..., screenshots="every step")``) each step also ends
with a masked screenshot of the screen it left (``result.screens``); with ``"failed step"``,
only a step that fails does: the monitors compare a failing screen with the last good one,
which they refresh now and then; a caller that stores no image leaves it off and pays nothing.
Screenshot time is not the portal's: it is left out of the step's time and of
``duration_ms``, like the wait for a fresh code.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Literal, Protocol

import allure
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from authenticator.vault import Vault
from pages.account import Account
from pages.failures import JourneyFailure, network_failure, slow
from pages.masking import masked_screenshot
from pages.navigation import Navigation
from pages.network_watch import StepWatch
from pages.result import Cause, JourneyResult, Limits, Notice
from pages.step_titles import STEP_TITLES
from wording import notice_step

#: The Allure step that records the seed's proof of step 7.
SUCCESS_SEEN = "« Vous avez maintenant accès à votre eEspresso » affiché"


def warn(result: JourneyResult, kind: Notice | str, text: str, **fields: object) -> None:
    """Add a warning to ``result`` once, shown as an Allure step where the journey met it
    (its words: ``wording.notices``)."""
    warning = result.warn(kind, text, **fields)
    if warning is not None:
        with allure.step(notice_step(warning)):
            pass


#: Allure story and feature of each journey: what the release gate requires and reports.
STORIES: dict[str, str] = {"first_access": "first access", "later_login": "later login"}
FEATURES: dict[str, str] = {"first_access": "First access", "later_login": "Later login"}


class Attempt(Protocol):
    """What an account guard records of one journey: every password or code submission just
    before it is sent (so a crash mid-step still counts), and the portal's proof that the
    submissions so far were accepted (the next expected screen appeared); before anything,
    that its store is the one that counted the account's failures so far."""

    def check_store(self, vault: Vault, account: Account) -> None: ...

    def submitting(self, what: str) -> None: ...

    def proven(self) -> None: ...


class Unguarded:
    """No guard: the embedded sandbox's throw-away accounts cannot hurt anybody."""

    def check_store(self, vault: Vault, account: Account) -> None:
        pass

    def submitting(self, what: str) -> None:
        pass

    def proven(self) -> None:
        pass


@contextmanager
def _trace_group(page: Page | None, title: str) -> Iterator[None]:
    """The step as a group of the Playwright trace when the run records one, so the trace
    viewer's action list reads as the seed's steps; without a trace it costs nothing."""
    if page is None or not Navigation.of(page).traced:
        yield
        return
    tracing = page.context.tracing
    try:
        tracing.group(title)
    except PlaywrightError:  # its context is closed
        yield
        return
    try:
        yield
    finally:
        with suppress(PlaywrightError):
            tracing.group_end()


#: Which steps end with a masked screenshot of the screen they left.
Screenshots = Literal["none", "failed step", "every step"]


class _Stop(Exception):
    """Ends a journey after its failure was recorded."""


class JourneyRun:
    """Collects one journey's step timings and its outcome into a ``JourneyResult``."""

    def __init__(
        self,
        result: JourneyResult,
        page: Page,
        limits: Limits,
        attempt: Attempt | None = None,
        *,
        screenshots: Screenshots = "none",
    ) -> None:
        self.result = result
        self.page = page
        self.limits = limits
        self.attempt = attempt or Unguarded()
        self._started = time.perf_counter()
        self._screenshots = screenshots
        self._screenshot_ms = 0.0
        self.titles = dict(STEP_TITLES)  # and the steps a journey adds (pages after login)
        self._aside: dict[str, float] = {}  # steps kept out of the journey's own time
        self._network = StepWatch(page)  # each step's requests and web vitals

    @classmethod
    def start(
        cls,
        journey: str,
        page: Page,
        base_url: str,
        cip: str,
        limits: Limits | None,
        attempt: Attempt | None = None,
        *,
        screenshots: Screenshots = "none",
    ) -> JourneyRun:
        """A run of ``journey`` ("first_access" or "later_login") for one account."""
        result = JourneyResult(journey=journey, target=base_url, cip=cip)
        return cls(result, page, limits or Limits(), attempt, screenshots=screenshots)

    def fail(self, cause: Cause, message: str, step: str) -> None:
        if self.result.cause is None:  # the first failure is the one that explains
            self.result.cause = cause
            self.result.error = " ".join(message.split())[:500]
            self.result.failed_step = self.titles.get(step, step)

    @contextmanager
    def step(
        self, step_id: str, title: str | None = None, *, warning: str | None = None
    ) -> Iterator[None]:
        """Run one seed step; on a portal failure, record it and stop the journey.

        The step's time is the portal's: the authenticator's wait for a fresh time step
        (``result.code_wait_ms``) is not counted, so a probe run right after another one does
        not read as a slow portal. ``title``: that of a step not in ``STEP_TITLES``.

        A step given a ``warning`` kind comes after the journey proved its point (logging
        out after reaching eEspresso): its failure is a warning of that kind, the journey
        goes on and passes, and its time stays out of ``duration_ms`` and of the journey's
        ``max_ms`` budget, so the login is measured as before.
        """
        title = self.titles.setdefault(step_id, title or STEP_TITLES[step_id])
        started = time.perf_counter()
        # The authenticator's wait and the reading of web vitals are not the portal's time.
        aside_before = self.result.code_wait_ms + self._network.reading_ms
        self._network.begin()
        failed = False
        try:
            with allure.step(title), _trace_group(self.page, title):
                try:
                    yield
                except PlaywrightTimeoutError:
                    raise slow(title, self.limits.timeout_ms) from None
                except PlaywrightError as error:
                    raise self._classify(error) from None
        except JourneyFailure as failure:
            if warning is None:
                self.fail(failure.cause, failure.message, step_id)
                failed = True
                raise _Stop from None
            warn(self.result, warning, failure.message, cause=failure.cause.value)
        finally:
            aside = self.result.code_wait_ms + self._network.reading_ms - aside_before
            took = (time.perf_counter() - started) * 1000 - aside
            self.result.steps[step_id] = round(max(0.0, took), 1)
            if warning is not None:
                self._aside[step_id] = self.result.steps[step_id]
            self.result.network[step_id] = self._network.end()
            if self._screenshots == "every step" or (failed and self._screenshots != "none"):
                self._screenshot(step_id)

    def _screenshot(self, step_id: str) -> None:
        """The screen this step left, masked; none if the page cannot be captured (a crashed or
        closed page): an image is kept only once every secret element was painted over."""
        started = time.perf_counter()
        with suppress(PlaywrightError):
            self.result.screens[step_id] = masked_screenshot(self.page)
        self._screenshot_ms += (time.perf_counter() - started) * 1000

    def _classify(self, error: PlaywrightError) -> JourneyFailure:
        """A Playwright error no page object classified: the page went away or broke."""
        nav = Navigation.of(self.page)
        if nav.failure or "net::ERR_" in str(error):
            return network_failure(nav.failure or str(error), "the portal")
        if nav.http_error:
            return nav.http_failure("the portal")
        return JourneyFailure(Cause.UNEXPECTED_PAGE, "the page changed while the journey used it")

    @contextmanager
    def running(self) -> Iterator[JourneyRun]:
        """Wraps the journey body; ``_Stop`` ends it quietly with the failure recorded."""
        self.page.set_default_timeout(self.limits.timeout_ms)
        with suppress(_Stop):
            yield self
        self._finish()

    def _finish(self) -> None:
        result = self.result
        elapsed = (time.perf_counter() - self._started) * 1000 - result.code_wait_ms
        elapsed -= self._screenshot_ms + self._network.reading_ms + sum(self._aside.values())
        self._network.close()
        result.duration_ms = round(max(0.0, elapsed), 1)
        if result.cause is None:
            self._check_limits()
        result.ok = result.cause is None

    def _check_limits(self) -> None:
        """Over budget is a failure too (``slow``), named after the first step over its bound."""
        for step_id, bound in self.limits.step_max_ms.items():
            took = self.result.steps.get(step_id)
            if took is not None and took > bound:
                message = f"{self.titles[step_id]} took {took:.0f} ms (limit {bound:.0f} ms)"
                self.fail(Cause.SLOW, message, step_id)
                return
        bound = self.limits.max_ms
        if bound is not None and self.result.duration_ms > bound:
            own = [step for step in self.result.steps if step not in self._aside]
            last = own[-1] if own else "home"
            message = f"the journey took {self.result.duration_ms:.0f} ms (limit {bound:.0f} ms)"
            self.fail(Cause.SLOW, message, last)
