"""Keys brought into the vault from elsewhere: a Key URI, a QR picture, a phone's export.

An account may already be enrolled on a phone (the helpdesk enrolled it, or ops moves from
another tool); enrolling again would replace that phone's key. Instead the key is imported:
``read_text`` and ``read_picture`` turn what a person gives (the text of a Key URI or of a
Google Authenticator export, or the picture of its QR code) into the accounts it holds, and
``choose`` picks the one to import — by name when an export holds several. Names are shown
in errors; secrets never are.
"""

from __future__ import annotations

import unicodedata

from authenticator.errors import TransferError
from authenticator.migration import Export, ExportedKey, parse_export
from authenticator.otp import OtpAccount, parse_uri
from authenticator.qr import is_export, scan_key

MAX_TEXT_CHARS = 10_000  # far more than any QR code holds


def read_text(text: str) -> Export:
    """The accounts of a Key URI (one) or of an ``otpauth-migration://`` export (one or more)."""
    text = text.strip()
    if not text:
        raise TransferError(
            "no key was given: expected an otpauth://totp/... or otpauth-migration://... URI"
        )
    if len(text) > MAX_TEXT_CHARS or len(text.splitlines()) > 1:
        raise TransferError("give one key URI, on one line")
    if is_export(text):
        return parse_export(text)
    account = parse_uri(text)
    return Export((ExportedKey(account.issuer, account.account, account),))


def read_picture(data: bytes) -> Export:
    """The accounts of the authenticator QR code in a picture (the portal's, or an export)."""
    return read_text(scan_key(data))


def choose(export: Export, select: str | None = None) -> OtpAccount:
    """The account to import: the only one, or the one named ``select`` (label or name)."""
    keys = export.keys
    if select is not None:
        wanted = _folded(select)
        keys = tuple(key for key in keys if wanted in (_folded(key.label), _folded(key.name)))
        if not keys:
            raise TransferError(
                f"no account is named {_quoted(select)}: the export holds {_names(export.keys)}"
                + _other_codes(export)
            )
    if len(keys) > 1:
        which = "accounts" if select is None else f"accounts named {_quoted(select)}"
        raise TransferError(
            f"the export holds {len(keys)} {which}: pick one with --select NAME "
            f"among {_names(keys)}"
        )
    key = keys[0]
    if key.account is None:
        raise TransferError(f"the account {_quoted(key.label)} cannot be imported: {key.problem}")
    return key.account


def _names(keys: tuple[ExportedKey, ...]) -> str:
    return ", ".join(_quoted(key.label) for key in keys)


def _quoted(name: str) -> str:
    return f"'{name}'"  # not repr(): a name holding an apostrophe would switch quotes


def _other_codes(export: Export) -> str:
    """A large export spans several QR codes: the wanted account may be on another one."""
    if export.batch_size <= 1:
        return ""
    return (
        f" (this is QR code {export.batch_index + 1} of {export.batch_size} of the export: "
        "the account may be on another one)"
    )


def _folded(text: str) -> str:
    """Names compared as people read them: case and Unicode form do not matter."""
    return unicodedata.normalize("NFC", text).strip().casefold()
