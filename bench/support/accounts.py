"""Sandbox accounts that start enrolled, for the benchmarks and the tests.

The sandbox's admin API creates an account already enrolled and answers with the secret it
enrolled; that secret kept in a vault as an active entry is all a later login needs, without a
first access (steps 1–7) before it.
"""

from __future__ import annotations

import secrets

from authenticator import OtpAccount, Vault
from pages.account import Account

SANDBOX_ISSUER = "Accès eEspresso – CIUSSS de l'Estrie"


def new_cip(prefix: str = "QA") -> str:
    """A CIP no other run uses, so runs in parallel share no lockout counter."""
    return f"{prefix}{secrets.token_hex(5).upper()}"


def new_password() -> str:
    """A password the portal accepts (14–20 characters), unique to one account."""
    return "Qa-" + secrets.token_urlsafe(12)[:14]  # 17 characters


def seed_enrolled(vault: Vault, account: Account, created: dict) -> OtpAccount:
    """Keep the secret the sandbox enrolled for ``account`` (``created``, the admin API's
    answer) in ``vault`` as an active entry; the authenticator account it makes."""
    otp = OtpAccount(
        created["secret"],
        account=account.cip,
        issuer=created.get("issuer") or SANDBOX_ISSUER,
        algorithm=created.get("algorithm", "SHA1"),
        digits=int(created.get("digits", 6)),
        period=int(created.get("period", 30)),
    )
    vault.save_pending(account.base_url, account.cip, otp, account.device_name)
    vault.activate(account.base_url, account.cip)
    return otp
