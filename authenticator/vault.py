"""The vault of enrolled secrets, one entry per (base URL, CIP).

An entry is saved ``pending`` *before* the enrollment code is submitted and turned ``active``
once the portal accepted it (docs/design.md, "Secrets"), so a crash between the two never loses a
secret the portal may have accepted. ``last_step`` is the last time step used for the account,
shared by every process through ``claim_step`` so no two probes type the same code (RFC 6238
§5.2: the portal accepts a step once). Every change is a read-modify-write under an
inter-process lock (``file_lock``); the file itself is handled by ``vault_file``.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hmac
import os
from collections.abc import Iterator
from pathlib import Path

import authenticator.vault_file as vault_file
from authenticator.errors import VaultError
from authenticator.file_lock import LockTimeout, held
from authenticator.otp import OtpAccount
from authenticator.vault_entries import (
    VaultEntry,
    entry_id,
    merge,
    new_entry,
    normalise_base_url,
    read_entry,
    same_key,
    shown,
)

__all__ = ["PATH_ENV", "Vault", "VaultEntry", "default_path", "normalise_base_url"]

PATH_ENV = "EESPRESSO_VAULT"
LOCK_TIMEOUT = 30.0  # seconds; a writer holds the lock for milliseconds


def default_path() -> Path:
    """``$EESPRESSO_VAULT``, else ``~/.local/share/eespresso/vault``."""
    configured = os.environ.get(PATH_ENV)
    return Path(configured) if configured else Path.home() / ".local/share/eespresso/vault"


class Vault:
    """Encrypted store of enrolled TOTP keys (Fernet), safe across processes and crashes."""

    def __init__(self, path: str | os.PathLike[str] | None = None, key: bytes | str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self._key = key
        self._lock = self.path.with_name(self.path.name + ".lock")

    def __repr__(self) -> str:
        return f"Vault({str(self.path)!r})"

    def save_pending(self, base_url: str, cip: str, account: OtpAccount, device_name: str) -> None:
        """Record a freshly scanned key before its first code is submitted."""
        wanted = entry_id(base_url, cip)
        with self._change() as entries:
            entries[wanted] = new_entry(account, "pending", device_name, entries.get(wanted))

    def import_active(
        self,
        base_url: str,
        cip: str,
        account: OtpAccount,
        device_name: str,
        *,
        replace: bool = False,
    ) -> str:
        """Store a key the portal already knows (a phone's export, a saved Key URI) as active.

        Returns "added", "replaced", "activated" (it was pending) or "unchanged". Another key
        already stored for the account is replaced only with ``replace``: it may be the one
        the portal knows, and a lost key locks the account out.
        """
        wanted = entry_id(base_url, cip)
        with self._change() as entries:
            previous = entries.get(wanted)
            if previous is not None and same_key(previous, account):
                if previous["state"] == "active":
                    return "unchanged"
                previous["state"] = "active"
                return "activated"
            if previous is not None and not replace:
                raise VaultError(
                    f"the vault already holds another {previous.get('state', '')} key for "
                    f"CIP {cip} at {normalise_base_url(base_url)}: pass --replace to replace it"
                )
            entries[wanted] = new_entry(account, "active", device_name, previous)
            return "replaced" if previous is not None else "added"

    def activate(self, base_url: str, cip: str) -> None:
        """Mark the entry active: the portal accepted its code. An entry already active (every
        later login) is left as it is: no write, no fsync."""
        entry = self.get(base_url, cip)
        if entry is not None and entry.state == "active":
            return
        with self._change() as entries:
            self._require(entries, base_url, cip)["state"] = "active"

    def claim_step(self, base_url: str, cip: str, step: int) -> bool:
        """Record ``step`` as used if it is later than the last one; False if already used."""
        with self._change() as entries:
            entry = self._require(entries, base_url, cip)
            if entry["last_step"] is not None and step <= entry["last_step"]:
                return False
            entry["step_before"], entry["last_step"] = entry["last_step"], int(step)
            return True

    def release_step(self, base_url: str, cip: str, step: int) -> bool:
        """Undo the claim of ``step`` when the portal refused its code for clock skew.

        A code refused because the clocks disagree did not use its step at the portal; kept
        claimed, a step of our fast clock would block every code of the portal's slower
        clock until it catches up. Only the latest claim can be undone (False otherwise:
        another process claimed a later step meanwhile). Never release after an acceptance.
        """
        with self._change() as entries:
            entry = self._require(entries, base_url, cip)
            if entry["last_step"] != step or "step_before" not in entry:
                return False  # a later claim exists, or this one was already undone
            entry["last_step"] = entry.pop("step_before", None)
            return True

    def name_guard_store(self, base_url: str, cip: str, store_id: str) -> None:
        """Record which account guard store counts the account's failures (kept with the
        entry, encrypted and backed up, where deleting the store cannot reach it)."""
        with self._change() as entries:
            self._require(entries, base_url, cip)["guard_store"] = store_id

    def get(self, base_url: str, cip: str) -> VaultEntry | None:
        """The entry of (base URL, CIP), or None when nothing is enrolled there."""
        wanted = entry_id(base_url, cip)
        raw = self._read().get(wanted)
        return None if raw is None else read_entry(wanted, raw, self.path)

    def entries(self) -> list[VaultEntry]:
        """Every entry, sorted by base URL then CIP."""
        raw = self._read()
        return [read_entry(name, raw[name], self.path) for name in sorted(raw)]

    def remove(self, base_url: str, cip: str) -> bool:
        """Forget an entry, backup included (the portal still knows the device: reset it)."""
        with self._change(keep_previous=False) as entries:
            return entries.pop(entry_id(base_url, cip), None) is not None

    def rekey(self, new_key: bytes | str | None = None) -> bool:
        """Encrypt the vault and its backup with a new key: the old key opens neither.

        When the key is the file beside the vault, a fresh key replaces it unless one is
        given; True is returned. A key given to this object or by ``$EESPRESSO_VAULT_KEY``
        lives where we cannot write, so the new key must be given (False is returned): the
        caller stores it there.
        """
        key_file = vault_file.key_in_file(self._key)
        if new_key is None and not key_file:
            raise VaultError(
                f"the vault key comes from {vault_file.KEY_ENV} or the caller: give the new key "
                f"too (it must be stored where {vault_file.KEY_ENV} comes from)"
            )
        new = vault_file.checked_key(
            new_key if new_key is not None else vault_file.generate_key(), "the new key"
        )
        with self._locked():
            old = vault_file.load_key(self.path, self._key, create=False)
            document = self._document(old)
            if old is not None and hmac.compare_digest(old, new):
                raise VaultError("the new key is the current key: give another one")
            vault_file.rekey(self.path, new, document, key_file=key_file)
        if self._key is not None:
            self._key = new
        return key_file

    def backup(self, destination: str | os.PathLike[str]) -> int:
        """Write an encrypted copy of the vault (its current key) to a new file; entries copied.

        A copy taken from a consistent read, unlike a file copy racing a writer, and never
        over an existing file (an older backup may be the only copy of a key).
        """
        key = vault_file.load_key(self.path, self._key, create=False)
        document = self._document(key)
        assert key is not None  # _document() raised otherwise
        try:
            vault_file.write_copy(Path(destination), key, document)
        except OSError as error:
            raise VaultError(f"cannot write {destination}: {error.strerror or error}") from None
        return len(document["entries"])

    def restore(
        self,
        source: str | os.PathLike[str],
        *,
        key: bytes | str | None = None,
        replace: bool = False,
        only: tuple[str, str] | None = None,
    ) -> dict[str, str]:
        """Bring the entries of a ``backup`` file back; returns ``{"URL CIP": outcome}``.

        ``key`` opens the backup when it was made with another key than the vault's (before
        a rekey, on another machine). An entry the vault holds with another key is replaced
        only with ``replace``; nothing is changed when one would be refused. A restored
        entry keeps the later of the two last used steps: a code is never typed twice.
        """
        path = Path(source)
        if not path.is_file():
            raise VaultError(f"there is no backup file {path}")
        given = None if key is None else vault_file.checked_key(key, "the backup key")

        def backup_key() -> bytes | None:
            return given or vault_file.load_key(self.path, self._key, create=False)

        saved = vault_file.read(path, backup_key, backup_of=self.path)["entries"]
        if only is not None:
            wanted = entry_id(*only)
            saved = {wanted: saved[wanted]} if wanted in saved else {}
            if not saved:
                raise VaultError(f"the backup {path} holds nothing for {shown(wanted)}")
        for name, raw in saved.items():
            read_entry(name, raw, path)  # a damaged entry stops the restore before any change
        with self._change() as entries:
            return merge(entries, saved, replace=replace)

    def _document(self, key: bytes | None) -> dict:
        """The whole document of an existing vault, read with ``key``."""
        if not self.path.exists():
            raise VaultError(f"there is no vault at {self.path}")
        return vault_file.read(self.path, lambda: key)

    def _read(self) -> dict[str, dict]:
        document = vault_file.read(
            self.path, lambda: vault_file.load_key(self.path, self._key, create=False)
        )
        return document["entries"]

    @contextlib.contextmanager
    def _change(self, *, keep_previous: bool = True) -> Iterator[dict[str, dict]]:
        """Lock, read, let the caller change the entries, write them back if they changed."""
        with self._locked():
            get_key = functools.partial(vault_file.load_key, self.path, self._key, create=True)
            document = vault_file.read(self.path, get_key)
            key = get_key()  # created above if the vault is new; read again otherwise
            assert key is not None  # create=True yields a key or raises
            before = copy.deepcopy(document)
            yield document["entries"]
            if document != before:
                vault_file.write(self.path, key, document, keep_previous=keep_previous)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the inter-process lock; file-system failures become one-line ``VaultError``s."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with held(self._lock, LOCK_TIMEOUT):
                vault_file.remove_stale_temporaries(self.path)
                yield
        except LockTimeout:
            raise VaultError(
                f"the vault {self.path} stayed locked for {LOCK_TIMEOUT:g} s by another process"
            ) from None
        except PermissionError as error:
            raise VaultError(f"no permission on {error.filename or self.path}") from None
        except OSError as error:  # disk full, read-only file system...: the old file stays
            raise VaultError(
                f"cannot write the vault {self.path}: {error.strerror or error}; "
                "it was left as it was"
            ) from None

    def _require(self, entries: dict[str, dict], base_url: str, cip: str) -> dict:
        entry = entries.get(entry_id(base_url, cip))
        if entry is None:
            raise VaultError(
                f"nothing is enrolled for CIP {cip} at {normalise_base_url(base_url)} "
                f"in {self.path}: run the first access (python -m monitors enroll) first"
            )
        return entry
