"""The journey CLI's account guard: its store beside ``--vault``, and ``--json`` when it refuses.

``--help`` says the guard's store sits beside the vault: with ``--vault`` naming a vault of
its own, the lockout budget of its accounts is kept with it, not in the home folder; and a
caller that asked for ``--json`` parses one JSON object whatever happens, a paused account
included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adhoc import journey_cli
from authenticator.guard import AccountGuard, account_identity
from pages.settings import guard_path

BASE_URL = "http://127.0.0.1:9"  # never reached: the guard refuses first


def test_the_store_is_the_option_then_the_variable_then_beside_the_vault(tmp_path):
    vault = tmp_path / "coffre" / "vault"
    assert guard_path(None, vault, env={}) == tmp_path / "coffre" / "guard.sqlite"
    assert guard_path(None, vault, env={"EESPRESSO_GUARD": "/g/g.sqlite"}) == Path("/g/g.sqlite")
    assert guard_path("/o/g.sqlite", vault, env={"EESPRESSO_GUARD": "/g"}) == Path("/o/g.sqlite")
    assert guard_path(None, None, env={}) is None  # the guard's own default


def pause(store: Path, cip: str) -> None:
    """Three passwords sent and never proven: the guard pauses the account."""
    guard = AccountGuard(store)
    for _ in range(3):
        with guard.attempt(account_identity(BASE_URL, cip)) as attempt:
            attempt.submitting("password")
    assert guard.status(account_identity(BASE_URL, cip)).paused


@pytest.mark.parametrize("as_json", [True, False])
def test_a_paused_account_beside_the_vault_is_refused_and_json_is_one_object(
    tmp_path, monkeypatch, capsys, as_json
):
    monkeypatch.delenv("EESPRESSO_GUARD", raising=False)
    monkeypatch.setenv("EESPRESSO_PASSWORD", "Un-mot-de-passe-1")
    vault = tmp_path / "coffre" / "vault"
    vault.parent.mkdir()
    pause(vault.parent / "guard.sqlite", "PROBE7")
    argv = ["enroll", "--base-url", BASE_URL, "--cip", "PROBE7", "--device-name", "Sonde",
            "--vault", str(vault)] + (["--json"] if as_json else [])  # fmt: skip
    assert journey_cli.main(argv) == journey_cli.EXIT_GUARDED
    out, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and "paused" in err
    assert f"--guard {vault.parent / 'guard.sqlite'}" in err  # how to resume it, this store
    if not as_json:
        assert out == ""
        return
    (line,) = out.splitlines()
    data = json.loads(line)
    assert tuple(data) == journey_cli.JSON_KEYS
    assert data["ok"] is False and data["cause"] == "account_paused" and data["cip"] == "PROBE7"
    assert "paused" in data["error"] and "Un-mot-de-passe" not in line


def test_json_is_one_object_for_a_usage_error_once_the_command_line_was_read(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("EESPRESSO_PASSWORD", "Un-mot-de-passe-1")
    argv = ["login", "--base-url", BASE_URL, "--cip", "PROBE8", "--vault", str(tmp_path / "v"),
            "--json"]  # fmt: skip
    assert journey_cli.main(argv) == journey_cli.EXIT_USAGE
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["ok"] is False and data["cause"] is None and "run 'enroll' first" in data["error"]
    assert len(err.splitlines()) == 1
