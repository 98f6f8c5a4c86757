"""Configuration of one sandbox instance and validation of per-account variants.

The keys are what callers pass to ``create_app`` and ``running_sandbox`` (the tests, the
benchmarks, the demo). Variants (QR rendering, layout, wording, OTP
parameters) exist so the suite proves it does not depend on one markup.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

DEFAULT_ISSUER = "Accès eEspresso – CIUSSS de l'Estrie"

# Allowed values of each variant key; the first one is the default.
VARIANT_CHOICES: dict[str, tuple[Any, ...]] = {
    "QR": ("png", "svg", "inline-svg", "canvas"),
    "LAYOUT": ("one-page", "two-page"),
    "WORDING": ("seed", "alt"),
    "ALGORITHM": ("SHA1", "SHA256", "SHA512"),
    "DIGITS": (6, 8),
    "PERIOD": (30, 60),
    # "faulty" breaks WCAG on purpose (an unlabelled field, paste blocked on the code fields,
    # errors not announced) so the accessibility tests prove they fail when they should.
    "A11Y": ("accessible", "faulty"),
}

DEFAULTS: dict[str, Any] = {
    **{key: choices[0] for key, choices in VARIANT_CHOICES.items()},
    "ENROLLMENT_TTL": 600,
    "LOCKOUT_THRESHOLD": 5,
    "LOCKOUT_SECONDS": 900,
    "ISSUER": DEFAULT_ISSUER,
    # Wall clock of the server before the injected offset; tests pass a fake to move time
    # without sleeping (enrollment expiry, lockout expiry).
    "CLOCK": time.time,
    "SESSION_IDLE_SECONDS": 1800,
}

# Lower-case names used by the admin API and AdminClient for the same variants.
VARIANT_KEYS = tuple(key.lower() for key in VARIANT_CHOICES)


class ConfigError(ValueError):
    """A configuration or variant value the sandbox cannot serve; the message says which."""


def check_variant(key: str, value: Any) -> Any:
    """Return ``value`` if it is allowed for variant ``key`` (upper or lower case)."""
    upper = key.upper()
    choices = VARIANT_CHOICES[upper]
    if upper == "ALGORITHM" and isinstance(value, str):
        value = value.upper()
    if upper in ("DIGITS", "PERIOD") and isinstance(value, str) and value.isdigit():
        value = int(value)
    if value not in choices:
        allowed = ", ".join(str(c) for c in choices)
        raise ConfigError(f"{key.lower()} must be one of {allowed}, not {value!r}")
    return value


def _positive_number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{key} must be a positive number of seconds or tries, not {value!r}")
    return value


def build_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge ``config`` over the defaults and validate every known key.

    Unknown upper-case keys pass through to Flask (e.g. ``TESTING``).
    """
    merged = {**DEFAULTS, "ADMIN_TOKEN": secrets.token_urlsafe(24)}
    merged.update(config or {})
    for key in VARIANT_CHOICES:
        merged[key] = check_variant(key, merged[key])
    for key in ("ENROLLMENT_TTL", "LOCKOUT_THRESHOLD", "LOCKOUT_SECONDS", "SESSION_IDLE_SECONDS"):
        _positive_number(key, merged[key])
    if not isinstance(merged["ADMIN_TOKEN"], str) or len(merged["ADMIN_TOKEN"]) < 8:
        raise ConfigError("ADMIN_TOKEN must be a string of at least 8 characters")
    if not isinstance(merged["ISSUER"], str) or not merged["ISSUER"].strip():
        raise ConfigError("ISSUER must be a non-empty string")
    clock: Callable[[], float] = merged["CLOCK"]
    if not callable(clock):
        raise ConfigError("CLOCK must be a callable returning seconds since the epoch")
    return merged


def instance_variants(config: Mapping[str, Any]) -> dict[str, Any]:
    """The instance-wide variant values, keyed in lower case as accounts store them."""
    return {key.lower(): config[key] for key in VARIANT_CHOICES}
