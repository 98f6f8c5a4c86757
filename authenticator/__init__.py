"""The virtual authenticator (seed steps 3–6) and the vault of enrolled secrets.

``authenticator.qr.scan`` reads the enrollment QR screenshot (imported from there alone: it
loads Pillow and zbar, which a later login never needs), ``parse_uri`` the Key URI inside it; an
``OtpAccount`` computes codes with pyotp; the ``Authenticator`` hands out codes the portal
will accept (never a used time step, never about to expire); ``estimate_offset`` measures the
portal's clock; the ``Vault`` keeps enrolled keys encrypted and crash-safe.
"""

from authenticator.clock import ClockOffset, estimate_offset
from authenticator.errors import (
    AuthenticatorError,
    BaseUrlError,
    ClockError,
    CodeWaitError,
    ScanError,
    UriError,
    VaultError,
)
from authenticator.otp import OtpAccount, parse_uri
from authenticator.phone import Authenticator, Code
from authenticator.vault import Vault, VaultEntry, default_path, normalise_base_url

__all__ = [
    "Authenticator",
    "AuthenticatorError",
    "BaseUrlError",
    "ClockError",
    "ClockOffset",
    "Code",
    "CodeWaitError",
    "OtpAccount",
    "ScanError",
    "UriError",
    "Vault",
    "VaultEntry",
    "VaultError",
    "default_path",
    "estimate_offset",
    "normalise_base_url",
    "parse_uri",
]
