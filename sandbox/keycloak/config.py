"""Configuration of the Keycloak variant: theme, locale, realm and client, on top of the
stand-in portal's own keys (``sandbox.config``: lockout, clock, admin token, OTP variants)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from sandbox.config import ConfigError, build_config
from sandbox.keycloak.messages import LOCALES

# The first value of each is the default: Keycloak 26's default login theme is keycloak.v2.
CHOICES: dict[str, tuple[str, ...]] = {
    "THEME": ("keycloak.v2", "keycloak"),
    "LOCALE": LOCALES,
}

# Required actions a login may meet, in Keycloak's default priority order (Authentication >
# Required actions in the admin console): the OTP set-up first, then terms, then password.
CONFIGURE_TOTP = "CONFIGURE_TOTP"
TERMS = "TERMS_AND_CONDITIONS"
UPDATE_PASSWORD = "UPDATE_PASSWORD"
REQUIRED_ACTIONS = (CONFIGURE_TOTP, TERMS, UPDATE_PASSWORD)
SETTABLE_ACTIONS = (TERMS, UPDATE_PASSWORD)  # CONFIGURE_TOTP follows from enrolment

DEFAULTS: dict[str, Any] = {
    **{key: choices[0] for key, choices in CHOICES.items()},
    "REALM": "eespresso",
    "REALM_DISPLAY_NAME": "eEspresso",
    "CLIENT_ID": "eespresso",
    # Keycloak's "Client login timeout" / access code lifespan: an authorization code is
    # good for one minute and one exchange (RFC 6749 §4.1.2).
    "CODE_TTL": 60,
    "TOKEN_TTL": 300,
}


def build(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """The portal's configuration plus the Keycloak keys, each checked."""
    merged = dict(config or {})
    for key, value in DEFAULTS.items():
        merged.setdefault(key, value)
    merged.setdefault("CLIENT_SECRET", secrets.token_urlsafe(24))
    for key, choices in CHOICES.items():
        if merged[key] not in choices:
            raise ConfigError(f"{key.lower()} must be one of {', '.join(choices)}")
    for key in ("REALM", "CLIENT_ID", "REALM_DISPLAY_NAME"):
        if not isinstance(merged[key], str) or not merged[key].strip():
            raise ConfigError(f"{key} must be a non-empty string")
    for key in ("CODE_TTL", "TOKEN_TTL"):
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"{key} must be a positive number of seconds, not {value!r}")
    return build_config(merged)
