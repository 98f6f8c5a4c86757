"""Deleting, emptying or moving the account guard's store never grants more submissions.

The scenario a careless operator or an attacker with the disk would play: two failed logins,
then the store is reset, then more runs with the wrong password. The portal locks at 5; the
enrolled account's vault entry names the store that counted the two, so a new store keeps the
account paused until a person resumes it there.
"""

from __future__ import annotations

import allure
import pytest

from bench.support.guard_resets import RESETS
from pages.steps import STORIES
from tests.fixtures.accounts import run_cli

pytestmark = [allure.feature("Account guard"), allure.story(STORIES["later_login"])]
WRONG = "Wrong-Password-123"


@pytest.mark.negative
@pytest.mark.parametrize("reset", RESETS.values(), ids=RESETS.keys())
def test_a_reset_store_keeps_the_account_paused_until_resumed(
    sandbox, enrolled_factory, vault, portal_ahead, tmp_path, reset
):
    account = enrolled_factory()
    store = tmp_path / "guard" / "guard.sqlite"

    def login(password: str, *extra: str):
        argv = ("login", "--base-url", account.base_url, "--cip", account.cip, *extra)
        return run_cli(
            *argv, password=password, vault=vault.path, env={"EESPRESSO_GUARD": str(store)}
        )

    assert [login(WRONG).returncode for _ in range(2)] == [1, 1]
    store = reset(store)
    refused = [login(WRONG) for _ in range(3)]
    assert [run.returncode for run in refused] == [3, 3, 3]
    line = refused[0].stderr.strip()
    assert len(line.splitlines()) == 1 and "another guard store" in line and "resume" in line
    assert login(account.password).returncode == 3  # the right password waits for a person too
    events = [entry["event"] for entry in sandbox.admin.audit(account.cip)]
    assert events == ["password_rejected"] * 2  # nothing more reached the portal

    resume = ("resume", "--base-url", account.base_url, "--cip", account.cip, "--note", "checked")
    resumed = run_cli(
        *resume,
        password=None,
        vault=vault.path,
        module="monitors",
        env={"EESPRESSO_GUARD": str(store)},
    )
    assert resumed.returncode == 0, resumed.stderr
    assert login(account.password).returncode == 0
    # The entry now names this store; the next step at once, not after waiting for it.
    assert login(account.password, *portal_ahead(1)).returncode == 0
