"""The sandbox's in-memory state: accounts, audit log, server-side sessions, faults.

Waitress serves requests from several threads, so every read-modify-write of this state
happens under ``Store.lock`` (one re-entrant lock is plenty for a test portal). Secrets and
passwords are excluded from every repr so a failing assertion never prints them.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

AUDIT_MAX = 10_000
SESSIONS_MAX = 10_000


@dataclass
class Account:
    """One portal user; ``variants`` holds the lower-case variant keys (qr, layout, ...)."""

    cip: str
    password: str = field(repr=False)
    variants: dict[str, Any]
    secret: str | None = field(default=None, repr=False)
    enrolled: bool = False
    devices: list[str] = field(default_factory=list)
    pending_secret: str | None = field(default=None, repr=False)
    pending_since: float | None = None
    last_accepted_step: int | None = None
    consecutive_failures: int = 0
    locked_until: float | None = None
    # Words every notice of this account shows instead of its own (admin API, notice-words):
    # heading, text, and the name of its button that changes nothing. Any text, so tests can
    # show what a hostile page would (control characters, HTML, Markdown links).
    notice_words: dict[str, str] = field(default_factory=dict)
    # Identity-server required actions still to do at the next login (Keycloak variant):
    # "TERMS_AND_CONDITIONS", "UPDATE_PASSWORD".
    required_actions: list[str] = field(default_factory=list)

    def state(self, now: float) -> dict[str, Any]:
        """What the admin API shows (``AdminClient.account``)."""
        locked = self.locked_until is not None and now < self.locked_until
        return {
            "cip": self.cip,
            "enrolled": self.enrolled,
            "devices": list(self.devices),
            "locked": locked,
            "locked_until": _iso(self.locked_until) if locked else None,
            "consecutive_failures": self.consecutive_failures,
            "last_accepted_step": self.last_accepted_step,
            "pending_secret": self.pending_secret,
            **self.variants,
        }


@dataclass
class Faults:
    """Injected faults: latency and forced 500 per path prefix, outage, clock offset, and
    application pages that show an error instead of their content."""

    latency: dict[str, float] = field(default_factory=dict)
    error_500: list[str] = field(default_factory=list)
    outage: bool = False
    clock_offset: float = 0.0
    broken_pages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "latency": dict(self.latency),
            "error_500": list(self.error_500),
            "outage": self.outage,
            "clock_offset": self.clock_offset,
            "broken_pages": list(self.broken_pages),
        }


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


class Store:
    """All mutable state of one app instance, guarded by one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.accounts: dict[str, Account] = {}
        self.faults = Faults()
        self._audit: deque[dict[str, Any]] = deque(maxlen=AUDIT_MAX)
        self._requests: deque[dict[str, Any]] = deque(maxlen=AUDIT_MAX)
        self._sessions: OrderedDict[str, tuple[dict[str, Any], float]] = OrderedDict()

    # -- audit -------------------------------------------------------------------------
    def record(self, cip: str, event: str, now: float) -> None:
        """Append an audit event (``login_ok``, ``code_replayed``, ...)."""
        with self.lock:
            self._audit.append({"at": _iso(now), "cip": cip, "event": event})

    def audit(self, cip: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(e) for e in self._audit if cip is None or e["cip"] == cip]

    # -- request log: method and path of every portal request, never a body or a query -----
    def log_request(self, method: str, path: str, now: float) -> None:
        with self.lock:
            self._requests.append({"at": _iso(now), "method": method, "path": path})

    def requests(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(r) for r in self._requests]

    # -- server-side sessions (so that logging out really ends a session) ---------------
    def load_session(self, sid: str | None, now: float, idle: float) -> dict[str, Any] | None:
        """The data of session ``sid`` if it exists and was used within ``idle`` seconds."""
        if not sid:
            return None
        with self.lock:
            entry = self._sessions.get(sid)
            if entry is None:
                return None
            data, seen = entry
            if now - seen > idle:
                del self._sessions[sid]
                return None
            return dict(data)

    def save_session(self, sid: str | None, data: dict[str, Any], now: float) -> str:
        """Store ``data`` under ``sid`` (a new random id when None); evict the least recent."""
        with self.lock:
            sid = sid or secrets.token_urlsafe(32)
            self._sessions[sid] = (dict(data), now)
            self._sessions.move_to_end(sid)
            while len(self._sessions) > SESSIONS_MAX:
                self._sessions.popitem(last=False)
            return sid

    def drop_session(self, sid: str | None) -> None:
        with self.lock:
            self._sessions.pop(sid or "", None)

    def session_count(self) -> int:
        with self.lock:
            return len(self._sessions)

    def open_sessions(self, cip: str, now: float, idle: float) -> int:
        """Sessions of account ``cip`` still open: from the accepted password (the portal's and
        the identity server's sessions name it ``cip``, the application's ``user``) until
        logout, lockout, or ``idle`` seconds without a request (the expiry ``load_session``
        applies on the session's next request)."""
        with self.lock:
            return sum(
                1
                for data, seen in self._sessions.values()
                if now - seen <= idle and cip in (data.get("cip"), data.get("user"))
            )
