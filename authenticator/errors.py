"""Typed errors of the virtual authenticator.

Every message is one line a person can act on and never holds a secret, a code or an
``otpauth://`` URI: callers may log or show ``str(error)``.
"""

from __future__ import annotations


class AuthenticatorError(Exception):
    """Base of every error raised by the ``authenticator`` package."""


class UriError(AuthenticatorError, ValueError):
    """An ``otpauth://`` URI that is not a valid TOTP key; the message names the faulty part."""


class ScanError(AuthenticatorError):
    """A screenshot that holds no readable authenticator QR code."""


class CodeWaitError(AuthenticatorError):
    """No unused time step would start within ``max_wait``: waiting longer would be a hang."""


class ClockError(AuthenticatorError):
    """The portal's clock could not be read (unreachable, no ``Date`` header)."""


class VaultError(AuthenticatorError):
    """The vault cannot be read or written (wrong key, corrupt or foreign file, lock timeout)."""


class BaseUrlError(VaultError, ValueError):
    """A base URL that names no portal: not http(s), no host, a bad port, or credentials inside.

    A ``VaultError`` because the vault files its entries under the normalised URL.
    """


class TransferError(AuthenticatorError):
    """A key to bring into the vault that cannot be chosen or used (several, none, unusable)."""
