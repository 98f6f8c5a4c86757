"""The virtual authenticator (seed steps 3–6) and the vault of enrolled secrets.

``scan`` reads the enrollment QR screenshot, ``parse_uri`` the Key URI inside it; an
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
    "scan",
]


def __getattr__(name: str) -> object:
    """``scan`` is loaded on first use (PEP 562): the QR decoder brings Pillow and zbar, which
    only a first access needs; a later login, the monitors' usual journey, never scans."""
    if name == "scan":
        from authenticator.qr import scan

        return scan
    raise AttributeError(f"module 'authenticator' has no attribute {name!r}")
