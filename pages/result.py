"""The outcome of one journey, shared by tests, monitors and reports.

A journey never knows who called it: it returns a ``JourneyResult`` and the caller (pytest,
the monitor runner, the CLI) decides what a failure means. Nothing in a result may hold a
secret: ``error`` is a one-line, human description written by the journey.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from pages.timings import StepNetwork
from wording.causes import Cause
from wording.notices import JourneyWarning, Notice

__all__ = ["Cause", "JourneyResult", "JourneyWarning", "Limits", "Notice"]


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
    # Per step id: time to first byte, slowest request, failed requests, web vitals.
    network: dict[str, StepNetwork] = field(default_factory=dict)
    duration_ms: float = 0.0
    started_at: str = field(default_factory=_now_iso)
    clock_offset_s: float | None = None  # the portal's clock minus ours, when it was measured
    # Time the authenticator waited for an unused TOTP step: not the portal's time, so it is
    # left out of ``steps`` and ``duration_ms``.
    code_wait_ms: float = 0.0
    # The seed's proof that step 7 succeeded (« Vous avez maintenant accès à votre
    # eEspresso »), on the home page or on a confirmation page of its own.
    success_text_seen: bool = False
    # What the journey met and went past without changing anything, one row of
    # ``wording.notices`` each: notices between steps (a password expiring in ``days``, an
    # interstitial page) and remarks such as a confirmation page without a way on. Portal
    # text only, never a secret.
    warnings: list[JourneyWarning] = field(default_factory=list)
    # Masked PNG of the screen at the end of each step (for the failed step: the failing
    # screen), of the steps the caller asked for (``run_journey(..., screenshots=...)``).
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

    def __post_init__(self) -> None:
        self.warnings = [JourneyWarning.of(w) for w in self.warnings]

    def warn(self, kind: Notice | str, text: str, **fields: object) -> JourneyWarning | None:
        """Add a warning once (the same notice met twice is one); the new warning or None."""
        warning = JourneyWarning(kind, text, fields)
        if warning in self.warnings:
            return None
        self.warnings.append(warning)
        return warning

    def warned(self, kind: Notice) -> bool:
        return any(w.kind == kind for w in self.warnings)

    def to_json(self) -> dict:
        """The one-line JSON of the journey CLI (`--json`); screenshots are not text."""
        data = asdict(self)
        data.pop("screens")
        data["cause"] = self.cause.value if self.cause else None
        data["warnings"] = [w.to_json() for w in self.warnings]
        return data
