"""What the identity server keeps beside the portal's accounts: its registered client, the
authorization codes and access tokens it issued, and Keycloak's form of the OTP secret.

Codes and tokens live under ``Store.lock`` like every other piece of sandbox state; their
reprs hide the values, which are credentials.
"""

from __future__ import annotations

import base64
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

# Keycloak's secret generator draws the OTP secret from letters and digits (20 of them,
# HmacOTP.DEFAULT_SECRET_LENGTH); the QR and the manual key carry its base32 form.
_ALPHABET = string.ascii_letters + string.digits
RAW_SECRET_LENGTH = 20


def new_raw_secret() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(RAW_SECRET_LENGTH))


def to_base32(raw: str) -> str:
    """The base32 key (RFC 4648 §6) an authenticator app stores: 20 bytes give 32 characters."""
    return base64.b32encode(raw.encode()).decode().rstrip("=")


def to_raw(base32: str) -> str:
    """The form Keycloak posts back in its hidden ``totpSecret`` input."""
    padded = base32 + "=" * (-len(base32) % 8)
    return base64.b32decode(padded).decode()


def grouped(base32: str) -> str:
    """The manual-mode key as Keycloak shows it (TotpUtils.encode): groups of four."""
    return " ".join(base32[i : i + 4] for i in range(0, len(base32), 4))


@dataclass
class Grant:
    """One authorization code (RFC 6749 §4.1.2) or access token, bound to its account."""

    cip: str
    client_id: str
    redirect_uri: str
    expires: float
    used: bool = False


@dataclass
class KeycloakState:
    """The realm's one confidential client and the codes and tokens issued to it."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uris: list[str] = field(default_factory=list)
    codes: dict[str, Grant] = field(default_factory=dict, repr=False)
    tokens: dict[str, Grant] = field(default_factory=dict, repr=False)

    def issue(self, kind: str, grant: Grant) -> str:
        """Store ``grant`` under a fresh random value; ``kind`` is "codes" or "tokens"."""
        value = secrets.token_urlsafe(32)
        table: dict[str, Grant] = getattr(self, kind)
        table[value] = grant
        return value

    def prune(self, now: float) -> None:
        """Drop what has expired, so a long-running sandbox does not grow without bound."""
        for table in (self.codes, self.tokens):
            for value in [v for v, g in table.items() if g.expires <= now]:
                del table[value]


def state_of(app: Any) -> KeycloakState:
    return app.extensions["keycloak"]
