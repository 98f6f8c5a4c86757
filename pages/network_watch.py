"""Per-step network timings and web vitals, read while a journey runs.

``StepWatch`` listens to the page's requests between ``begin()`` and ``end()`` of each step:
the time to first byte of the step's first document request, its slowest request, every
request answered with status >= 400 or failing (path only), and the web vitals of the document
on screen at the end of the step, read from the browser's Performance APIs
(``PerformanceObserver`` with ``buffered: true``, W3C Performance Timeline §5;
``performance.getEntriesByType('navigation')``, Navigation Timing Level 2).

The vitals of a document are read as it is left (before the submit that leaves it) or as the
journey ends, as the web-vitals library reports them when a page is hidden: right after a
document loads it has not painted yet, and its largest paint and its layout shifts are final
only once it is left. A document still unpainted when the journey ends is given its first
paint (``PAINT_WAIT_MS`` at most).
"""

from __future__ import annotations

from contextlib import suppress
from time import perf_counter
from urllib.parse import urlsplit
from weakref import ref

from playwright.sync_api import CDPSession, Page, Request, Response
from playwright.sync_api import Error as PlaywrightError

from pages.navigation import Navigation, PageClosed, is_document
from pages.timings import FailedRequest, StepNetwork, WebVitals

#: The longest wait for a document's first paint, when the journey ends on it unpainted.
PAINT_WAIT_MS = 500

#: Buffered entries of each type, taken at once, then those the observer is still to deliver;
#: first, for a document with text and no paint yet, its first paint.
VITALS_SCRIPT = """async (paintWaitMs) => {
  const painted = () => performance.getEntriesByType('paint').length > 0;
  if (!painted() && document.body && document.body.innerText.trim()) {
    await new Promise((resolve) => {
      const observer = new PerformanceObserver(() => { observer.disconnect(); resolve(); });
      observer.observe({ type: 'paint' });
      setTimeout(() => { observer.disconnect(); resolve(); }, paintWaitMs);
    });
  }
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
        self._on_screen: list[StepNetwork] = []  # the steps that ended on the document shown
        self.reading_ms = 0.0  # time spent reading vitals: not the portal's
        self._devtools: CDPSession | None = None  # opened at the first reading
        self._listeners = {
            "request": self._on_request,
            "requestfinished": self._on_finished,
            "requestfailed": self._on_failed,
            "response": self._on_response,
        }
        if page is not None:
            for event, listener in self._listeners.items():
                page.on(event, listener)
            Navigation.of(page).leaving.append(self.read_vitals)

    def close(self) -> None:
        """Read the vitals of the document the journey ended on, and stop listening (the
        journey is over; the page may live on in its context)."""
        self.read_vitals()
        page = self._page()
        if page is None:
            return
        for event, listener in self._listeners.items():
            with suppress(PlaywrightError, ValueError):
                page.remove_listener(event, listener)
        with suppress(ValueError, PageClosed):
            Navigation.of(page).leaving.remove(self.read_vitals)

    def begin(self) -> None:
        self._current = StepNetwork()

    def end(self) -> StepNetwork:
        """The step's record; its web vitals are those of the document on screen now, read
        as it is left. A step that loaded a document of its own was left by the steps before
        it (whose vitals were read then, or never when it went without a submit)."""
        step, self._current = self._current, StepNetwork()
        if step.ttfb_ms is not None:
            self._on_screen = []
        self._on_screen.append(step)
        return step

    def read_vitals(self) -> None:
        """Give the steps that ended on the document shown its web vitals (None when the page
        cannot run a script any more: closed, crashed, or navigating)."""
        steps, self._on_screen = self._on_screen, []
        page = self._page()
        if not steps or page is None:
            return
        started = perf_counter()
        with suppress(PlaywrightError):
            if read := self._evaluate(page):
                vitals = _vitals(read)
                for step in steps:
                    step.vitals = vitals
        self.reading_ms += (perf_counter() - started) * 1000

    def _evaluate(self, page: Page) -> object:
        """``VITALS_SCRIPT``'s answer, through a DevTools session of the page (the suite drives
        Chromium; the session ends with the page): a plain evaluation, without the helper
        script ``page.evaluate`` first puts in each document, about half a reading's time."""
        if self._devtools is None:
            self._devtools = page.context.new_cdp_session(page)
        answer = self._devtools.send(
            "Runtime.evaluate",
            {
                "expression": f"({VITALS_SCRIPT})({PAINT_WAIT_MS})",
                "awaitPromise": True,
                "returnByValue": True,
            },
        )
        return answer.get("result", {}).get("value")

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
