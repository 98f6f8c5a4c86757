"""``vault rekey`` and ``vault backup`` / ``import --backup``: round trips and refusals.

A rekey leaves the entries as they were and no file the old key opens (the vault, its
``.bak``); a backup is an encrypted vault file that restores the entries as they were.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from authenticator import Vault, VaultError, parse_uri, vault_file
from authenticator.__main__ import NEW_KEY_ENV, main
from tests.fixtures.rfc_vectors import base32

URL = "https://paierh.example"
FIRST = parse_uri(f"otpauth://totp/eEspresso:CIP1?secret={base32(b'rekey test key 1')}")
SECOND = parse_uri(f"otpauth://totp/eEspresso:CIP2?secret={base32(b'rekey test key 2')}&digits=8")


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EESPRESSO_VAULT_KEY", "EESPRESSO_VAULT", NEW_KEY_ENV):
        monkeypatch.delenv(name, raising=False)


def filled(path: Path, key: bytes | None = None) -> Vault:
    """A vault with CIP1 active (step 500) and CIP2 pending."""
    vault = Vault(path, key=key)
    vault.import_active(URL, "CIP1", FIRST, "Sonde")
    vault.claim_step(URL, "CIP1", 500)
    vault.save_pending(URL, "CIP2", SECOND, "Mon iPhone")
    return vault


def snapshot(vault: Vault) -> list[tuple]:
    return [
        (e.base_url, e.cip, e.account, e.state, e.device_name, e.last_step) for e in vault.entries()
    ]


def cli(*argv: str, vault: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["vault", "--vault", str(vault), *argv])
    out, err = capsys.readouterr()
    return status, out, err


def opens_with(path: Path, key: bytes) -> bool:
    try:
        vault_file.read(path, lambda: key)
    except VaultError:
        return False
    return True


def test_rekey_with_the_key_file(tmp_path: Path, capsys) -> None:
    vault = filled(tmp_path / "vault")
    before = snapshot(vault)
    old_key = vault_file.key_path(vault.path).read_bytes().strip()
    status, out, err = cli("rekey", vault=vault.path, capsys=capsys)
    assert (status, err) == (0, "") and "its new key is in" in out
    new_key = vault_file.key_path(vault.path).read_bytes().strip()
    assert new_key != old_key and new_key.decode() not in out
    assert stat.S_IMODE(vault_file.key_path(vault.path).stat().st_mode) == 0o600
    assert snapshot(Vault(vault.path)) == before
    for path in (vault.path, vault_file.backup_path(vault.path)):
        assert not opens_with(path, old_key) and opens_with(path, new_key)
    assert not vault_file.next_key_path(vault.path).exists()
    with pytest.raises(VaultError, match="written with another key"):
        Vault(vault.path, key=old_key).entries()


def test_rekey_when_the_key_comes_from_the_environment(tmp_path, monkeypatch, capsys) -> None:
    old_key = Fernet.generate_key()
    monkeypatch.setenv("EESPRESSO_VAULT_KEY", old_key.decode())
    vault = filled(tmp_path / "vault")
    before = snapshot(vault)
    assert not vault_file.key_path(vault.path).exists()
    status, out, err = cli("rekey", vault=vault.path, capsys=capsys)
    assert status == 2 and out == "" and err.count("\n") == 1 and "give the new key too" in err
    new_key = Fernet.generate_key()
    monkeypatch.setenv(NEW_KEY_ENV, new_key.decode())
    status, out, err = cli("rekey", vault=vault.path, capsys=capsys)
    assert (status, err) == (0, "") and "put it in EESPRESSO_VAULT_KEY now" in out
    assert not vault_file.key_path(vault.path).exists()  # no copy of the key beside the vault
    with pytest.raises(VaultError, match="written with another key"):
        vault.entries()
    monkeypatch.setenv("EESPRESSO_VAULT_KEY", new_key.decode())
    assert snapshot(Vault(vault.path)) == before
    assert not opens_with(vault_file.backup_path(vault.path), old_key)


def test_rekey_from_a_key_file_argument(tmp_path: Path, capsys) -> None:
    vault = filled(tmp_path / "vault")
    new_key = Fernet.generate_key()
    (tmp_path / "new.key").write_bytes(new_key + b"\n")
    status, _, err = cli(
        "rekey", "--new-key-file", str(tmp_path / "new.key"), vault=vault.path, capsys=capsys
    )
    assert (status, err) == (0, "")
    assert vault_file.key_path(vault.path).read_bytes().strip() == new_key
    assert len(Vault(vault.path).entries()) == 2


@pytest.mark.parametrize(
    "argv, key_text, said",
    [
        (["--new-key-file", "{tmp}/missing"], None, "there is no key file"),
        (["--new-key-file", "{tmp}/bad.key"], "not a key", "the new key is not a valid vault key"),
        (["--new-key-file", "{tmp}/same.key"], "same", "the new key is the current key"),
    ],
    ids=["missing-file", "not-a-key", "same-key"],
)
def test_rekey_refusals_change_nothing(argv, key_text, said, tmp_path: Path, capsys) -> None:
    vault = filled(tmp_path / "vault")
    key = vault_file.key_path(vault.path).read_bytes()
    if key_text == "same":
        (tmp_path / "same.key").write_bytes(key)
    elif key_text:
        (tmp_path / "bad.key").write_text(key_text)
    before = vault.path.read_bytes()
    status, out, err = cli(
        "rekey", *(a.format(tmp=tmp_path) for a in argv), vault=vault.path, capsys=capsys
    )
    assert status == 2 and out == "" and err.count("\n") == 1 and said in err, err
    assert vault.path.read_bytes() == before and vault_file.key_path(vault.path).read_bytes() == key


def test_rekey_of_no_vault(tmp_path: Path, capsys) -> None:
    status, _, err = cli("rekey", vault=tmp_path / "vault", capsys=capsys)
    assert status == 2 and "there is no vault at" in err
    assert not vault_file.key_path(tmp_path / "vault").exists()


def test_a_rekey_killed_before_the_key_file_moved_is_finished_by_the_next_reader(tmp_path):
    """The crash window: the vault is written with the new key, which is only in .key.next."""
    vault = filled(tmp_path / "vault")
    before = snapshot(vault)
    new_key = Fernet.generate_key()
    document = vault_file.read(
        vault.path, lambda: vault_file.load_key(vault.path, None, create=False)
    )
    vault_file.next_key_path(vault.path).write_bytes(new_key + b"\n")
    vault_file.write(vault.path, new_key, document, keep_previous=False)  # ...then killed
    assert snapshot(Vault(vault.path)) == before
    assert vault_file.key_path(vault.path).read_bytes().strip() == new_key
    assert not vault_file.next_key_path(vault.path).exists()


def test_a_rekey_killed_before_the_vault_was_written_keeps_the_old_key(tmp_path: Path) -> None:
    vault = filled(tmp_path / "vault")
    old_key = vault_file.key_path(vault.path).read_bytes()
    vault_file.next_key_path(vault.path).write_bytes(Fernet.generate_key() + b"\n")  # killed
    assert len(Vault(vault.path).entries()) == 2
    assert vault_file.key_path(vault.path).read_bytes() == old_key
    assert Vault(vault.path).rekey() is True  # the next rekey replaces the leftover
    assert len(Vault(vault.path).entries()) == 2


def test_backup_and_restore_round_trip(tmp_path: Path, capsys) -> None:
    vault = filled(tmp_path / "vault")
    before = snapshot(vault)
    copy = tmp_path / "copies" / "vault-2024.bak"
    copy.parent.mkdir()
    status, out, err = cli("backup", str(copy), vault=vault.path, capsys=capsys)
    assert (status, err) == (0, "") and "(2 entries)" in out
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert b"CIP1" not in copy.read_bytes() and copy.read_bytes().startswith(b"EESPRESSO-VAULT 1 ")
    status, _, err = cli("backup", str(copy), vault=vault.path, capsys=capsys)
    assert status == 2 and "exists already" in err  # never over an older backup
    vault.remove(URL, "CIP1")
    vault.remove(URL, "CIP2")
    status, out, err = cli("import", "--backup", str(copy), vault=vault.path, capsys=capsys)
    assert (status, err) == (0, "")
    assert "added: CIP CIP1 at https://paierh.example" in out and "restored 2 entries" in out
    assert snapshot(vault) == before


def test_restore_one_entry_and_the_later_step_wins(tmp_path: Path, capsys) -> None:
    vault = filled(tmp_path / "vault")
    copy = tmp_path / "copy"
    vault.backup(copy)
    vault.claim_step(URL, "CIP1", 900)  # used after the backup: must stay used
    vault.remove(URL, "CIP2")
    argv = ("import", "--backup", str(copy), "--base-url", URL, "--cip", "CIP1")
    status, out, _ = cli(*argv, vault=vault.path, capsys=capsys)
    assert status == 0 and "unchanged: CIP CIP1" in out and "restored 1 entry" in out
    assert vault.get(URL, "CIP1").last_step == 900 and vault.get(URL, "CIP2") is None


def test_restore_over_another_key_needs_replace(tmp_path: Path, capsys) -> None:
    vault = filled(tmp_path / "vault")
    copy = tmp_path / "copy"
    vault.backup(copy)
    vault.import_active(URL, "CIP1", SECOND, "x", replace=True)
    vault.claim_step(URL, "CIP1", 2000)
    status, out, err = cli("import", "--backup", str(copy), vault=vault.path, capsys=capsys)
    assert status == 2 and "the vault holds other keys for CIP CIP1 at" in err and out == ""
    assert vault.get(URL, "CIP1").account == SECOND
    status, out, _ = cli(
        "import", "--backup", str(copy), "--replace", vault=vault.path, capsys=capsys
    )
    entry = vault.get(URL, "CIP1")
    assert status == 0 and "replaced: CIP CIP1" in out
    assert entry.account == FIRST and entry.last_step == 2000


def test_a_backup_made_before_a_rekey_needs_its_key(tmp_path: Path, capsys) -> None:
    vault = filled(tmp_path / "vault")
    before = snapshot(vault)
    old_key = vault_file.key_path(vault.path).read_bytes()
    copy = tmp_path / "copy"
    vault.backup(copy)
    assert vault.rekey() is True
    vault.remove(URL, "CIP1")
    status, _, err = cli("import", "--backup", str(copy), vault=vault.path, capsys=capsys)
    assert status == 2 and err.count("\n") == 1
    assert "was made with another key than the vault" in err and "--backup-key-file" in err
    (tmp_path / "old.key").write_bytes(old_key)
    argv = ("import", "--backup", str(copy), "--backup-key-file", str(tmp_path / "old.key"))
    status, _, err = cli(*argv, vault=vault.path, capsys=capsys)
    assert (status, err) == (0, "")
    assert snapshot(vault) == before  # restored under the vault's new key
    assert not opens_with(vault.path, old_key)


def test_restore_refusals_are_one_line(tmp_path: Path, capsys) -> None:
    vault = filled(tmp_path / "vault")
    (tmp_path / "foreign").write_text("not a vault\n")
    cases = [
        (["--backup", str(tmp_path / "missing")], "there is no backup file"),
        (["--backup", str(tmp_path / "foreign")], "not an eEspresso vault"),
        (
            ["--backup", str(tmp_path / "foreign"), "--select", "x"],
            "--qr and --select do not apply",
        ),
    ]
    for argv, said in cases:
        status, out, err = cli("import", *argv, vault=vault.path, capsys=capsys)
        assert status == 2 and out == "" and err.count("\n") == 1 and said in err, err


def test_the_cli_never_takes_a_key_from_argv(tmp_path: Path) -> None:
    """A real process: no option accepts the key itself; the error is one line, exit 2."""
    key = Fernet.generate_key().decode()
    done = subprocess.run(
        [sys.executable, "-m", "authenticator", "vault", "--vault", str(tmp_path / "v")]
        + ["rekey", "--new-key", key],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "unknown option(s) --new-key (see" in done.stderr and key not in done.stderr
    assert "Traceback" not in done.stderr


# Runs ``python -m authenticator`` with a SIGKILL before its Nth file operation.
KILLED_AT = """
import os, runpy, signal, sys
limit, done = int(os.environ["KILL_BEFORE"]), [0]
def counted(real):
    def operation(*args, **kwargs):
        done[0] += 1
        if done[0] == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return operation
for name in ("open", "link", "replace", "rename", "unlink", "fsync"):
    setattr(os, name, counted(getattr(os, name)))
sys.argv[0] = "authenticator"
runpy.run_module("authenticator", run_name="__main__", alter_sys=True)
"""


def test_a_rekey_killed_at_any_file_operation_loses_nothing_and_leaves_no_old_key_copy(tmp_path):
    """Before each of its file operations in turn, the rekey is killed; then the vault is
    opened (which finishes a rekey that got far enough) and, if it still has the old key,
    rekeyed again. Every time: the same entries, and no file the old key opens."""
    template = filled(tmp_path / "template" / "vault")
    before = snapshot(template)
    old_key = vault_file.key_path(template.path).read_bytes().strip()
    kills = 0
    for operation in range(1, 200):
        folder = tmp_path / f"kill-{operation}"
        folder.mkdir(mode=0o700)
        for file in template.path.parent.iterdir():
            (folder / file.name).write_bytes(file.read_bytes())
            (folder / file.name).chmod(0o600)
        vault = Vault(folder / "vault")
        done = subprocess.run(
            [sys.executable, "-c", KILLED_AT, "vault", "--vault", str(vault.path), "rekey"],
            capture_output=True, text=True, timeout=120, check=False,
            env={**os.environ, "KILL_BEFORE": str(operation)},
        )  # fmt: skip
        assert snapshot(vault) == before, (operation, done.stderr)
        if opens_with(vault.path, old_key):
            assert vault.rekey() is True  # killed before the vault was written: again
            assert snapshot(vault) == before
        leftovers = [f.name for f in folder.iterdir() if opens_with(f, old_key)]
        assert leftovers == [], f"killed before file operation {operation}: {leftovers}"
        if done.returncode == 0:
            break  # the rekey ran to its end: every operation was tried
        assert done.returncode == -9, done.stderr
        kills += 1
    assert kills >= 10  # the rekey's own operations, not just the interpreter's start
