"""When a scheduled probe starts, so that its code never waits for a fresh time step.

A TOTP code is accepted once per time step (RFC 6238 §5.2), and the phone does not hand out a
code with under ``min_seconds_left`` seconds to live (``authenticator.Authenticator``): a probe
whose code step falls in the last seconds of a step, or in a step the account already used,
waits for the next one, up to a whole step. That wait is the probe's, not the portal's, but it
makes the probe's time noisy (one probe in ten waits up to 3 s when they start at random).

The runner is free to start a probe a few seconds off its nominal time, so it starts each one
such that its code step falls early in a step no probe of the account has used: the time from
the start to the code step (the *lead*) comes from the monitor's recent probes, or a default;
monitors of one account are spread over different steps. A journey outside the runner
(``--once``, the journey CLI, the tests) keeps the phone's own rule: it waits when it must.
"""

from __future__ import annotations

import math
import statistics
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from monitors.config import Monitor

#: Seconds from a probe's start to its code step when the monitor has no recent probe (a fresh
#: context, the login page, the password: under half a second warm on a quiet machine,
#: docs/benchmarks.md). Guessed short, the code only comes later into its step (about 20 s to
#: spare); guessed longer than it is by over ``MARGIN_S``, the code comes before its step and
#: waits for it. So the guess is below what any probe takes.
DEFAULT_LEAD_S = 0.5
#: What a probe costs before its first step (a fresh context, the account guard).
SETUP_S = 0.3
#: The code step aims this far into its time step: clocks of one machine read the same.
MARGIN_S = 1.0
#: How much longer than estimated the steps before the code may take and still find the
#: step with time left (a slow login page): the window ends this far before the phone's limit.
SLACK_S = 5.0
#: The phone's rule (``Authenticator.min_seconds_left``): no code with less time left.
MIN_LEFT_S = 3.0
#: Recent probes read for the lead, from the last hours only.
RECENT = 5
RECENT_S = 6 * 3600.0


def aligned_start(
    due: float,
    period: int,
    lead_s: float,
    used_step: int | None,
    *,
    margin_s: float = MARGIN_S,
    slack_s: float = SLACK_S,
    min_left_s: float = MIN_LEFT_S,
) -> float:
    """The earliest start at or after ``due`` whose code step (``lead_s`` later) falls between
    ``margin_s`` into a time step and ``slack_s + min_left_s`` before its end, in a step later
    than ``used_step``. At most one step after ``due`` (plus the margin)."""
    code_at = due + lead_s
    step = math.floor(code_at / period)
    into = code_at - step * period
    latest = max(margin_s, period - min_left_s - slack_s)
    if used_step is not None and step <= used_step:
        step = used_step + 1
    elif margin_s <= into <= latest:
        return due
    elif into > latest:
        step += 1
    return max(due, step * period + margin_s - lead_s)


def code_step(start: float, period: int, lead_s: float) -> int:
    """The time step a probe started at ``start`` reaches its code in."""
    return math.floor((start + lead_s) / period)


def lead_from(steps_of_recent: Iterable[dict[str, float]], default_s: float = DEFAULT_LEAD_S):
    """Seconds from a probe's start to its code step: the median over recent probes of the
    steps before ``code`` (their portal time) plus the set-up; ``default_s`` without any."""
    leads = []
    for steps in steps_of_recent:
        if "code" not in steps:
            continue
        before = 0.0
        for step_id, ms in steps.items():
            if step_id == "code":
                break
            before += ms
        leads.append(before / 1000 + SETUP_S)
    return statistics.median(leads) if leads else default_s


@dataclass(frozen=True)
class Code:
    """What alignment needs of a monitor's account: its period and the last step it used."""

    period: int
    last_step: int | None


class Aligner:
    """Plans each scheduled probe's start; remembers the step it planned for each account, so
    two monitors of one account never aim at the same step.

    ``code_of(monitor)`` gives the account's ``Code`` (None: no enrolled secret, nothing to
    align); ``recent_steps(monitor)`` the steps of its recent probes. Both are read once per
    plan; the clock is the caller's (``due``), so tests need no real time step.
    """

    def __init__(
        self,
        code_of: Callable[[Monitor], Code | None],
        recent_steps: Callable[[Monitor], list[dict[str, float]]],
    ) -> None:
        self._code_of, self._recent = code_of, recent_steps
        self._planned: dict[str, int] = {}  # account identity → last step planned
        self._lock = threading.Lock()

    def plan(self, monitor: Monitor, due: float) -> float:
        """The start of ``monitor``'s probe due at ``due``; its code step is reserved."""
        code = self._code_of(monitor)
        if code is None:
            return due
        lead = lead_from(self._recent(monitor))
        with self._lock:
            planned = self._planned.get(monitor.identity)
            used = [s for s in (code.last_step, planned) if s is not None]
            start = aligned_start(due, code.period, lead, max(used, default=None))
            self._planned[monitor.identity] = code_step(start, code.period, lead)
        return start


def for_prober(prober) -> Aligner:
    """An aligner reading the prober's vaults and history."""

    def code_of(monitor: Monitor) -> Code | None:
        try:
            entry = prober.binder.vault(monitor).get(monitor.target.base_url, monitor.account.cip)
        except Exception:  # an unreadable vault: the probe itself will say why
            return None
        if entry is None or entry.state != "active":
            return None
        return Code(entry.account.period, entry.last_step)

    def recent_steps(monitor: Monitor) -> list[dict[str, float]]:
        records = prober.history.probes(monitor.id, since=time.time() - RECENT_S)[-RECENT:]
        return [record.steps for record in records if record.cause is None]

    return Aligner(code_of, recent_steps)
