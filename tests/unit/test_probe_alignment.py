"""A scheduled probe starts so that its code step falls early in an unused TOTP step.

The clock is the test's: every start is planned from a given ``due`` and checked against the
phone's own rule (``Authenticator`` with an injected clock and sleep): a code asked for at the
planned moment is handed out without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from authenticator import Authenticator, OtpAccount
from monitors.alignment import (
    DEFAULT_LEAD_S,
    MARGIN_S,
    MIN_LEFT_S,
    SETUP_S,
    SLACK_S,
    Aligner,
    Code,
    aligned_start,
    code_step,
    lead_from,
)

PERIOD = 30
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass(frozen=True)
class FakeMonitor:
    id: str
    identity: str


def waited_for_code(code_at: float, used_step: int | None) -> float:
    """Seconds the phone waits for a code asked for at ``code_at`` (no real sleep)."""
    now = [code_at]
    phone = Authenticator(clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    account = OtpAccount(SECRET, account="C1")
    return phone.next_code(account, after_step=used_step).waited


@pytest.mark.parametrize("used", [None, "current"])
def test_every_planned_start_needs_no_wait_for_its_code(used):
    base = 1_800_000_000.0  # a step boundary (divisible by 30)
    for tenth in range(0, 600):  # every 0.1 s over two steps
        due = base + tenth / 10
        lead = 1.7
        used_step = code_step(due, PERIOD, lead) if used else None
        start = aligned_start(due, PERIOD, lead, used_step)
        assert due <= start <= due + PERIOD + MARGIN_S
        into = (start + lead) % PERIOD
        assert MARGIN_S - 1e-6 <= into <= PERIOD - MIN_LEFT_S - SLACK_S + 1e-6
        assert waited_for_code(start + lead, used_step) == 0.0
        # Steps before the code that take the whole slack longer still find time left.
        assert waited_for_code(start + lead + SLACK_S, used_step) == 0.0


def test_a_start_whose_code_falls_in_time_is_not_moved():
    due = 1_800_000_000.0 + 5.0
    assert aligned_start(due, PERIOD, 2.0, None) == due


def test_a_code_late_in_its_step_moves_the_start_to_early_in_the_next():
    step_start = 1_800_000_000.0
    due = step_start + 26.0  # code at 28 s: under the phone's 3 s, it would wait
    start = aligned_start(due, PERIOD, 2.0, None)
    assert start + 2.0 == step_start + PERIOD + MARGIN_S
    assert waited_for_code(due + 2.0, None) > 0  # what the probe would have waited


def test_a_used_step_is_skipped():
    step_start = 1_800_000_000.0
    due = step_start + 5.0
    start = aligned_start(due, PERIOD, 2.0, used_step=code_step(due, PERIOD, 2.0))
    assert start + 2.0 == step_start + PERIOD + MARGIN_S


def test_the_lead_is_the_median_of_the_steps_before_the_code():
    recent = [
        {"open": 200.0, "login": 300.0, "code": 250.0, "home": 10.0},
        {"open": 400.0, "login": 600.0, "code": 250.0},
        {"open": 300.0, "login": 500.0, "code": 250.0},
        {"open": 100.0},  # a probe that stopped before its code says nothing
    ]
    assert lead_from(recent) == pytest.approx(0.8 + SETUP_S)
    assert lead_from([]) == DEFAULT_LEAD_S


def test_monitors_of_one_account_are_spread_over_different_steps():
    aligner = Aligner(lambda m: Code(PERIOD, None), lambda m: [])
    due = 1_800_000_000.0 + 5.0
    first = aligner.plan(FakeMonitor("a", "acct"), due)
    second = aligner.plan(FakeMonitor("b", "acct"), due)
    other = aligner.plan(FakeMonitor("c", "other account"), due)
    assert first == other == due
    assert code_step(second, PERIOD, DEFAULT_LEAD_S) == code_step(first, PERIOD, DEFAULT_LEAD_S) + 1
    assert waited_for_code(second + DEFAULT_LEAD_S, code_step(first, PERIOD, DEFAULT_LEAD_S)) == 0


def test_the_vaults_last_step_counts_and_no_secret_means_no_alignment():
    due = 1_800_000_000.0 + 5.0
    used = code_step(due, PERIOD, DEFAULT_LEAD_S)
    aligner = Aligner(lambda m: Code(PERIOD, used), lambda m: [])
    assert code_step(aligner.plan(FakeMonitor("a", "x"), due), PERIOD, DEFAULT_LEAD_S) == used + 1
    assert Aligner(lambda m: None, lambda m: []).plan(FakeMonitor("a", "x"), due) == due
