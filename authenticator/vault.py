"""The vault of enrolled secrets, one entry per (base URL, CIP).

An entry is saved ``pending`` *before* the enrollment code is submitted and turned ``active``
once the portal accepted it (DESIGN.md "Secrets"), so a crash between the two never loses a
secret the portal may have accepted. ``last_step`` is the last time step used for the account,
shared by every process through ``claim_step`` so no two probes type the same code (RFC 6238
§5.2: the portal accepts a step once). Every change is a read-modify-write under an
inter-process lock (``filelock``); the file itself is handled by ``vault_file``.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import filelock

from authenticator import vault_file
from authenticator.errors import BaseUrlError, UriError, VaultError
from authenticator.otp import OtpAccount, parse_uri

PATH_ENV = "EESPRESSO_VAULT"
LOCK_TIMEOUT = 30.0  # seconds; a writer holds the lock for milliseconds
_DEFAULT_PORTS = {"http": 80, "https": 443}


def default_path() -> Path:
    """``$EESPRESSO_VAULT``, else ``~/.local/share/eespresso/vault``."""
    configured = os.environ.get(PATH_ENV)
    return Path(configured) if configured else Path.home() / ".local/share/eespresso/vault"


def normalise_base_url(base_url: str) -> str:
    """``HTTPS://Portal.example:443/`` → ``https://portal.example``: one entry per portal.

    Scheme and host are case-insensitive and the default port is implied (RFC 3986 §6.2.2.1,
    §6.2.3), so every spelling of one portal gives one string; the path keeps its case. A URL
    carrying ``user:password@`` is refused before anything echoes it: the value would end up
    in histories, reports and alerts, and a password belongs in its own variable or file.
    Raises ``BaseUrlError`` (one line).
    """
    text = base_url.strip()
    authority = text.partition("://")[2].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in authority:
        raise BaseUrlError(
            "the base URL holds credentials (user:password@host): remove them; the CIP and "
            "password are given separately (password_env or password_file in monitors.toml, "
            "EESPRESSO_PASSWORD or --password-file on the command line)"
        )
    shown = f"{text[:80]!r}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:  # "Invalid IPv6 URL", "Port out of range 0-65535"...
        raise BaseUrlError(f"the base URL {shown} does not parse ({error}); fix it") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise BaseUrlError(f"the base URL {shown} is not an http(s) URL with a host")
    if port == 0:
        raise BaseUrlError(f"the base URL {shown} has port 0: use a port from 1 to 65535")
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    if port not in (None, _DEFAULT_PORTS[scheme]):
        host += f":{port}"
    return f"{scheme}://{host}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class VaultEntry:
    """One enrolled account; its repr shows the account's parameters, never the secret."""

    base_url: str
    cip: str
    account: OtpAccount
    state: Literal["pending", "active"]
    device_name: str
    created_at: str  # ISO 8601, UTC
    last_step: int | None


class Vault:
    """Encrypted store of enrolled TOTP keys (Fernet), safe across processes and crashes."""

    def __init__(self, path: str | os.PathLike[str] | None = None, key: bytes | str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self._key = key
        self._lock = filelock.FileLock(
            str(self.path.with_name(self.path.name + ".lock")), timeout=LOCK_TIMEOUT, mode=0o600
        )

    def __repr__(self) -> str:
        return f"Vault({str(self.path)!r})"

    def save_pending(self, base_url: str, cip: str, account: OtpAccount, device_name: str) -> None:
        """Record a freshly scanned key before its first code is submitted."""
        with self._change() as entries:
            previous = entries.get(_entry_id(base_url, cip))
            entries[_entry_id(base_url, cip)] = {
                "uri": account.to_uri(),
                "state": "pending",
                "device_name": device_name,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "last_step": _carried_step(previous, account.period),
            }

    def activate(self, base_url: str, cip: str) -> None:
        """Mark the entry active: the portal accepted its code."""
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

    def get(self, base_url: str, cip: str) -> VaultEntry | None:
        """The entry of (base URL, CIP), or None when nothing is enrolled there."""
        entry_id = _entry_id(base_url, cip)
        raw = self._read().get(entry_id)
        return None if raw is None else _entry(entry_id, raw, self.path)

    def entries(self) -> list[VaultEntry]:
        """Every entry, sorted by base URL then CIP."""
        raw = self._read()
        return [_entry(entry_id, raw[entry_id], self.path) for entry_id in sorted(raw)]

    def remove(self, base_url: str, cip: str) -> bool:
        """Forget an entry, backup included (the portal still knows the device: reset it)."""
        with self._change(keep_previous=False) as entries:
            return entries.pop(_entry_id(base_url, cip), None) is not None

    def _read(self) -> dict[str, dict]:
        document = vault_file.read(
            self.path, lambda: vault_file.load_key(self.path, self._key, create=False)
        )
        return document["entries"]

    @contextlib.contextmanager
    def _change(self, *, keep_previous: bool = True) -> Iterator[dict[str, dict]]:
        """Lock, read, let the caller change the entries, write them back if they changed."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with self._lock:
                vault_file.remove_stale_temporaries(self.path)
                get_key = functools.partial(vault_file.load_key, self.path, self._key, create=True)
                document = vault_file.read(self.path, get_key)
                key = get_key()  # created above if the vault is new; read again otherwise
                assert key is not None  # create=True yields a key or raises
                before = copy.deepcopy(document)
                yield document["entries"]
                if document != before:
                    vault_file.write(self.path, key, document, keep_previous=keep_previous)
        except filelock.Timeout:
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
        entry = entries.get(_entry_id(base_url, cip))
        if entry is None:
            raise VaultError(
                f"nothing is enrolled for CIP {cip} at {normalise_base_url(base_url)} "
                f"in {self.path}: run the first access (python -m monitors enroll) first"
            )
        return entry


def _carried_step(previous: dict | None, period: int) -> int | None:
    """The last used step of a replaced entry, in the new key's steps.

    Steps are time: the portal saw codes until the end of the old last step, so the new
    key's steps that begin before then count as used too (re-enrollment may change the
    period: 30 s steps and 60 s steps are not comparable numbers).
    """
    if previous is None or previous.get("last_step") is None:
        return None
    try:
        old_period = parse_uri(previous["uri"]).period
    except (UriError, KeyError, TypeError):
        old_period = period  # a damaged old entry: keep its number, the safe side
    used_until = (previous["last_step"] + 1) * old_period
    return (used_until - 1) // period


def _entry_id(base_url: str, cip: str) -> str:
    if not cip or " " in cip:
        raise VaultError(f"the CIP {cip!r} is empty or holds spaces")
    return f"{normalise_base_url(base_url)} {cip}"


def _entry(entry_id: str, raw: dict, path: Path) -> VaultEntry:
    base_url, cip = entry_id.rsplit(" ", 1)
    try:
        return VaultEntry(
            base_url=base_url,
            cip=cip,
            account=parse_uri(raw["uri"]),
            state=raw["state"],
            device_name=raw["device_name"],
            created_at=raw["created_at"],
            last_step=raw["last_step"],
        )
    except (UriError, KeyError, TypeError):
        raise VaultError(f"the entry for CIP {cip} at {base_url} in {path} is damaged") from None
