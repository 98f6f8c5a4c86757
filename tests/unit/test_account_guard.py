"""The account guard: one budget of unproven submissions per account, machine-wide.

Real SQLite stores in temporary folders, real processes for the cross-process cases (one is
killed with SIGKILL between ``submitting`` and ``proven``), a fake clock for the window.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from authenticator.errors import BaseUrlError
from authenticator.guard import (
    NO_OUTCOME,
    AccountBusy,
    AccountGuard,
    AccountPaused,
    GuardError,
    account_identity,
    default_path,
)
from pages.account import Account

URL = "https://portal.example"
ACCOUNT = account_identity(URL, "PROBE0001")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def guard(tmp_path: Path, clock: Clock) -> AccountGuard:
    return AccountGuard(tmp_path / "guard.sqlite", clock=clock)


def refused(guard: AccountGuard, what: str = "password", cause: str = "credentials_rejected"):
    """One attempt whose submission the portal did not prove; returns the attempt."""
    with guard.attempt(ACCOUNT) as attempt:
        attempt.submitting(what)
        attempt.unproven(cause)
    return attempt


def logged_in(guard: AccountGuard) -> None:
    with guard.attempt(ACCOUNT) as attempt:
        attempt.submitting("password")
        attempt.proven()
        attempt.submitting("code")
        attempt.proven()


@pytest.mark.parametrize(
    "spelling",
    ["HTTPS://Portal.Example:443/", "https://portal.example", "https://PORTAL.example/",
     "https://portal.example:443"],
)  # fmt: skip
@pytest.mark.parametrize("cip", ["probe0001", "PROBE0001", " Probe0001 "])
def test_one_identity_however_the_account_is_written(spelling: str, cip: str) -> None:
    assert account_identity(spelling, cip) == "https://portal.example PROBE0001"


def test_the_journeys_account_is_its_identity(guard: AccountGuard) -> None:
    """``run_journey(guard=...)`` hands the guard the journeys' ``Account``."""
    with guard.attempt(Account("HTTPS://Portal.Example:443/", "probe0001", "x" * 16)) as attempt:
        attempt.submitting("password")
    assert guard.status(ACCOUNT).unproven == 1


def test_path_port_and_scheme_make_other_accounts() -> None:
    identities = {
        account_identity(url, "C1")
        for url in (URL, "http://portal.example", "https://portal.example:8443", f"{URL}/x")
    }
    assert len(identities) == 4


@pytest.mark.parametrize("url", ["http://[::1", "https://host:99999/", "ftp://host", "host"])
def test_urls_that_name_no_portal_are_one_line(url: str) -> None:
    with pytest.raises(BaseUrlError) as error:
        account_identity(url, "C1")
    assert "\n" not in str(error.value)


def test_credentials_in_the_url_are_refused_without_echo() -> None:
    with pytest.raises(BaseUrlError) as error:
        account_identity("https://probe:S3cret-Passw0rd!@portal.example/", "C1")
    message = str(error.value)
    assert "S3cret" not in message and "probe:" not in message
    assert "password_env or password_file" in message


def test_three_unproven_submissions_pause_the_account(guard: AccountGuard) -> None:
    assert [refused(guard).paused_now for _ in range(3)] == [False, False, True]
    with pytest.raises(AccountPaused) as paused, guard.attempt(ACCOUNT):
        pytest.fail("a paused account must not be attempted")
    assert not paused.value.caused_here  # the third attempt paused it, and said so
    message = str(paused.value)
    assert "\n" not in message
    assert "3 unproven submissions in 15 min; last: credentials_rejected" in message
    assert "python -m monitors resume --base-url https://portal.example --cip PROBE0001" in message
    status = guard.status(ACCOUNT)
    assert status.paused and status.unproven == 3 and status.since is not None


def test_a_rejected_code_after_an_accepted_password_counts_once(guard: AccountGuard) -> None:
    for _ in range(2):
        with guard.attempt(ACCOUNT) as attempt:
            attempt.submitting("password")
            attempt.proven()  # the code page appeared
            attempt.submitting("code")  # ...and the code was refused
    assert guard.status(ACCOUNT).unproven == 2
    assert not guard.status(ACCOUNT).paused


def test_an_attempt_that_submitted_nothing_counts_nothing(guard: AccountGuard) -> None:
    for _ in range(5):
        with pytest.raises(TimeoutError), guard.attempt(ACCOUNT):
            raise TimeoutError("portal down before the login form appeared")
    assert guard.status(ACCOUNT).unproven == 0


def test_an_exception_after_a_submit_counts_it(guard: AccountGuard) -> None:
    with pytest.raises(TimeoutError), guard.attempt(ACCOUNT) as attempt:
        attempt.submitting("code")
        raise TimeoutError("no answer after the submit")
    assert guard.status(ACCOUNT).unproven == 1
    refused(guard)
    refused(guard)
    assert "last: credentials_rejected" in guard.status(ACCOUNT).reason


def test_the_fourth_submission_of_one_attempt_is_refused(guard: AccountGuard) -> None:
    """A retry inside one attempt (clock compensation) never goes past the budget."""
    refused(guard)
    with pytest.raises(AccountPaused) as paused, guard.attempt(ACCOUNT) as attempt:
        attempt.submitting("code")
        attempt.submitting("code")
        attempt.submitting("code")  # the budget's 4th: refused before it is sent
    assert paused.value.caused_here and attempt.paused_now and attempt.submissions == 2
    assert guard.status(ACCOUNT).unproven == 3


def test_the_window_forgets_but_the_streak_does_not(guard: AccountGuard, clock: Clock) -> None:
    """The portal counts consecutive failures: spread out, they still lock it at 5."""
    refused(guard)
    clock.now += 20 * 60
    refused(guard)
    clock.now += 20 * 60
    attempt = refused(guard, "code", "code_rejected")
    assert attempt.paused_now
    assert guard.status(ACCOUNT).reason == (
        "3 unproven submissions since the last completed login; last: code_rejected"
    )


def test_a_completed_login_ends_the_streak_not_the_window(guard: AccountGuard, clock) -> None:
    refused(guard)
    refused(guard)
    clock.now += 20 * 60
    logged_in(guard)
    refused(guard)
    refused(guard)
    assert not guard.status(ACCOUNT).paused  # 2 since the login, 2 in the window
    clock.now += 60
    logged_in(guard)
    assert refused(guard).paused_now  # 3 in 15 min, a login in between or not


def test_resume_is_logged_and_reopens_the_account(guard: AccountGuard, caplog) -> None:
    for _ in range(3):
        refused(guard)
    assert not guard.resume(account_identity(URL, "OTHER"), by="ops")
    with caplog.at_level(logging.WARNING, logger="authenticator.guard"):
        assert guard.resume(ACCOUNT, by="ops-alice", note="password rotated")
    assert "account https://portal.example PROBE0001 resumed by ops-alice" in caplog.text
    events = [(event, by) for _, event, by, _ in guard.journal(ACCOUNT)]
    assert events == [("paused", "guard"), ("resumed", "ops-alice")]
    detail = guard.journal(ACCOUNT)[-1][3]
    assert detail.startswith("password rotated (was: 3 unproven submissions in 15 min")
    status = guard.status(ACCOUNT)
    assert not status.paused and status.unproven == 0
    logged_in(guard)  # the account is open again
    assert not guard.resume(ACCOUNT, by="ops")


def test_force_bypasses_the_pause_and_is_journaled(guard: AccountGuard) -> None:
    for _ in range(3):
        refused(guard)
    with guard.attempt(ACCOUNT, force=True) as attempt:
        attempt.submitting("password")
        attempt.submitting("code")
    assert attempt.submissions == 2
    assert [event for _, event, _, _ in guard.journal(ACCOUNT)] == ["paused", "forced"]
    assert guard.status(ACCOUNT).paused  # only a resume lifts a pause


@pytest.mark.parametrize("bad", [5, 6, 0, -1, True, "3", 2.5])
def test_max_unproven_stays_below_the_portal_lockout(tmp_path: Path, bad) -> None:
    with pytest.raises(GuardError, match="max_unproven"):
        AccountGuard(tmp_path / "g.sqlite", max_unproven=bad)


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf")])
def test_the_window_is_a_positive_finite_duration(tmp_path: Path, bad: float) -> None:
    with pytest.raises(GuardError, match="window"):
        AccountGuard(tmp_path / "g.sqlite", window_s=bad)


def test_store_is_private_and_beside_the_vault(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("EESPRESSO_GUARD", raising=False)
    monkeypatch.setenv("EESPRESSO_VAULT", str(tmp_path / "data" / "vault"))
    assert default_path() == tmp_path / "data" / "guard.sqlite"
    guard = AccountGuard()
    refused(guard)
    reader = sqlite3.connect(guard.path)  # open: the -wal and -shm files exist meanwhile
    try:
        assert reader.execute("SELECT count(*) FROM submissions").fetchone() == (1,)
        assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
        for name in ("guard.sqlite", "guard.sqlite-wal", "guard.sqlite-shm"):
            assert stat.S_IMODE((tmp_path / "data" / name).stat().st_mode) == 0o600, name
    finally:
        reader.close()
    monkeypatch.setenv("EESPRESSO_GUARD", str(tmp_path / "elsewhere.sqlite"))
    assert default_path() == tmp_path / "elsewhere.sqlite"


def test_an_unusable_store_is_one_line(tmp_path: Path) -> None:
    garbage = tmp_path / "guard.sqlite"
    garbage.write_bytes(b"not a database" * 100)
    with pytest.raises(GuardError) as error:
        AccountGuard(garbage)
    assert "\n" not in str(error.value) and "monitors resume" in str(error.value)


# -- several processes --------------------------------------------------------------------

CHILD = """
import sys, time
from authenticator.guard import AccountGuard, account_identity
guard = AccountGuard(sys.argv[1])
identity = account_identity(sys.argv[2], sys.argv[3])
with guard.attempt(identity) as attempt:
    for what in sys.argv[4:]:
        attempt.submitting(what)
        attempt.unproven("credentials_rejected")
    print("submitted", flush=True)
    if sys.argv[4:] and sys.argv[4] == "password":
        time.sleep(120)  # killed here, between submitting() and proven()
"""


def child(store: Path, url: str, cip: str, *submissions: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(store), url, cip, *submissions],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_submitted(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "submitted"


def test_a_process_killed_mid_step_counts(tmp_path: Path) -> None:
    store = tmp_path / "guard.sqlite"
    guard = AccountGuard(store)
    refused(guard)
    refused(guard)
    killed = child(store, URL, "PROBE0001", "password")
    try:
        wait_submitted(killed)
        with pytest.raises(AccountBusy), guard.attempt(ACCOUNT, wait_s=0.3):
            pytest.fail("the killed process still holds the account")
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
    assert killed.returncode == -signal.SIGKILL
    # The lock died with the process; its submission did not.
    with pytest.raises(AccountPaused) as paused, guard.attempt(ACCOUNT, wait_s=10):
        pytest.fail("the account must be paused")
    assert paused.value.caused_here
    assert paused.value.reason == f"3 unproven submissions in 15 min; last: {NO_OUTCOME}"


def test_processes_and_spellings_share_one_budget(tmp_path: Path) -> None:
    """Two configs (two stores users) and a second process, one URL written three ways."""
    store = tmp_path / "shared" / "guard.sqlite"
    first = child(store, "HTTPS://Portal.Example:443/", "probe0001", "code")
    first.wait(timeout=60)
    assert first.returncode == 0
    other_config = AccountGuard(store)
    with other_config.attempt(account_identity("https://portal.example/", "Probe0001")) as attempt:
        attempt.submitting("password")
    this_config = AccountGuard(os.path.join(tmp_path, "shared", "guard.sqlite"))
    assert this_config.status(ACCOUNT).unproven == 2
    assert refused(this_config).paused_now
    assert other_config.status(ACCOUNT).paused


def test_an_attempt_writes_through_one_connection_each_row_committed_at_once(
    guard: AccountGuard, monkeypatch
) -> None:
    """Closing the last connection to a WAL store checkpoints it: an attempt keeps one open
    for all its writes, and each submission is committed before ``submitting`` returns."""
    import authenticator.guard_store as store

    opened: list[str] = []
    connect = sqlite3.connect
    monkeypatch.setattr(
        store.sqlite3, "connect", lambda *a, **k: opened.append("") or connect(*a, **k)
    )
    with guard.attempt(ACCOUNT) as attempt:
        for what in ("password", "code"):
            attempt.submitting(what)
            reader = connect(guard.path)  # another process's view
            rows = reader.execute("SELECT what FROM submissions WHERE proven_at IS NULL")
            assert [row[0] for row in rows][-1] == what
            reader.close()
            attempt.proven()
    assert len(opened) == 1
    assert guard.status(ACCOUNT).unproven == 0
