"""Authenticator.next_code: never a used step, never a code about to expire, bounded waits."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from authenticator import Authenticator, Code, CodeWaitError, OtpAccount, parse_uri
from tests.fixtures.rfc_vectors import base32

SECRET = base32(b"phone test key!!")


class FakeTime:
    """A clock whose sleep advances it: tests run TOTP windows in no real time."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def phone(now: float, **options: float) -> tuple[Authenticator, FakeTime]:
    fake = FakeTime(now)
    return Authenticator(clock=fake.clock, sleep=fake.sleep, **options), fake


def account(period: int = 30) -> OtpAccount:
    return parse_uri(f"otpauth://totp/eEspresso:CIP1?secret={SECRET}&period={period}")


def test_code_of_the_current_step_when_time_is_left() -> None:
    authenticator, fake = phone(1000 * 30 + 5)
    code = authenticator.next_code(account())
    assert (code.step, code.waited, fake.sleeps) == (1000, 0.0, [])
    assert code.value == account().code(at=1000 * 30 + 5)


def test_waits_for_the_next_step_when_too_little_time_is_left() -> None:
    authenticator, fake = phone(1000 * 30 + 28)  # 2 s left < 3 s
    code = authenticator.next_code(account())
    assert code.step == 1001
    assert code.waited == pytest.approx(2.01)
    assert code.value == account().code_for_step(1001)


def test_never_the_same_step_twice_in_one_process() -> None:
    authenticator, fake = phone(1000 * 30 + 1)
    first = authenticator.next_code(account())
    second = authenticator.next_code(account())
    assert (first.step, second.step) == (1000, 1001)
    assert second.waited == pytest.approx(29.01)
    assert fake.now >= 1001 * 30


def test_after_step_from_the_vault_is_respected() -> None:
    authenticator, _ = phone(1000 * 30 + 1)
    assert authenticator.next_code(account(), after_step=1000).step == 1001
    assert authenticator.next_code(account(), after_step=990).step == 1002  # memory wins


def test_steps_are_per_account() -> None:
    authenticator, fake = phone(1000 * 30 + 1)
    other = parse_uri(f"otpauth://totp/eEspresso:CIP2?secret={base32(b'another test key')}")
    assert authenticator.next_code(account()).step == 1000
    assert authenticator.next_code(other).step == 1000
    assert fake.sleeps == []


def test_offset_moves_the_clock() -> None:
    authenticator, _ = phone(1000 * 30 + 1, offset=-45)
    assert authenticator.now() == 1000 * 30 + 1 - 45
    assert authenticator.next_code(account()).step == 998


def test_wait_beyond_max_wait_is_an_error_not_a_hang() -> None:
    authenticator, fake = phone(1000 * 30 + 1, max_wait=10)
    with pytest.raises(CodeWaitError, match=r"starts in 89 s, more than max_wait 10 s"):
        authenticator.next_code(account(), after_step=1002)
    assert fake.sleeps == []


def test_impossible_min_seconds_left_is_an_error() -> None:
    authenticator, _ = phone(0, min_seconds_left=30)
    with pytest.raises(CodeWaitError, match="must be shorter than the 30 s period"):
        authenticator.next_code(account())


def test_sixty_second_period() -> None:
    authenticator, _ = phone(100 * 60 + 58)
    assert authenticator.next_code(account(period=60)).step == 101


def test_code_repr_hides_the_value() -> None:
    code = Code("123456", 7, 1.5)
    assert "123456" not in repr(code) and "123456" not in str(code)
    assert "step=7" in repr(code)


def test_real_wait_is_bounded_and_reported() -> None:
    """The one test with real time and sleep: an offset puts the clock 1.5 s before a step ends."""
    acc = account()
    now = time.time()
    offset = (acc.step(now) + 1) * acc.period - 1.5 - now
    authenticator = Authenticator(offset=offset)
    started = time.monotonic()
    code = authenticator.next_code(acc)
    elapsed = time.monotonic() - started
    assert code.step == acc.step(authenticator.now())
    assert code.step == acc.step(now + offset) + 1
    assert 1.0 < code.waited <= elapsed + 0.01 < acc.period  # the boundary, not a whole step
    assert code.value == acc.code_for_step(code.step)


def test_threads_never_share_a_step() -> None:
    """Eight threads ask for codes of one account at once: eight different steps."""
    fake_lock = threading.Lock()
    fake = FakeTime(1000 * 30 + 1)

    def sleep(seconds: float) -> None:
        with fake_lock:
            fake.now += seconds

    authenticator = Authenticator(clock=fake.clock, sleep=sleep, max_wait=400)
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda _: authenticator.next_code(account()), range(8)))
    assert len({code.step for code in codes}) == 8
