"""Submitting a one-time code and judging the portal's answer, clock drift included.

The seed warns that the computer and the phone must be « à la même heure »: a portal whose
clock is off by more than a time step refuses every code. So a refused code is diagnosed: the
server's clock is estimated from its HTTP ``Date`` header (``authenticator.estimate_offset``)
and, only when the offset is *known* to exceed one step, the cause is ``clock_skew``. With
compensation on, the journey then retries once with that offset applied, never blindly: a
blind retry is one more failure towards the lockout (5 failures, docs/portal.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from authenticator import (
    Authenticator,
    ClockError,
    Code,
    CodeWaitError,
    OtpAccount,
    Vault,
    estimate_offset,
)
from pages.failures import JourneyFailure
from pages.notices import go_past_notices
from pages.result import Cause, JourneyResult
from pages.screens import ActionRequiredPage, BaseScreen, LoginPage
from pages.steps import Attempt, JourneyRun

#: The screen (or screens) that show a code was accepted.
Accepted = type[BaseScreen] | tuple[type[BaseScreen], ...]

# A claimed step can be lost to another process between reading and claiming: try a few.
_CLAIM_ATTEMPTS = 3
_OFFSET_SAMPLES = 3


def claim_fresh_code(
    auth: Authenticator, vault: Vault, base_url: str, cip: str, account: OtpAccount
) -> Code:
    """A code for a time step no process has used yet for this account, claimed in the vault."""
    entry = vault.get(base_url, cip)
    after = entry.last_step if entry else None
    for _ in range(_CLAIM_ATTEMPTS):
        try:
            code = auth.next_code(account, after_step=after)
        except CodeWaitError as error:  # the vault's last step is far ahead of this clock
            raise JourneyFailure(Cause.CLOCK_SKEW, str(error)) from None
        if vault.claim_step(base_url, cip, code.step):
            return code
        after = code.step  # another process took this step meanwhile
    raise JourneyFailure(Cause.CODE_REJECTED, "no unused time step could be claimed in the vault")


def known_skew(base_url: str, auth: Authenticator, period: int, timeout_s: float) -> float | None:
    """The server's clock minus ours, when it is surely more than one step; else ``None``."""
    try:
        offset = estimate_offset(base_url, samples=_OFFSET_SAMPLES, timeout=timeout_s)
    except (ClockError, OSError, ValueError):  # no estimate means "unknown", never a guess
        return None
    drift = offset.seconds - auth.offset
    if abs(drift) - offset.uncertainty > period:
        return offset.seconds
    return None


@dataclass
class Confirmation:
    """One account's code confirmation during a journey (enrollment or later login)."""

    vault: Vault
    base_url: str
    cip: str
    account: OtpAccount
    auth: Authenticator
    result: JourneyResult
    attempt: Attempt
    compensate_clock: bool = False
    timeout_s: float = 5.0
    _step: int = -1  # the step of the last code handed out
    # The screen after a code, past the notices a portal may show first (a "remember this
    # device" question): they are not the code's verdict.
    settle: Callable[[BaseScreen], BaseScreen] = field(default=lambda screen: screen)

    @classmethod
    def for_run(
        cls,
        run: JourneyRun,
        vault: Vault,
        account: OtpAccount,
        authenticator: Authenticator | None,
        compensate_clock: bool,
    ) -> Confirmation:
        """The confirmation of ``account``'s codes during ``run``."""
        result = run.result
        auth = authenticator or Authenticator()
        return cls(
            vault,
            result.target,
            result.cip,
            account,
            auth,
            result,
            run.attempt,
            compensate_clock,
            settle=lambda screen: go_past_notices(screen, result, "the code"),
        )

    def code(self) -> str:
        """A fresh, claimed code to type (never a step any process used before); the guard
        records the submission before the code leaves this method."""
        code = claim_fresh_code(self.auth, self.vault, self.base_url, self.cip, self.account)
        self._step = code.step
        self.result.code_wait_ms = round(self.result.code_wait_ms + code.waited * 1000, 1)
        self.attempt.submitting("code")
        return code.value

    def submit(self, send: Callable[[str], BaseScreen], accepted: Accepted) -> BaseScreen:
        """Claim a fresh code, ``send`` it, and return the screen that shows it was accepted."""
        return self.check(send(self.code()), accepted, send)

    def check(
        self, screen: BaseScreen, accepted: Accepted, resend: Callable[[str], BaseScreen]
    ) -> BaseScreen:
        """Judge the screen that followed a code: accepted, refused, or refused for the clock."""
        screen = self.settle(screen)
        if isinstance(screen, accepted):
            return self._activate(screen)
        self._raise_if_action_required(screen)
        self._raise_if_not_a_refusal(screen)
        skew = known_skew(self.base_url, self.auth, self.account.period, self.timeout_s)
        if skew is None:
            raise JourneyFailure(Cause.CODE_REJECTED, "the portal refused the authenticator code")
        self.result.clock_offset_s = round(skew, 1)
        if not self.compensate_clock:
            raise JourneyFailure(
                Cause.CLOCK_SKEW,
                f"the portal refused the code and its clock is {skew:+.0f} s off ours",
            )
        # Retry once, knowingly: the phone's clock set to the portal's. The refused step was
        # never used at the portal; left claimed, a portal behind us would block every code
        # of its slower clock until it caught up (vault.release_step).
        self.vault.release_step(self.base_url, self.cip, self._step)
        self.auth = Authenticator(
            offset=skew, min_seconds_left=self.auth.min_seconds_left, max_wait=self.auth.max_wait
        )
        screen = self.settle(resend(self.code()))
        if isinstance(screen, accepted):
            return self._activate(screen)
        self._raise_if_action_required(screen)
        self._raise_if_not_a_refusal(screen)
        raise JourneyFailure(
            Cause.CLOCK_SKEW,
            f"the portal's clock is {skew:+.0f} s off and refused the compensated code too",
        )

    def _activate(self, screen: BaseScreen) -> BaseScreen:
        self.vault.activate(self.base_url, self.cip)
        self.attempt.proven()
        return screen

    def _raise_if_action_required(self, screen: BaseScreen) -> None:
        """A required action after the code (Keycloak runs them once the login is complete):
        the code was accepted, so the secret is kept as active; the journey ends there."""
        if isinstance(screen, ActionRequiredPage):
            self._activate(screen)
            raise screen.failure("the code")

    @staticmethod
    def _raise_if_not_a_refusal(screen: BaseScreen) -> None:
        """A refused code comes back to a code form; anything else has its own cause."""
        if (failure := screen.failure("the code")) is not None:
            raise failure
        if isinstance(screen, LoginPage):
            said = screen.error_message()
            raise JourneyFailure(
                Cause.UNEXPECTED_PAGE,
                "the portal went back to the login page after the code"
                + (f" saying « {said} »" if said else ""),
            )
        if not screen.has_error():
            raise JourneyFailure(
                Cause.UNEXPECTED_PAGE, f"after the code the portal showed {screen.label}"
            )
