"""The account guard's store is named by the vault entries it counts for.

A store deleted, emptied or moved is a new store with a new id; the vault entry of an enrolled
account names the store that saw its failures, so a new store pauses the account until a
person resumes it, and no error message advises a step that would forget failures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from authenticator import OtpAccount
from authenticator.guard import AccountGuard, AccountPaused, GuardError, account_identity
from authenticator.vault import Vault
from bench.support.guard_resets import RESETS
from pages.account import Account

BASE_URL, CIP = "https://portal.example", "ABCD1234"
ACCOUNT = Account(base_url=BASE_URL, cip=CIP, password="unused")
IDENTITY = account_identity(BASE_URL, CIP)


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    vault = Vault(tmp_path / "vault")
    phone = OtpAccount("JBSWY3DPEHPK3PXP", account=CIP)  # RFC 4648's example key, not a secret
    vault.import_active(BASE_URL, CIP, phone, "test phone")
    return vault


def _fail_twice(guard: AccountGuard, vault: Vault) -> None:
    for _ in range(2):
        with guard.attempt(ACCOUNT) as attempt:
            attempt.check_store(vault, ACCOUNT)
            attempt.submitting("password")


def test_a_store_gets_an_id_once_and_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "guard.sqlite"
    assert AccountGuard(path).store_id == AccountGuard(path).store_id
    assert AccountGuard(tmp_path / "other.sqlite").store_id != AccountGuard(path).store_id


def test_the_first_attempt_names_the_store_in_the_vault_entry(tmp_path, vault) -> None:
    guard = AccountGuard(tmp_path / "guard.sqlite")
    assert vault.get(BASE_URL, CIP).guard_store is None
    with guard.attempt(ACCOUNT) as attempt:
        attempt.check_store(vault, ACCOUNT)
    assert vault.get(BASE_URL, CIP).guard_store == guard.store_id


@pytest.mark.parametrize("reset", RESETS.values(), ids=RESETS.keys())
def test_a_reset_store_pauses_the_account_until_resumed(tmp_path, vault, reset) -> None:
    path = tmp_path / "guard.sqlite"
    _fail_twice(AccountGuard(path), vault)
    path = reset(path)
    guard = AccountGuard(path)
    for caused_here in (True, False):
        with pytest.raises(AccountPaused) as paused, guard.attempt(ACCOUNT) as attempt:
            attempt.check_store(vault, ACCOUNT)
        assert paused.value.caused_here is caused_here
        assert "another guard store" in str(paused.value) and "monitors resume" in str(paused.value)
    assert guard.status(IDENTITY).paused
    assert [event for _, event, _, _ in guard.journal(IDENTITY)] == ["store_replaced"]
    assert guard.resume(IDENTITY, by="ops", note="the portal's count checked")
    with guard.attempt(ACCOUNT) as attempt:
        attempt.check_store(vault, ACCOUNT)
        attempt.submitting("password")
        attempt.proven()
    assert vault.get(BASE_URL, CIP).guard_store == guard.store_id


def test_a_forced_attempt_goes_through_a_replaced_store(tmp_path, vault) -> None:
    _fail_twice(AccountGuard(tmp_path / "guard.sqlite"), vault)
    guard = AccountGuard(tmp_path / "new.sqlite")
    with guard.attempt(ACCOUNT, force=True) as attempt:
        attempt.check_store(vault, ACCOUNT)
        attempt.submitting("password")
    assert guard.status(IDENTITY).paused  # forcing is not resuming
    assert vault.get(BASE_URL, CIP).guard_store != guard.store_id


def test_an_account_the_vault_does_not_know_is_not_paused(tmp_path) -> None:
    guard = AccountGuard(tmp_path / "guard.sqlite")
    with guard.attempt(ACCOUNT) as attempt:
        attempt.check_store(Vault(tmp_path / "empty-vault"), ACCOUNT)
        attempt.submitting("password")


def test_no_error_advises_a_step_that_forgets_failures(tmp_path) -> None:
    garbage = tmp_path / "guard.sqlite"
    garbage.write_bytes(b"not a database" * 100)
    with pytest.raises(GuardError) as error:
        AccountGuard(garbage)
    message = str(error.value)
    assert "\n" not in message and "resume" in message
    assert "move it aside" not in message and "EESPRESSO_GUARD" not in message
