"""Google Authenticator's account export: ``otpauth-migration://offline?data=…``.

« Transfer accounts » on a phone shows one or more QR codes; each holds the URL-encoded
Base64 of a protobuf ``MigrationPayload`` (``migration.proto``) listing accounts with their raw
secret, name, issuer, algorithm, digit count and type. It is decoded with the ``protobuf``
package from that schema, never by hand, and every account is checked like a Key URI: TOTP
only, SHA1/SHA256/SHA512, 6 or 8 digits, a secret of at least 80 bits. The export has no
period: Google Authenticator exports 30-second keys only (the Key URI format's default).

Errors are ``UriError``s of one line that never hold a secret or the payload.
"""

from __future__ import annotations

import base64
import binascii
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from google.protobuf.message import DecodeError

from authenticator.errors import UriError
from authenticator.migration_pb2 import MigrationPayload
from authenticator.otp import OtpAccount

SCHEME = "otpauth-migration"
_ALGORITHMS = {
    MigrationPayload.ALGORITHM_UNSPECIFIED: "SHA1",  # the Key URI format's default
    MigrationPayload.ALGORITHM_SHA1: "SHA1",
    MigrationPayload.ALGORITHM_SHA256: "SHA256",
    MigrationPayload.ALGORITHM_SHA512: "SHA512",
}
_DIGITS = {
    MigrationPayload.DIGIT_COUNT_UNSPECIFIED: 6,
    MigrationPayload.DIGIT_COUNT_SIX: 6,
    MigrationPayload.DIGIT_COUNT_EIGHT: 8,
}
MAX_DATA_CHARS = 8_000  # a version 40 QR code holds at most 4,296 alphanumeric characters


@dataclass(frozen=True)
class ExportedKey:
    """One account of an export: its issuer and name as the phone lists them, and its key or
    the reason it cannot be used (``problem``), so that the other accounts still can."""

    issuer: str
    name: str
    account: OtpAccount | None
    problem: str = ""

    @property
    def label(self) -> str:
        """``ISSUER:NAME`` (the Key URI label), or the name alone."""
        name = self.name or "(no name)"
        return f"{self.issuer}:{name}" if self.issuer else name


@dataclass(frozen=True)
class Export:
    """The accounts of one export QR code; a large export spans ``batch_size`` codes."""

    keys: tuple[ExportedKey, ...]
    batch_index: int = 0
    batch_size: int = 1


def parse_export(uri: str) -> Export:
    """Decode and check an ``otpauth-migration://offline?data=…`` URI."""
    parts = urlsplit(uri.strip())
    if parts.scheme.lower() != SCHEME:
        raise UriError(f"the URI scheme is not '{SCHEME}' (not an authenticator export)")
    if parts.netloc.lower() != "offline":
        raise UriError(f"the export is not an '{SCHEME}://offline' URI")
    payload = _payload(_data(parts.query))
    if not payload.otp_parameters:
        raise UriError("the export holds no account")
    return Export(
        keys=tuple(_key(parameters) for parameters in payload.otp_parameters),
        batch_index=payload.batch_index,
        batch_size=max(1, payload.batch_size),
    )


def _data(query: str) -> bytes:
    """The ``data`` parameter, percent-decoded then Base64-decoded (RFC 4648 §4)."""
    values = [field[5:] for field in query.split("&") if field.startswith("data=")]
    if len(values) != 1:
        raise UriError("the export has no 'data' parameter, or more than one")
    # Not unquote_plus: '+' is a Base64 letter; a reader that turned it into a space is undone.
    text = unquote(values[0]).replace(" ", "+").strip()
    if not text or len(text) > MAX_DATA_CHARS:
        raise UriError("the export's 'data' parameter is empty or too long")
    if len(text.rstrip("=")) % 4 == 1:
        raise UriError("the export's 'data' is not Base64 (its length is impossible: truncated?)")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise UriError("the export's 'data' is not Base64 (letters, digits, + and /)") from None


def _payload(data: bytes) -> MigrationPayload:
    payload = MigrationPayload()
    try:
        payload.ParseFromString(data)
    except DecodeError:
        raise UriError(
            "the export's data is not a Google Authenticator export (truncated or damaged): "
            "scan the QR code again"
        ) from None
    return payload


def _key(parameters: MigrationPayload.OtpParameters) -> ExportedKey:
    issuer = _clean(parameters.issuer)
    name = _clean(parameters.name)
    if issuer and name.casefold().startswith(issuer.casefold() + ":"):
        name = name[len(issuer) + 1 :].lstrip()  # the label's "ISSUER:" prefix, once is enough
    problem = _problem(parameters)
    if problem or not name:
        return ExportedKey(issuer, name, None, problem or "it has no name")
    try:
        account = OtpAccount(
            base64.b32encode(parameters.secret).decode("ascii"),
            account=name,
            issuer=issuer,
            algorithm=_ALGORITHMS[parameters.algorithm],
            digits=_DIGITS[parameters.digits],
        )
    except UriError as error:  # written to be secret-free
        return ExportedKey(issuer, name, None, str(error))
    return ExportedKey(issuer, name, account)


def _problem(parameters: MigrationPayload.OtpParameters) -> str:
    """Why the account cannot be used here, or ""; the secret is checked by ``OtpAccount``."""
    if parameters.type == MigrationPayload.OTP_TYPE_HOTP:
        return "it is counter-based (HOTP); only time-based (TOTP) keys are supported"
    if parameters.type != MigrationPayload.OTP_TYPE_TOTP:
        return f"its OTP type ({parameters.type}) is not TOTP, the only one supported"
    if parameters.algorithm not in _ALGORITHMS:
        try:
            shown = MigrationPayload.Algorithm.Name(parameters.algorithm).removeprefix("ALGORITHM_")
        except ValueError:  # proto3 enums are open: a number no version of the schema names
            shown = f"number {parameters.algorithm}"
        return f"its algorithm ({shown}) is not supported: SHA1, SHA256 or SHA512 only"
    if parameters.digits not in _DIGITS:
        return f"its digit count (value {parameters.digits}) is neither 6 nor 8"
    if not parameters.secret:
        return "its secret is empty"
    return ""


def _clean(text: str) -> str:
    """A name as people compare it: NFC, no surrounding spaces, no control characters."""
    text = unicodedata.normalize("NFC", text).strip()
    return "".join(char for char in text if char.isprintable())
