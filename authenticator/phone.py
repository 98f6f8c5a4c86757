"""The phone of step 6: shows the code, never one of an already used time step.

The portal accepts a code once (RFC 6238 §5.2, docs/portal.md): typing the code of a step already
accepted fails exactly like a wrong code and counts towards the lockout. A person would wait
for the next code; so does ``next_code``. It also waits when the current code is about to
expire, so it cannot expire between typing and submitting. Time is injectable
(``clock``, ``sleep``) so tests run without waiting real TOTP windows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from authenticator.clock import estimate_offset
from authenticator.errors import CodeWaitError
from authenticator.otp import OtpAccount


@dataclass(frozen=True)
class Code:
    """A code to type, its time step and how long the phone waited for it (seconds)."""

    value: str = field(repr=False)
    step: int
    waited: float

    def __repr__(self) -> str:
        return f"Code(step={self.step}, waited={self.waited:.1f}, value=<hidden>)"

    __str__ = __repr__


class Authenticator:
    """A virtual Google Authenticator with a clock ``offset`` (seconds to add to this clock).

    ``offset`` is what ``estimate_offset`` measured: with it, codes follow the portal's clock
    instead of this machine's ("computer and mobile at the same time", the seed).
    """

    def __init__(
        self,
        offset: float = 0.0,
        min_seconds_left: float = 3.0,
        max_wait: float = 65.0,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.offset = float(offset)
        self.min_seconds_left = float(min_seconds_left)
        self.max_wait = float(max_wait)
        self._clock = clock
        self._sleep = sleep
        self._used: dict[str, int] = {}  # account fingerprint → last step handed out
        self._lock = threading.Lock()

    @classmethod
    def for_portal(
        cls, base_url: str, *, compensate: bool = True, samples: int = 5, **options: Any
    ) -> Authenticator:
        """A phone set to the portal's clock, measured from its ``Date`` header.

        The seed's prerequisite is "computer and mobile at the same time"; a phone whose
        clock follows the portal's meets it even when this machine drifts. With
        ``compensate=False`` the offset is still measured (and a drift over 10 s logged as
        a warning) but not applied. Raises ``ClockError`` when the portal cannot be read.
        """
        measured = estimate_offset(base_url, samples=samples)
        return cls(offset=measured.seconds if compensate else 0.0, **options)

    def __repr__(self) -> str:
        return (
            f"Authenticator(offset={self.offset:+.1f}, min_seconds_left={self.min_seconds_left}, "
            f"max_wait={self.max_wait})"
        )

    def now(self) -> float:
        """Unix time as the portal sees it (this clock plus the offset)."""
        return self._clock() + self.offset

    def next_code(self, account: OtpAccount, *, after_step: int | None = None) -> Code:
        """The code of the first usable step: later than any step used, with time left.

        ``after_step`` is the last step the vault recorded for the account (another process
        may have used it); steps handed out by this object are remembered too. Raises
        ``CodeWaitError`` when that step would start more than ``max_wait`` seconds from now.
        """
        if self.min_seconds_left >= account.period:
            raise CodeWaitError(
                f"min_seconds_left ({self.min_seconds_left:g} s) must be shorter than the "
                f"{account.period} s period"
            )
        key = account._fingerprint()
        start = self.now()
        while True:
            with self._lock:  # threads of one process must not get the same step either
                used = [s for s in (after_step, self._used.get(key)) if s is not None]
                floor = max(used, default=None)
                now = self.now()
                step = account.step(now)
                if floor is not None and step <= floor:
                    ready_at = (floor + 1) * account.period
                elif account.seconds_left(now) < self.min_seconds_left:
                    ready_at = (step + 1) * account.period
                else:
                    self._used[key] = step
                    return Code(account.code_for_step(step), step, max(0.0, now - start))
            if ready_at - start > self.max_wait:
                raise CodeWaitError(
                    f"the next usable code starts in {ready_at - now:.0f} s, more than "
                    f"max_wait {self.max_wait:g} s (time step already used; clock changed?)"
                )
            self._sleep(max(0.0, ready_at - now) + 0.01)  # unlocked: other accounts go on
