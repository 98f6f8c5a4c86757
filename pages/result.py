"""The outcome of one journey, shared by tests, monitors and reports.

A journey never knows who called it: it returns a ``JourneyResult`` and the caller (pytest,
the monitor runner, the CLI) decides what a failure means. Nothing in a result may hold a
secret: ``error`` is a one-line, human description written by the journey.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class Cause(StrEnum):
    """Why a journey or a probe failed, in the words ops is alerted with.

    The journeys' causes come first; the others are the probe's own: a certificate or the
    monitoring account's password about to expire, an account the vault holds no secret for,
    the probe itself breaking (browser crash, hard timeout) without the portal being to
    blame, and the certificate faults the credential-free up-check finds (expired, not
    trusted).
    """

    UNREACHABLE = "unreachable"
    HTTP_ERROR = "http_error"
    SLOW = "slow"
    CREDENTIALS_REJECTED = "credentials_rejected"
    CODE_REJECTED = "code_rejected"
    CLOCK_SKEW = "clock_skew"
    LOCKED_OUT = "locked_out"
    UNEXPECTED_PAGE = "unexpected_page"
    QR_UNREADABLE = "qr_unreadable"
    TLS_EXPIRING = "tls_expiring"
    PASSWORD_EXPIRING = "password_expiring"
    NOT_ENROLLED = "not_enrolled"
    PROBE_ERROR = "probe_error"
    TLS_EXPIRED = "tls_expired"
    TLS_INVALID = "tls_invalid"
    ACCOUNT_PAUSED = "account_paused"
    ACTION_REQUIRED = "action_required"
    APP_CHECK_FAILED = "app_check_failed"

    @property
    def words(self) -> str:
        return CAUSE_WORDS[self]


CAUSE_WORDS: dict[Cause, str] = {
    Cause.UNREACHABLE: "the portal could not be reached",
    Cause.HTTP_ERROR: "the portal answered with an HTTP error",
    Cause.SLOW: "the portal answered too slowly",
    Cause.CREDENTIALS_REJECTED: "the portal refused the CIP or password",
    Cause.CODE_REJECTED: "the portal refused the authenticator code",
    Cause.CLOCK_SKEW: "the clocks of the portal and of the probe disagree",
    Cause.LOCKED_OUT: "the account is locked",
    Cause.UNEXPECTED_PAGE: "the portal showed a page the journey does not know (markup changed?)",
    Cause.QR_UNREADABLE: "the enrollment QR code could not be read",
    Cause.TLS_EXPIRING: "the portal's TLS certificate expires soon",
    Cause.PASSWORD_EXPIRING: (
        "the monitoring account's password expires soon: change it before probes fail"
    ),
    Cause.NOT_ENROLLED: "the account has no active enrollment in the vault",
    Cause.PROBE_ERROR: (
        "the probe itself failed (browser crash or timeout), not necessarily the portal"
    ),
    Cause.TLS_EXPIRED: "the portal's TLS certificate has expired",
    Cause.TLS_INVALID: "the portal's TLS certificate is not trusted (wrong name, unknown issuer)",
    Cause.ACCOUNT_PAUSED: "the account is paused to protect it from lockout",
    Cause.ACTION_REQUIRED: (
        "the portal asks for something the suite must not do (a new password, terms to accept)"
    ),
    Cause.APP_CHECK_FAILED: "the login worked but a page of the application after it did not",
}


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Limits:
    """Time budget of a journey: past ``max_ms`` (overall) or a step's bound it fails as ``slow``.

    ``timeout_ms`` bounds each wait on the page, so a hung portal ends the journey instead of
    the probe; step ids are those of ``JourneyResult.steps``.
    """

    max_ms: float | None = None
    step_max_ms: dict[str, float] = field(default_factory=dict)
    timeout_ms: float = 30_000


@dataclass(kw_only=True)
class JourneyResult:
    """ok, the cause when not ok, and how long each seed step took (milliseconds)."""

    journey: str  # "first_access" or "later_login"
    target: str  # base URL
    cip: str
    ok: bool = False
    cause: Cause | None = None
    error: str = ""  # one line, never a secret
    failed_step: str = ""  # title of the step that failed, if any
    steps: dict[str, float] = field(default_factory=dict)
    duration_ms: float = 0.0
    started_at: str = field(default_factory=_now_iso)
    clock_offset_s: float | None = None  # the portal's clock minus ours, when it was measured
    # Time the authenticator waited for an unused TOTP step: not the portal's time, so it is
    # left out of ``steps`` and ``duration_ms``.
    code_wait_ms: float = 0.0
    # The seed's proof that step 7 succeeded (« Vous avez maintenant accès à votre
    # eEspresso »), on the home page or on a confirmation page of its own.
    success_text_seen: bool = False
    # What the journey met and went past without changing anything: notices between steps
    # ({"kind": "password_expiring", "days": 5, "text": …}, {"kind": "interstitial", …}) and
    # remarks such as a confirmation page without a way on. Portal text only, never a secret.
    warnings: list[dict[str, object]] = field(default_factory=list)
    # When the portal says the password expires (Unix time); None until a journey reads it.
    password_expires_at: float | None = None
    # Masked PNG of the screen at the end of each step (for the failed step: the failing
    # screen), only when the caller asked for them (``run_journey(..., screenshots=True)``).
    screens: dict[str, bytes] = field(default_factory=dict, repr=False)

    @classmethod
    def not_run(
        cls, journey: str, target: str, cip: str, cause: Cause, error: str, duration_ms: float = 0
    ) -> JourneyResult:
        """The result of a journey that could not run (no browser, no enrolled secret)."""
        return cls(
            journey=journey,
            target=target,
            cip=cip,
            cause=cause,
            error=error,
            duration_ms=round(duration_ms, 1),
        )

    def warn(self, kind: str, text: str, **details: object) -> dict[str, object] | None:
        """Add a warning once (the same notice met twice is one); the new warning or None."""
        warning = {"kind": kind, **details, "text": " ".join(text.split())[:300]}
        if warning in self.warnings:
            return None
        self.warnings.append(warning)
        return warning

    def to_json(self) -> dict:
        """The one-line JSON of the journey CLI (`--json`); screenshots are not text."""
        data = asdict(self)
        data.pop("screens")
        data["cause"] = self.cause.value if self.cause else None
        return data
