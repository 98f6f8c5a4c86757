"""The portal's security rules (docs/portal.md "Behaviour"): TOTP window and replay, lockout,
enrollment expiry.

Every function that changes an ``Account`` must be called with ``Store.lock`` held.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import pyotp

from sandbox.store import Account, Store

DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}
# RFC 6238 §5.2: accept one step of drift each way, and no more.
WINDOW = 1


class CodeCheck(StrEnum):
    """Outcome of a submitted code; REPLAYED and REJECTED look the same to the person."""

    OK = "ok"
    REJECTED = "code_rejected"
    REPLAYED = "code_replayed"


def new_secret() -> str:
    """A fresh base32 secret of 160 bits (RFC 4226 §4, R6 recommends 160)."""
    return pyotp.random_base32(32)


def totp(secret: str, variants: dict[str, Any]) -> pyotp.TOTP:
    """The generator for ``secret`` with the account's algorithm, digits and period."""
    return pyotp.TOTP(
        secret,
        digits=variants["digits"],
        digest=DIGESTS[variants["algorithm"]],
        interval=variants["period"],
    )


def provisioning_uri(cip: str, secret: str, variants: dict[str, Any], issuer: str) -> str:
    """The Key URI ``otpauth://totp/ISSUER:CIP?secret=...&issuer=...`` (issuer URL-encoded).

    pyotp omits parameters equal to Google Authenticator's defaults, as the Key URI format
    allows; non-default algorithm, digits and period are always present.
    """
    return totp(secret, variants).provisioning_uri(name=cip, issuer_name=issuer)


def check_code(
    secret: str, variants: dict[str, Any], code: str, now: float, last_step: int | None
) -> tuple[CodeCheck, int | None]:
    """Check ``code`` against steps now-1..now+1; each step is accepted once per account.

    A step at or before ``last_step`` is a replay (RFC 6238 §5.2, NIST SP 800-63B §5.1.4.2).
    Returns the outcome and, when OK, the step to remember.
    """
    code = code.replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == variants["digits"]):
        return CodeCheck.REJECTED, None
    generator = totp(secret, variants)
    period = variants["period"]
    current = int(now // period)
    matched = [
        step
        for step in range(current - WINDOW, current + WINDOW + 1)
        if hmac.compare_digest(generator.at(step * period), code)
    ]
    fresh = [step for step in matched if last_step is None or step > last_step]
    if fresh:
        return CodeCheck.OK, max(fresh)
    return (CodeCheck.REPLAYED if matched else CodeCheck.REJECTED), None


#: The notices a portal may show after the password and after the code (docs/portal.md,
#: "Page objects"): the account's ``notices`` variant picks one of them, or all.
NOTICES_AFTER: dict[str, tuple[str, ...]] = {
    "password": ("expiry",),
    "code": ("acknowledge", "remember-device"),
}


def notices(variants: dict[str, Any], moment: str) -> list[str]:
    """The notices to show after ``moment`` ("password" or "code"), in order."""
    chosen = variants["notices"]
    return [kind for kind in NOTICES_AFTER[moment] if chosen in (kind, "all")]


def is_locked(account: Account, now: float) -> bool:
    """True while a lockout runs; an expired lockout is lifted and the counter reset."""
    if account.locked_until is None:
        return False
    if now < account.locked_until:
        return True
    account.locked_until = None
    account.consecutive_failures = 0
    return False


def register_failure(
    store: Store, account: Account, event: str, now: float, config: dict[str, Any]
) -> bool:
    """Count one failed password or code; lock at the threshold. True if now locked."""
    store.record(account.cip, event, now)
    account.consecutive_failures += 1
    if account.consecutive_failures >= config["LOCKOUT_THRESHOLD"]:
        account.locked_until = now + config["LOCKOUT_SECONDS"]
        store.record(account.cip, "locked", now)
        return True
    return False


def enrollment_expired(account: Account, now: float, ttl: float) -> bool:
    """An enrollment not confirmed within ``ttl`` seconds is void (docs/portal.md "Behaviour")."""
    return account.pending_since is None or now - account.pending_since >= ttl


def pending_secret(
    account: Account, now: float, ttl: float, make: Callable[[], str] = new_secret
) -> str:
    """The secret to show on the set-up page: the current one, or a new one (``make()``,
    base32) once expired."""
    if account.pending_secret is None or enrollment_expired(account, now, ttl):
        account.pending_secret = make()
        account.pending_since = now
    return account.pending_secret


def complete_enrollment(
    store: Store, account: Account, device_name: str, now: float, *, login_done: bool = True
) -> None:
    """The pending secret becomes the account's secret and the device is listed.

    ``login_done`` False: the login goes on (an identity server's further required
    actions), so ``login_ok`` is recorded later, by whoever ends it.
    """
    account.secret = account.pending_secret
    account.pending_secret = None
    account.pending_since = None
    account.enrolled = True
    account.devices.append(device_name)
    account.consecutive_failures = 0
    store.record(account.cip, "enrolled", now)
    if login_done:
        store.record(account.cip, "login_ok", now)


def reset_enrollment(account: Account) -> None:
    """Forget the device and secret: the next login shows the set-up page again."""
    account.secret = None
    account.enrolled = False
    account.devices.clear()
    account.pending_secret = None
    account.pending_since = None
    # Replay protection is per secret; a new secret starts with a clean history.
    account.last_accepted_step = None
