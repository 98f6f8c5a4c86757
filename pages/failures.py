"""Portal failures as typed exceptions inside the page layer, results outside it.

Page objects raise ``JourneyFailure`` with a cause and a one-line message; journeys catch it and
return a ``JourneyResult``. Messages are
written here, never copied from Playwright: its errors carry call logs that may echo typed
values, so they are reduced to the Chromium error code (``net::ERR_…``) at most. A message may
quote the page (its headings, buttons, alert text): it is made safe to print once, here
(``wording.portal_text``), before it reaches a terminal, a log, the history or an alert.
"""

from __future__ import annotations

import re

from pages.result import Cause
from wording.portal_text import for_terminal

_NET_ERROR = re.compile(r"net::ERR_[A-Z_]+")
# Chromium's network errors that mean "nobody answered at that address".
_UNREACHABLE = (
    "CONNECTION_REFUSED",
    "NAME_NOT_RESOLVED",
    "NAME_RESOLUTION_FAILED",
    "ADDRESS_UNREACHABLE",
    "ADDRESS_INVALID",
    "CONNECTION_RESET",
    "CONNECTION_CLOSED",
    "CONNECTION_FAILED",
    "EMPTY_RESPONSE",
    "INTERNET_DISCONNECTED",
    "NETWORK_CHANGED",
    "SOCKET_NOT_CONNECTED",
)


class JourneyFailure(Exception):
    """A classified portal failure; ``str()`` is the one-line, secret-free message."""

    def __init__(self, cause: Cause, message: str) -> None:
        message = for_terminal(message)
        super().__init__(message)
        self.cause = cause
        self.message = message


def network_failure(error_text: str, where: str) -> JourneyFailure:
    """Classify a Chromium network error (``net::ERR_…``) met while loading ``where``."""
    match = _NET_ERROR.search(error_text or "")
    code = match.group(0) if match else "a network error"
    if "TIMED_OUT" in code:
        return JourneyFailure(Cause.SLOW, f"{where}: the connection timed out ({code})")
    if "CERT" in code or "SSL" in code:
        return JourneyFailure(
            Cause.UNREACHABLE, f"{where}: the portal's TLS certificate was refused ({code})"
        )
    if any(name in code for name in _UNREACHABLE) or not match:
        return JourneyFailure(
            Cause.UNREACHABLE, f"{where}: the portal could not be reached ({code})"
        )
    return JourneyFailure(Cause.UNREACHABLE, f"{where}: the page failed to load ({code})")


def slow(where: str, timeout_ms: float) -> JourneyFailure:
    return JourneyFailure(
        Cause.SLOW, f"{where}: no answer from the portal within {timeout_ms / 1000:.1f} s"
    )


def unexpected(message: str) -> JourneyFailure:
    return JourneyFailure(Cause.UNEXPECTED_PAGE, message)
