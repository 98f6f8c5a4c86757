"""Account safety: a monitor must never be the cause of a lockout (docs/portal.md).

The portal locks an account after 5 consecutive failed logins for 15 minutes and the helpdesk
gets paged. Three independent guards keep a probe far from that line:

* a per-account file lock, so two probes (or a probe and a person running
  ``python -m monitors login``) never log in with the same account at once;
* a pause after 2 consecutive rejections on the account, lifted only by a person
  (``python -m monitors resume ID``): retrying a wrong password cannot fix it;
* a hard budget of 3 failed logins per account per 15 minutes, whatever the config says,
  counted from the history file so a restart does not reset it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from filelock import FileLock, Timeout

from monitors.history import History
from pages.result import Cause

# Rejections that count against the portal's lockout counter. A clock skew is a rejected code
# as far as the portal knows; a locked account is counted too, because some portals extend a
# lockout on every attempt.
LOGIN_FAILURES = frozenset(
    {Cause.CREDENTIALS_REJECTED, Cause.CODE_REJECTED, Cause.CLOCK_SKEW, Cause.LOCKED_OUT}
)
PAUSE_CAUSES = frozenset({Cause.CREDENTIALS_REJECTED, Cause.CODE_REJECTED, Cause.CLOCK_SKEW})
PAUSE_AFTER = 2
BUDGET_FAILURES = 3  # not configurable on purpose: whatever the config says
BUDGET_WINDOW_S = 15 * 60
PAUSE_REASON = "paused to protect the account from lockout"


class AccountBusy(RuntimeError):
    """Another probe or person is logging in with this account right now."""


def account_key(target: str, cip: str) -> str:
    return hashlib.sha256(f"{target.lower()}|{cip}".encode()).hexdigest()[:20]


def account_lock(lock_dir: Path, target: str, cip: str) -> FileLock:
    """A lock file per account, shared by every process that uses the same lock folder."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(lock_dir / f"{account_key(target, cip)}.lock")


def acquire(lock: FileLock, timeout_s: float) -> FileLock:
    try:
        lock.acquire(timeout=timeout_s)
    except Timeout:
        raise AccountBusy("another probe is using this account; try again later") from None
    return lock


def budget_exhausted(history: History, target: str, cip: str, now: float) -> float | None:
    """When the account may be tried again, or None if a failed login is still affordable."""
    since = now - BUDGET_WINDOW_S
    used = history.count_causes(target, cip, LOGIN_FAILURES, since)
    if used < BUDGET_FAILURES:
        return None
    oldest = history.oldest_cause_since(target, cip, LOGIN_FAILURES, since)
    return (oldest or now) + BUDGET_WINDOW_S


def should_pause(history: History, target: str, cip: str) -> bool:
    """True when the account's last ``PAUSE_AFTER`` probes were all rejected logins."""
    causes = history.account_causes(target, cip, PAUSE_AFTER)
    return len(causes) == PAUSE_AFTER and all(c in PAUSE_CAUSES for c in causes)
