"""Vault in one process: states, steps, URL normalisation, file modes, unreadable files."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from authenticator import Vault, VaultError, normalise_base_url, parse_uri
from tests.fixtures.rfc_vectors import base32

SECRET = base32(b"vault test key!!")
ACCOUNT = parse_uri(f"otpauth://totp/eEspresso:CIP1?secret={SECRET}&issuer=eEspresso&digits=8")
URL = "http://127.0.0.1:8080"


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EESPRESSO_VAULT_KEY", raising=False)
    monkeypatch.delenv("EESPRESSO_VAULT", raising=False)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def enrolled(tmp_path: Path) -> Path:
    """A vault file holding CIP1 (its key file beside it); returns its path."""
    path = tmp_path / "vault"
    Vault(path).save_pending(URL, "CIP1", ACCOUNT, "x")
    return path


def test_pending_then_active_then_steps(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    assert vault.get(URL, "CIP1") is None and vault.entries() == []
    vault.save_pending(URL, "CIP1", ACCOUNT, "Sonde de supervision")
    entry = vault.get(URL + "/", "CIP1")
    assert entry is not None
    assert (entry.state, entry.device_name, entry.last_step) == (
        "pending",
        "Sonde de supervision",
        None,
    )
    assert entry.account == ACCOUNT and entry.created_at.endswith("+00:00")
    vault.activate(URL, "CIP1")
    assert vault.claim_step(URL, "CIP1", 100) is True
    assert vault.claim_step(URL, "CIP1", 100) is False
    assert vault.claim_step(URL, "CIP1", 99) is False
    assert vault.claim_step(URL, "CIP1", 101) is True
    reopened = Vault(tmp_path / "vault").get(URL, "CIP1")
    assert reopened is not None and (reopened.state, reopened.last_step) == ("active", 101)


def test_reenrolment_keeps_the_last_step(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    vault.save_pending(URL, "CIP1", ACCOUNT, "a")
    vault.claim_step(URL, "CIP1", 500)
    vault.save_pending(URL, "CIP1", ACCOUNT, "b")
    entry = vault.get(URL, "CIP1")
    assert entry is not None and (entry.state, entry.device_name, entry.last_step) == (
        "pending",
        "b",
        500,
    )


def test_entries_and_remove(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    vault.save_pending("https://b.example", "CIP2", ACCOUNT, "x")
    vault.save_pending(URL, "CIP1", ACCOUNT, "y")
    assert [(e.base_url, e.cip) for e in vault.entries()] == [
        (URL, "CIP1"),
        ("https://b.example", "CIP2"),
    ]
    assert vault.remove("HTTPS://B.example:443/", "CIP2") is True
    assert vault.remove("https://b.example", "CIP2") is False
    assert [e.cip for e in vault.entries()] == ["CIP1"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTPS://Paierh.Example.QC.ca/", "https://paierh.example.qc.ca"),
        ("https://host:443", "https://host"),
        ("http://host:80/", "http://host"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("https://host/portail/", "https://host/portail"),
    ],
)
def test_base_url_normalisation(given: str, expected: str) -> None:
    assert normalise_base_url(given) == expected


@pytest.mark.parametrize("bad", ["paierh.example", "ftp://host", "https://"])
def test_bad_base_url(bad: str, tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="not an http"):
        Vault(tmp_path / "vault").save_pending(bad, "CIP1", ACCOUNT, "x")


def test_missing_entry_is_a_clear_error(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    for call in (vault.activate, lambda u, c: vault.claim_step(u, c, 1)):
        with pytest.raises(VaultError, match="nothing is enrolled for CIP CIP9"):
            call(URL, "CIP9")


def test_encrypted_at_rest_and_modes(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "vault"
    Vault(path).save_pending(URL, "CIP1", ACCOUNT, "x")
    blob = path.read_bytes()
    assert SECRET.encode() not in blob and b"CIP1" not in blob and b"otpauth" not in blob
    assert blob.startswith(b"EESPRESSO-VAULT 1 ")
    assert mode(path) == 0o600
    assert mode(path.with_name("vault.key")) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(path.with_name("vault.lock")) == 0o600
    assert not list(path.parent.glob("*.tmp"))


def test_key_from_environment_creates_no_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EESPRESSO_VAULT_KEY", Fernet.generate_key().decode())
    Vault(tmp_path / "vault").save_pending(URL, "CIP1", ACCOUNT, "x")
    assert not (tmp_path / "vault.key").exists()
    assert Vault(tmp_path / "vault").get(URL, "CIP1") is not None


def _assert_untouched(path: Path, before: bytes, error: VaultError, words: str) -> None:
    assert words in str(error) and "\n" not in str(error)
    assert SECRET not in str(error)
    assert path.read_bytes() == before


def test_wrong_key_is_refused_and_nothing_overwritten(tmp_path: Path) -> None:
    path = enrolled(tmp_path)
    before = path.read_bytes()
    other = Vault(path, key=Fernet.generate_key())
    for call in (other.entries, lambda: other.save_pending(URL, "CIP2", ACCOUNT, "y")):
        with pytest.raises(VaultError) as raised:
            call()
        _assert_untouched(path, before, raised.value, "written with another key")


def test_corrupt_vault_is_refused_and_nothing_overwritten(tmp_path: Path) -> None:
    path = enrolled(tmp_path)
    blob = bytearray(path.read_bytes())
    blob[-20] ^= 0x01
    path.write_bytes(bytes(blob))
    with pytest.raises(VaultError) as raised:
        Vault(path).claim_step(URL, "CIP1", 5)
    _assert_untouched(path, bytes(blob), raised.value, "is corrupt")
    assert "re-enrol" in str(raised.value)  # no older version to offer


def test_corrupt_vault_can_be_restored_from_its_backup(tmp_path: Path) -> None:
    """Each write keeps the previous version as vault.bak; the error says to restore it."""
    path = tmp_path / "vault"
    vault = Vault(path)
    vault.save_pending(URL, "CIP1", ACCOUNT, "x")
    vault.save_pending(URL, "CIP2", ACCOUNT, "y")
    backup = tmp_path / "vault.bak"
    assert mode(backup) == 0o600 and backup.read_bytes() != path.read_bytes()
    path.write_bytes(path.read_bytes()[:-30] + b"\n")
    with pytest.raises(VaultError, match=r"corrupt .*restore .*vault\.bak \(one change older\)"):
        vault.entries()
    path.write_bytes(backup.read_bytes())
    assert [entry.cip for entry in vault.entries()] == ["CIP1"]


@pytest.mark.parametrize("content", [b"", b"{}\n", b"\x89PNG\r\n\x1a\n....", b"hello world\n"])
def test_foreign_file_is_refused_and_nothing_overwritten(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "vault"
    path.write_bytes(content)
    with pytest.raises(VaultError) as raised:
        Vault(path).save_pending(URL, "CIP1", ACCOUNT, "x")
    _assert_untouched(path, content, raised.value, "not an eEspresso vault")


def test_missing_key_file_for_an_existing_vault(tmp_path: Path) -> None:
    path = enrolled(tmp_path)
    before = path.read_bytes()
    (tmp_path / "vault.key").unlink()
    with pytest.raises(VaultError) as raised:
        Vault(path).save_pending(URL, "CIP2", ACCOUNT, "y")
    _assert_untouched(path, before, raised.value, "key file")
    assert not (tmp_path / "vault.key").exists()
    with pytest.raises(VaultError, match="no key for the vault"):
        Vault(path).entries()


def test_invalid_key_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EESPRESSO_VAULT_KEY", "not-a-key")
    with pytest.raises(VaultError, match="EESPRESSO_VAULT_KEY is not a valid vault key"):
        Vault(tmp_path / "vault").save_pending(URL, "CIP1", ACCOUNT, "x")


def test_default_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EESPRESSO_VAULT", str(tmp_path / "v"))
    assert Vault().path == tmp_path / "v"
    monkeypatch.delenv("EESPRESSO_VAULT")
    assert Vault().path == Path.home() / ".local/share/eespresso/vault"


def test_entry_repr_hides_the_secret(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    vault.save_pending(URL, "CIP1", ACCOUNT, "x")
    assert SECRET not in repr(vault.entries()) and SECRET not in repr(vault)


def test_loose_key_file_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    vault = Vault(tmp_path / "vault")
    vault.save_pending(URL, "CIP1", ACCOUNT, "x")
    (tmp_path / "vault.key").chmod(0o644)
    assert vault.get(URL, "CIP1") is not None
    assert "readable by others (mode 644): run chmod 600" in caplog.text
    assert (tmp_path / "vault.key").read_text().strip() not in caplog.text


def test_release_step_undoes_only_the_latest_claim(tmp_path: Path) -> None:
    """A code refused for clock skew gives its step back, so a slower portal clock can go on."""
    vault = Vault(tmp_path / "vault")
    vault.save_pending(URL, "CIP1", ACCOUNT, "x")
    assert vault.claim_step(URL, "CIP1", 100)
    assert vault.claim_step(URL, "CIP1", 104)
    assert vault.release_step(URL, "CIP1", 100) is False  # not the latest claim
    assert vault.release_step(URL, "CIP1", 104) is True
    entry = vault.get(URL, "CIP1")
    assert entry is not None and entry.last_step == 100
    assert vault.release_step(URL, "CIP1", 104) is False  # already released
    assert vault.release_step(URL, "CIP1", 100) is False  # one undo only: 100 may be accepted
    assert vault.claim_step(URL, "CIP1", 101) is True


def test_unwritable_location_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(VaultError, match="cannot write the vault .*a-file/vault"):
        Vault(tmp_path / "a-file" / "vault").save_pending(URL, "CIP1", ACCOUNT, "x")


def test_key_with_surrounding_whitespace_is_the_same_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key read from a file or pasted into the environment often ends in a newline."""
    key = Fernet.generate_key()
    Vault(tmp_path / "vault", key=key).save_pending(URL, "CIP1", ACCOUNT, "x")
    assert Vault(tmp_path / "vault", key=key + b"\n").get(URL, "CIP1") is not None
    monkeypatch.setenv("EESPRESSO_VAULT_KEY", f"  {key.decode()}\n")
    assert Vault(tmp_path / "vault").get(URL, "CIP1") is not None


def test_removed_secret_is_not_kept_in_the_backup(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "vault")
    vault.save_pending(URL, "CIP1", ACCOUNT, "x")
    vault.save_pending(URL, "CIP2", ACCOUNT, "y")
    assert vault.remove(URL, "CIP2")
    backup = Vault(tmp_path / "vault.bak", key=(tmp_path / "vault.key").read_bytes())
    assert [entry.cip for entry in backup.entries()] == ["CIP1"]
    assert not list(tmp_path.glob(".vault*.tmp"))


def test_reenrolment_with_another_period_converts_the_last_step(tmp_path: Path) -> None:
    """Step 100 of 30 s ends at 3030 s; in 60 s steps, step 50 (3000–3060 s) overlaps it."""
    vault = Vault(tmp_path / "vault")
    vault.save_pending(URL, "CIP1", ACCOUNT, "a")  # period 30
    vault.claim_step(URL, "CIP1", 100)
    sixty = parse_uri(f"otpauth://totp/eEspresso:CIP1?secret={SECRET}&period=60")
    vault.save_pending(URL, "CIP1", sixty, "b")
    entry = vault.get(URL, "CIP1")
    assert entry is not None and entry.last_step == 50
    vault.save_pending(URL, "CIP1", ACCOUNT, "c")  # back to 30 s: 60 s step 50 ends at 3060 s
    entry = vault.get(URL, "CIP1")
    assert entry is not None and entry.last_step == 101
