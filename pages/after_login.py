"""Checks after login: visit the application's pages a monitor names, each a timed step.

Called once the journey reached eEspresso's home page (``pages.journeys``), before anything
that ends the session. Each ``AppCheck`` clicks a link or button of the home page by name
(role, then name, as every locator of the built-in profile: docs/design.md "Locators"),
waits for the heading or text the page must show, and comes back to the home page for the
next one. Whatever goes wrong there, the login itself worked: the failure is
``app_check_failed``, and its message names the page and quotes the headings it showed, so
ops reads "pay stubs broken" rather than "portal down".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from pages import tree
from pages.app_checks import AppCheck
from pages.failures import JourneyFailure
from pages.result import Cause
from pages.steps import JourneyRun


def visit_pages(run: JourneyRun, checks: Sequence[AppCheck]) -> None:
    """Each check in order, as a step of ``run``; the first failure ends the journey."""
    if not checks:
        return
    home_url = run.page.url
    for check in checks:
        with run.step(check.step_id, check.title):
            _visit(run.page, check, home_url)


def _failure(page: Page, check: AppCheck, what: str) -> JourneyFailure:
    headings = tree.names(tree.main_content(tree.snapshot(page, 2_000)), {"heading"})
    shown = tree.quoted(headings) if headings else "no heading"
    return JourneyFailure(
        Cause.APP_CHECK_FAILED, f"page « {check.link} » ({check.id}): {what}; it shows {shown}"
    )


def _visit(page: Page, check: AppCheck, home_url: str) -> None:
    timeout_ms = check.timeout_s * 1000
    name = re.compile(check.link, re.IGNORECASE)
    control = page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))
    try:
        expect(control.first).to_be_visible(timeout=timeout_ms)
    except AssertionError:
        raise _failure(page, check, "no link or button of that name on the home page") from None
    text = re.compile(check.expect, re.IGNORECASE)
    wanted = page.get_by_role("heading", name=text).or_(page.get_by_text(text))
    try:
        control.first.click(timeout=timeout_ms)
        expect(wanted.first).to_be_visible(timeout=timeout_ms)
    except (AssertionError, PlaywrightError):
        seconds = f"{check.timeout_s:g}"
        raise _failure(page, check, f"« {check.expect} » not shown within {seconds} s") from None
    try:
        page.goto(home_url, wait_until="domcontentloaded", timeout=timeout_ms)
    except PlaywrightError:
        raise _failure(page, check, "the home page did not come back after it") from None
