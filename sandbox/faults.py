"""Fault injection: latency and forced 500 per path prefix, outage, clock offset, and
broken application pages (``broken_pages``: answered by ``sandbox.apps`` with an error).

Faults apply to portal pages only, never to the admin API under ``/_sandbox/``, so a test
can always clear what it injected. The clock offset is read by ``Sandbox.now`` (TOTP,
lockouts, expiry, and the HTTP Date header set in ``security.py``).
"""

from __future__ import annotations

import math
from typing import Any

from flask import Flask, request

from sandbox.core import current
from sandbox.store import Faults
from sandbox.views import message_page

ADMIN_PREFIX = "/_sandbox"
MAX_LATENCY = 120.0  # seconds; a latency fault is bounded like every other loop here
MAX_CLOCK_OFFSET = 10 * 365 * 86400.0


class FaultError(ValueError):
    """A fault specification the sandbox refuses; the message says what is expected."""


def _longest_prefix(path: str, prefixes: list[str]) -> str | None:
    matching = [p for p in prefixes if path.startswith(p)]
    return max(matching, key=len) if matching else None


def _apply() -> Any:
    """``before_request`` hook: sleep, then answer 503 (outage) or 500 (forced) if asked."""
    if request.path.startswith(ADMIN_PREFIX):
        return None
    sandbox = current()
    store = sandbox.store
    with store.lock:
        faults = Faults(**store.faults.as_dict())
    prefix = _longest_prefix(request.path, list(faults.latency))
    if prefix is not None:
        sandbox.pause(faults.latency[prefix])
    if faults.outage:
        return message_page(503)
    if _longest_prefix(request.path, faults.error_500) is not None:
        return message_page(500)
    return None


def _number(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FaultError(f"{name} must be a number of seconds, not {value!r}")
    if not low <= value <= high:
        raise FaultError(f"{name} must be between {low:g} and {high:g} seconds")
    return float(value)


def _prefix(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith("/"):
        raise FaultError(f"path prefixes must be strings starting with '/', not {value!r}")
    return value


def update(faults: Faults, spec: dict[str, Any]) -> None:
    """Merge ``spec`` (keys of ``AdminClient.set_faults``) into ``faults`` after validation."""
    unknown = set(spec) - {"latency", "error_500", "outage", "clock_offset", "broken_pages"}
    if unknown:
        raise FaultError(f"unknown fault(s): {', '.join(sorted(unknown))}")
    changes: dict[str, Any] = {}
    if spec.get("latency") is not None:
        if not isinstance(spec["latency"], dict):
            raise FaultError("latency must be an object mapping path prefixes to seconds")
        changes["latency"] = {
            _prefix(k): _number("latency", v, 0, MAX_LATENCY) for k, v in spec["latency"].items()
        }
    if spec.get("error_500") is not None:
        if not isinstance(spec["error_500"], list):
            raise FaultError("error_500 must be a list of path prefixes")
        changes["error_500"] = [_prefix(p) for p in spec["error_500"]]
    if spec.get("broken_pages") is not None:
        if not isinstance(spec["broken_pages"], list):
            raise FaultError("broken_pages must be a list of path prefixes")
        changes["broken_pages"] = [_prefix(p) for p in spec["broken_pages"]]
    if spec.get("outage") is not None:
        if not isinstance(spec["outage"], bool):
            raise FaultError("outage must be true or false")
        changes["outage"] = spec["outage"]
    if spec.get("clock_offset") is not None:
        changes["clock_offset"] = _number(
            "clock_offset", spec["clock_offset"], -MAX_CLOCK_OFFSET, MAX_CLOCK_OFFSET
        )
    for key, value in changes.items():
        setattr(faults, key, value)


def broken(faults: Faults, path: str) -> bool:
    """Whether the application page at ``path`` is to show an error (``broken_pages``)."""
    return _longest_prefix(path, faults.broken_pages) is not None


def init_app(app: Flask) -> None:
    app.before_request(_apply)
