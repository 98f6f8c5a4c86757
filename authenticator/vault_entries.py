"""The entries of the vault's document: building, reading, comparing and merging them.

Pure functions on the decrypted JSON document (``{"URL CIP": {...}}``); ``vault.Vault`` does
the locking and the file. An entry is ``{"uri", "state", "device_name", "created_at",
"last_step"}``; its id is the normalised base URL and the CIP, one entry per portal account.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from authenticator.errors import BaseUrlError, UriError, VaultError
from authenticator.otp import OtpAccount, parse_uri

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_base_url(base_url: str) -> str:
    """``HTTPS://Portal.example:443/`` → ``https://portal.example``: one name per portal.

    The one normaliser of base URLs. Each entry point calls it where it reads a URL (the
    suite's settings, the monitors file, the command lines) and hands the result on, so the
    history and the reports name one portal one way; the vault and the account guard key their
    records with it too, so a caller that hands them another spelling cannot split one
    portal's secrets or lockout budget in two. Scheme and host are case-insensitive and the
    default port is implied (RFC 3986 §6.2.2.1, §6.2.3), so every spelling of one portal gives
    one string; the path keeps its case. A URL carrying ``user:password@`` is refused before
    anything echoes it, even one that does not parse: the value would end up in histories,
    reports and alerts, and a password belongs in the environment or a file. Raises
    ``BaseUrlError`` (one line).
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
    except ValueError as error:  # "Invalid IPv6 URL", "Port out of range 0-65535"
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
    guard_store: str | None = None  # the id of the account guard's store counting its failures


def new_entry(
    account: OtpAccount, state: str, device_name: str, previous: dict | None
) -> dict[str, object]:
    """A fresh entry for ``account``; a replaced entry's used steps stay used."""
    return {
        "uri": account.to_uri(),
        "state": state,
        "device_name": device_name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "last_step": carried_step(previous, account.period),
        **(
            {"guard_store": previous["guard_store"]}
            if previous and "guard_store" in previous
            else {}
        ),
    }


def same_key(raw: dict, account: OtpAccount) -> bool:
    """Whether a stored entry holds the key of ``account`` (labels may differ)."""
    try:
        return parse_uri(raw["uri"]).same_key(account)
    except (UriError, KeyError, TypeError):
        return False  # a damaged entry: never "the same", so replacing it asks --replace


def merge(entries: dict[str, dict], saved: dict[str, dict], *, replace: bool) -> dict[str, str]:
    """Put ``saved`` (restored entries) into ``entries``; see ``Vault.restore``."""
    differing = [
        name
        for name, raw in saved.items()
        if name in entries and not same_key(entries[name], parse_uri(raw["uri"]))
    ]
    if differing and not replace:
        names = ", ".join(shown(name) for name in differing)
        raise VaultError(
            f"the vault holds other keys for {names}: pass --replace to restore the backup's"
        )
    outcome = {}
    for name, raw in saved.items():
        current = entries.get(name)
        if current is None:
            entries[name], outcome[name] = copy.deepcopy(raw), "added"
        elif name in differing:
            carried = carried_step(current, parse_uri(raw["uri"]).period)
            entries[name] = {**copy.deepcopy(raw), "last_step": _later(raw["last_step"], carried)}
            outcome[name] = "replaced"
        else:  # the same key: keep ours, with what the backup knew that we did not
            current["last_step"] = _later(current["last_step"], raw["last_step"])
            if raw["state"] == "active":
                current["state"] = "active"  # the portal accepted this key once: it is active
            outcome[name] = "unchanged"
    return outcome


def _later(first: int | None, second: int | None) -> int | None:
    return max((step for step in (first, second) if step is not None), default=None)


def shown(entry_id: str) -> str:
    """``"URL CIP"`` as people read it: ``CIP X at URL``."""
    base_url, cip = entry_id.rsplit(" ", 1)
    return f"CIP {cip} at {base_url}"


def carried_step(previous: dict | None, period: int) -> int | None:
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


def entry_id(base_url: str, cip: str) -> str:
    if not cip or " " in cip:
        raise VaultError(f"the CIP {cip!r} is empty or holds spaces")
    return f"{normalise_base_url(base_url)} {cip}"


def read_entry(entry_id: str, raw: dict, path: Path) -> VaultEntry:
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
            guard_store=raw.get("guard_store"),
        )
    except (UriError, KeyError, TypeError):
        raise VaultError(f"the entry for CIP {cip} at {base_url} in {path} is damaged") from None
