"""What every screen's page object shares, and how the next screen is recognised.

Page objects wrap a Playwright ``Page``, build their locators once and expose intent verbs
that return the next page object (docs/design.md, "Code"). After a submit, which
screen comes next depends on the portal (first access or not, code accepted or not, lockout),
so verbs return ``identify(...)``: the first registered screen whose signature is visible.
"""

from __future__ import annotations

import contextlib
from typing import ClassVar, Self

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from pages import patterns
from pages.failures import JourneyFailure, unexpected
from pages.navigation import Navigation
from pages.result import Cause

DEFAULT_TIMEOUT_MS = 10_000.0
# How long a screen may take to render its elements once its document has loaded (pages
# built by scripts). Server-rendered pages are complete at DOMContentLoaded.
RENDER_MS = 2_000.0

_SCREENS: list[type[BaseScreen]] = []


class BaseScreen:
    """One screen of the portal. Subclasses set ``priority`` and ``label`` and implement
    ``signature``; ``matches`` may be refined when one element is not enough."""

    #: Lower is checked first: the lockout page wins over the login form it may contain.
    priority: ClassVar[int] = 100
    #: How the screen is named in messages (« the login page »).
    label: ClassVar[str] = "a page"

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        _SCREENS.append(cls)
        _SCREENS.sort(key=lambda screen: screen.priority)

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.nav = Navigation.of(page)
        self.alert = page.get_by_role("alert")

    @classmethod
    def signature(cls, page: Page) -> Locator:
        """An element only this screen shows (used to wait for any screen at all)."""
        raise NotImplementedError

    @classmethod
    def matches(cls, page: Page) -> bool:
        return _visible(cls.signature(page))

    def expect_loaded(self) -> Self:
        expect(self.signature(self.page).first).to_be_visible(timeout=self.timeout_ms)
        return self

    def error_message(self) -> str:
        """The visible alert's text on one line, or "" (messages are the portal's words)."""
        texts = [t for t in (_text(a) for a in self.alert.all()) if t]
        return " ".join(" ".join(texts).split())[:300]

    def has_error(self) -> bool:
        return bool(self.error_message())

    def _require(self, locator: Locator, what: str) -> Locator:
        """Wait for an element a person needs here; missing means the markup changed."""
        try:
            expect(locator).to_be_visible(timeout=self.timeout_ms)
        except AssertionError:
            raise unexpected(f"no {what} on {self.label} (markup changed?)") from None
        return locator

    def _submit(self, locator: Locator, where: str) -> BaseScreen:
        """Click ``locator`` and return the page object of whatever screen comes next."""
        self._require(locator, where)
        self.nav.submit(locator.click, where, self.timeout_ms)
        return identify(self.page, self.timeout_ms, after=where)

    def _submit_code(self, field: Locator, code: str, where: str) -> BaseScreen:
        """Type a code and submit it alone: by its button when one is named, else by Enter."""
        self._require(field, "code field").fill(code)
        button = self.page.get_by_role("button", name=patterns.CODE_SUBMIT).first
        if _visible(button):
            self.nav.submit(button.click, where, self.timeout_ms)
        else:
            self.nav.submit(lambda: field.press("Enter"), where, self.timeout_ms)
        return identify(self.page, self.timeout_ms, after=where)


def code_field(page: Page) -> Locator:
    """The one-time code field, on the enrollment page and on the later-login code page."""
    return page.get_by_label(patterns.CODE).or_(page.get_by_placeholder(patterns.CODE)).first


def device_field(page: Page) -> Locator:
    """The device name field (step 7), by label or by its « Ex : Mon iPhone » placeholder."""
    return (
        page.get_by_label(patterns.DEVICE_NAME)
        .or_(page.get_by_placeholder(patterns.DEVICE_PLACEHOLDER))
        .first
    )


def _visible(locator: Locator) -> bool:
    try:
        return locator.first.is_visible()
    except PlaywrightError:
        return False


def _text(locator: Locator) -> str:
    try:
        return locator.inner_text(timeout=1_000).strip() if locator.is_visible() else ""
    except PlaywrightError:
        return ""


def _find(page: Page) -> BaseScreen | None:
    for screen in _SCREENS:
        if screen.matches(page):
            return screen(page)
    return None


def identify(page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS, *, after: str = "") -> BaseScreen:
    """The page object of the screen on display, waiting a little for script-built pages.

    An HTTP error page is recognised at once (no screen to wait for); a page that loads but
    matches no screen is an ``unexpected_page``: the portal changed or showed something new.
    """
    import pages.screens  # noqa: F401  (registers every screen before the first lookup)

    nav = Navigation.of(page)
    where = after or "the portal"
    # Server-rendered pages are complete at DOMContentLoaded: look once, cheaply. Only when
    # nothing matches (and no HTTP error explains it) wait a little for a script to render.
    found = _find(page)
    if found is None and not nav.http_error:
        anything = _SCREENS[0].signature(page)
        for screen in _SCREENS[1:]:
            anything = anything.or_(screen.signature(page))
        with contextlib.suppress(AssertionError):
            expect(anything.first).to_be_visible(timeout=min(timeout_ms, RENDER_MS))
        found = _find(page)
    if found is not None:
        found.timeout_ms = timeout_ms
        return found
    if nav.http_error:
        raise nav.http_failure(where)
    raise JourneyFailure(
        Cause.UNEXPECTED_PAGE, f"after {where}: the portal showed a page the journey does not know"
    )
