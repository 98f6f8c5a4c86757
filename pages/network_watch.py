"""Per-step network timings and web vitals, read while a journey runs.

``StepWatch`` listens to the page's requests between ``begin()`` and ``end()`` of each step:
the time to first byte of the step's first document request, its slowest request, every
request answered with status >= 400 or failing (path only), and, at the end of the step, the
web vitals of the document on screen, read from the browser's Performance APIs
(``PerformanceObserver`` with ``buffered: true``, W3C Performance Timeline §5;
``performance.getEntriesByType('navigation')``, Navigation Timing Level 2).
"""

from __future__ import annotations

from contextlib import suppress
from urllib.parse import urlsplit
from weakref import ref

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request, Response

from pages.navigation import is_document
from pages.timings import FailedRequest, StepNetwork, WebVitals

#: Buffered entries of each type, taken at once, then those the observer is still to deliver.
VITALS_SCRIPT = """async () => {
  const read = (type) => new Promise((resolve) => {
    const seen = [];
    try {
      const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
      observer.observe({ type, buffered: true });
      seen.push(...observer.takeRecords());
      setTimeout(() => { seen.push(...observer.takeRecords()); observer.disconnect();
                         resolve(seen); }, 0);
    } catch (error) { resolve(seen); }
  });
  const [lcp, shifts, paints] = await Promise.all(
    [read('largest-contentful-paint'), read('layout-shift'), read('paint')]);
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = paints.find((entry) => entry.name === 'first-contentful-paint');
  return {
    lcp_ms: lcp.length ? lcp[lcp.length - 1].startTime : null,
    fcp_ms: fcp ? fcp.startTime : null,
    cls: shifts.filter((s) => !s.hadRecentInput).reduce((sum, s) => sum + s.value, 0),
    ttfb_ms: nav && nav.responseStart > 0 ? nav.responseStart : null,
  };
}"""


def _ms(value: object) -> float | None:
    return round(float(value), 1) if isinstance(value, int | float) and value >= 0 else None


def _vitals(read: dict) -> WebVitals:
    """Milliseconds to 0.1 ms; CLS (a unitless score) to 4 decimals."""
    cls = read.get("cls")
    return WebVitals(
        lcp_ms=_ms(read.get("lcp_ms")),
        fcp_ms=_ms(read.get("fcp_ms")),
        cls=round(float(cls), 4) if isinstance(cls, int | float) and cls >= 0 else None,
        ttfb_ms=_ms(read.get("ttfb_ms")),
    )


class StepWatch:
    """The requests of one page, gathered step by step."""

    def __init__(self, page: Page | None) -> None:
        # A journey's record never keeps its page alive; None: bookkeeping without a browser.
        self._page = ref(page) if page is not None else lambda: None
        self._current = StepNetwork()
        self._vitals: WebVitals | None = None  # the last reading, of the document on screen
        self._listeners = {
            "request": self._on_request,
            "requestfinished": self._on_finished,
            "requestfailed": self._on_failed,
            "response": self._on_response,
        }
        for event, listener in self._listeners.items():
            if page is not None:
                page.on(event, listener)

    def close(self) -> None:
        """Stop listening (the journey is over; the page may live on in its context)."""
        page = self._page()
        for event, listener in self._listeners.items():
            with suppress(PlaywrightError, ValueError):
                if page is not None:
                    page.remove_listener(event, listener)

    def begin(self) -> None:
        self._current = StepNetwork()

    def end(self) -> StepNetwork:
        """The step's record, with the web vitals of the page on screen (None when the page
        cannot run a script any more: closed, crashed, or navigating). A step that requested
        nothing left the document the previous step read: that reading is kept."""
        step, self._current = self._current, StepNetwork()
        page = self._page()
        if step.requests == 0 and self._vitals is not None:
            step.vitals = self._vitals
            return step
        self._vitals = None
        with suppress(PlaywrightError):
            read = page.evaluate(VITALS_SCRIPT) if page is not None else {}
            if read:
                step.vitals = self._vitals = _vitals(read)
        return step

    def _on_request(self, request: Request) -> None:
        self._current.requests += 1

    def _on_finished(self, request: Request) -> None:
        step = self._current
        with suppress(PlaywrightError):
            timing = request.timing
            took = _ms(timing.get("responseEnd"))
            if took is not None and (step.slowest_ms is None or took > step.slowest_ms):
                step.slowest_ms, step.slowest_path = took, urlsplit(request.url).path
            if step.ttfb_ms is None and is_document(self._page(), request):
                step.ttfb_ms = _ms(timing.get("responseStart"))

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            path = urlsplit(response.url).path
            failed = FailedRequest(response.request.method, path, response.status)
            self._current.failed.append(failed)

    def _on_failed(self, request: Request) -> None:
        error = request.failure or "net::ERR_FAILED"
        failed = FailedRequest(request.method, urlsplit(request.url).path, None, error)
        self._current.failed.append(failed)
