"""Following the portal's page loads: what answered, with which status, and what never did.

A click on « CONNEXION » posts a form; the next page may come after redirects, be an error
page (5xx), never come (outage, latency) or come from a portal that re-renders the same URL
with an alert. Waiting for an element of the *next* page is racy (the old page is still on
screen), so every action that submits waits for the main frame to commit a new document, and
this watcher remembers the status of the last document response and any failed navigation, so
the page layer can tell ``unreachable`` from ``http_error`` from ``slow``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary, ref

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page, Request, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pages.failures import JourneyFailure, network_failure, slow
from pages.result import Cause

# Page → its watcher. The watcher holds its page weakly: a strong reference from the value
# to its own key would keep every page (and its context) alive for ever in a long-lived
# monitor runner.
_WATCHERS: WeakKeyDictionary[Page, Navigation] = WeakKeyDictionary()


def is_document(page: Page | None, request: Request) -> bool:
    """Whether ``request`` loads a document into the main frame of ``page`` (a navigation)."""
    if page is None:
        return False
    try:
        return request.is_navigation_request() and request.frame == page.main_frame
    except PlaywrightError:  # requests of service workers have no frame
        return False


class PageClosed(RuntimeError):
    """The watcher's page is gone (closed and collected)."""


class Navigation:
    """Listens to the main frame's document requests of one page."""

    def __init__(self, page: Page) -> None:
        self._page = ref(page)
        self.status: int | None = None  # status of the last document response
        self.path = ""  # its path (never the query: it could carry anything)
        self.failure = ""  # Chromium's error text of the last failed navigation
        self.pending = 0  # document requests sent and not yet answered
        # Told of every screen recognised on this page (a journey's capture): (page, screen
        # object, or None for a page no screen matches).
        self.watchers: list[Callable[[Page, object], None]] = []
        # Told before each submit, while the document about to be left is still on screen
        # (a journey's web vitals are read then).
        self.leaving: list[Callable[[], None]] = []
        # A trace of the page is being recorded (``run_journey(..., trace=…)``): each step is
        # then a group of it. Playwright's client keeps that state to itself.
        self.traced = False
        # Main-frame documents committed so far, and whether the last one has reached
        # DOMContentLoaded: a submit then waits only for what has not happened yet.
        self.navigations = 0
        self.loaded = False
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_failed)
        page.on("framenavigated", self._on_navigated)
        page.on("domcontentloaded", self._on_loaded)

    @classmethod
    def of(cls, page: Page) -> Navigation:
        """The page's watcher, attached on first use (before the first navigation)."""
        watcher = _WATCHERS.get(page)
        if watcher is None:
            watcher = _WATCHERS[page] = cls(page)
        return watcher

    def saw(self, screen: object) -> None:
        """Tell the watchers of the screen just recognised (``pages.base.identify``)."""
        for watcher in list(self.watchers):
            watcher(self.page, screen)

    @property
    def page(self) -> Page:
        page = self._page()
        if page is None:
            raise PageClosed("the page of this navigation watcher was closed")
        return page

    def _is_document(self, request: Request) -> bool:
        return is_document(self._page(), request)

    def _on_request(self, request: Request) -> None:
        if self._is_document(request):
            self.pending += 1
            self.failure = ""

    def _on_response(self, response: Response) -> None:
        if self._is_document(response.request):
            self.pending = max(0, self.pending - 1)
            self.status = response.status
            self.path = urlsplit(response.url).path

    def _on_navigated(self, frame: Frame) -> None:
        if frame.parent_frame is None:
            self.navigations += 1
            self.loaded = False

    def _on_loaded(self, page: Page) -> None:
        self.loaded = True

    def _on_failed(self, request: Request) -> None:
        if self._is_document(request):
            self.pending = max(0, self.pending - 1)
            self.failure = request.failure or "net::ERR_FAILED"

    @property
    def http_error(self) -> bool:
        return self.status is not None and self.status >= 400

    def http_failure(self, where: str) -> JourneyFailure:
        return JourneyFailure(
            Cause.HTTP_ERROR, f"{where}: the portal answered HTTP {self.status} for {self.path}"
        )

    def goto(self, url: str, timeout_ms: float) -> None:
        """Open ``url`` (step 1); connection errors and timeouts become classified failures."""
        where = "opening the portal"
        try:
            self.page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
        except PlaywrightTimeoutError:
            raise slow(where, timeout_ms) from None
        except PlaywrightError as error:
            raise network_failure(str(error), where) from None

    def submit(self, action: Callable[[], None], where: str, timeout_ms: float) -> None:
        """Run ``action`` (a click or Enter) and wait until the next document has loaded.

        A click waits for the navigation it starts to commit, so the wait for a new document
        and for its DOMContentLoaded is asked of the browser only when the events that end
        it have not come yet (each wait is several messages to the browser)."""
        for listener in list(self.leaving):
            listener()
        page, before = self.page, self.navigations
        try:
            action()
            if self.navigations == before:
                main = page.main_frame
                page.wait_for_event(
                    "framenavigated", predicate=lambda frame: frame == main, timeout=timeout_ms
                )
            if not self.loaded:
                page.wait_for_load_state("domcontentloaded", timeout=timeout_ms)
        except PlaywrightTimeoutError:
            if self.failure:
                raise network_failure(self.failure, where) from None
            if self.pending:
                raise slow(where, timeout_ms) from None
            raise JourneyFailure(
                Cause.UNEXPECTED_PAGE, f"{where}: the page did not change (markup changed?)"
            ) from None
        except PlaywrightError as error:
            raise network_failure(self.failure or str(error), where) from None
        if self.failure:
            raise network_failure(self.failure, where)
