"""What the network and the browser said about one step: typed, plain data, JSON-ready.

``JourneyResult.network`` holds one ``StepNetwork`` per step id (the keys of
``JourneyResult.steps``). Times are milliseconds; a value the browser did not give is None.
Paths only, never a query string: a query can carry anything (a code, a token).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FailedRequest:
    """A request the portal answered with status >= 400, or that never got an answer."""

    method: str
    path: str
    status: int | None = None  # None: a network error (``error`` says which)
    error: str = ""


@dataclass(frozen=True)
class WebVitals:
    """Core Web Vitals and their helpers as the browser measured the document on screen at the
    end of the step (web.dev/articles/vitals; W3C Paint Timing, Largest Contentful Paint,
    Layout Instability and Navigation Timing Level 2)."""

    lcp_ms: float | None = None  # largest-contentful-paint, last candidate
    fcp_ms: float | None = None  # first-contentful-paint
    cls: float | None = None  # sum of layout shifts without recent input
    ttfb_ms: float | None = None  # the navigation entry's responseStart


@dataclass
class StepNetwork:
    """One step's requests: its navigation's time to first byte, its slowest request, the
    requests that failed, and the web vitals of the page it left."""

    requests: int = 0
    ttfb_ms: float | None = None  # first document request of the step (Playwright timing)
    slowest_ms: float | None = None
    slowest_path: str = ""
    failed: list[FailedRequest] = field(default_factory=list)
    vitals: WebVitals | None = None
