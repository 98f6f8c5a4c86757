"""How far the portal's clock is from ours, from the HTTP ``Date`` header.

The seed asks for "a computer and a mobile at the same time": a portal whose clock drifts
refuses correct codes. ``Date`` (RFC 9110 §6.6.1) has a one-second resolution and is stamped
somewhere between sending the request and receiving the answer, so one sample only bounds the
offset to [Date - t_received, Date + 1 - t_sent]. Intersecting the bounds of several samples,
spread over a second, narrows that interval; its middle is the estimate, half its width the
uncertainty.
"""

from __future__ import annotations

import logging
import os
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from authenticator.errors import ClockError

log = logging.getLogger(__name__)
WARN_SECONDS = 10.0  # beyond this the portal's ±1 step window is at risk


@dataclass(frozen=True)
class ClockOffset:
    """Portal time minus local time (seconds) and the half-width of its interval."""

    seconds: float
    uncertainty: float
    samples: int


def estimate_offset(
    base_url: str,
    samples: int = 5,
    timeout: float = 5.0,
    *,
    cafile: str | os.PathLike[str] | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> ClockOffset:
    """Estimate the portal's clock offset from ``samples`` HEAD requests to ``base_url``.

    ``cafile`` trusts an extra certificate (the HTTPS sandbox's self-signed one). Raises
    ``ClockError`` (one line) when the portal cannot be reached or sends no ``Date``. Logs a
    warning when the offset exceeds ``WARN_SECONDS``.
    """
    if urlsplit(base_url).scheme.lower() not in ("http", "https"):
        raise ClockError(f"the base URL {base_url[:80]!r} is not an http(s) URL")
    try:
        context = ssl.create_default_context(cafile=os.fspath(cafile)) if cafile else None
    except (OSError, ssl.SSLError) as error:
        raise ClockError(f"cannot use the CA file {cafile}: {error}") from None
    samples = max(1, samples)
    bounds: list[tuple[float, float]] = []
    for index in range(samples):
        if index:
            sleep(1.0 / samples)  # spread the samples over a second: different rounding phases
        sent = clock()
        date = _date_header(base_url, timeout, context)
        received = clock()
        bounds.append((date - received, date + 1.0 - sent))
    low = max(lo for lo, _ in bounds)
    high = min(hi for _, hi in bounds)
    if low > high:  # inconsistent samples (the portal's clock stepped): fall back to the spread
        low, high = min(lo for lo, _ in bounds), max(hi for _, hi in bounds)
    offset = ClockOffset((low + high) / 2, (high - low) / 2, samples)
    if abs(offset.seconds) > WARN_SECONDS:
        log.warning(
            "the clock of %s is %+.1f s (±%.1f s) from this machine's: codes may be refused; "
            "fix NTP or pass the offset to Authenticator",
            base_url,
            offset.seconds,
            offset.uncertainty,
        )
    return offset


def _date_header(base_url: str, timeout: float, context: ssl.SSLContext | None) -> float:
    """The ``Date`` of one response as unix time; an HTTP error status still carries one.

    The HTTP client is imported here: the estimate runs only when a code was refused, and a
    one-shot login should not pay for loading it (``python -X importtime``)."""
    import urllib.error
    import urllib.request
    from email.utils import parsedate_to_datetime

    request = urllib.request.Request(base_url, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            value = response.headers.get("Date")
    except urllib.error.HTTPError as error:
        value = error.headers.get("Date")
        error.close()
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ClockError(f"cannot read the clock of {base_url}: {reason}") from None
    if not value:
        raise ClockError(f"{base_url} sends no Date header: its clock cannot be checked")
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        raise ClockError(f"{base_url} sends an unreadable Date header") from None
