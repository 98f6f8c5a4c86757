"""TOTP accounts and the strict parser of Google's Key URI format.

The URI is the secret: it is parsed with ``urllib.parse`` and ``base64`` and the codes are
computed by ``pyotp``; nothing here hand-writes HOTP/TOTP. An ``OtpAccount`` keeps its secret
out of every printed, logged or pickled form; only ``to_uri()`` gives it back, for
the vault.

Key URI format: https://github.com/google/google-authenticator/wiki/Key-Uri-Format
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import time
import unicodedata
from typing import Any, ClassVar, NoReturn
from urllib.parse import quote, unquote, unquote_plus, urlsplit

import pyotp

from authenticator.errors import UriError

ALGORITHMS: dict[str, Any] = {
    "SHA1": hashlib.sha1,
    "SHA256": hashlib.sha256,
    "SHA512": hashlib.sha512,
}
# The floor. RFC 4226 §4 R6 asks 128 bits, but 80-bit keys (16 Base32 characters) are
# still issued and Google Authenticator takes them: refusing them would refuse the portal.
MIN_SECRET_BITS = 80
MIN_DIGITS, MAX_DIGITS = 6, 8  # Google Authenticator shows 6 or 8; RFC 4226 §5.3 allows 6-8
MIN_PERIOD, MAX_PERIOD = 10, 120  # pyotp refuses more than 120 s; under 10 s no one can type it
_PARAMETERS = ("secret", "issuer", "algorithm", "digits", "period")
_KNOWN_SCHEMES = ("http", "https", "mailto", "tel", "sms", "wifi", "geo", "ftp", "data", "file")


class _Totp(pyotp.TOTP):
    """pyotp's TOTP with the issue's 80-bit floor (pyotp 2.12 requires 112 bits by default)."""

    min_secret_length_bits: ClassVar[int] = MIN_SECRET_BITS


class OtpAccount:
    """One enrolled TOTP key: issuer, account (the CIP), algorithm, digits, period.

    Immutable. ``repr``/``str`` show the parameters only; pickling is refused (the pickle
    would carry the secret to wherever it is written), copies return the same object.
    """

    __slots__ = ("issuer", "account", "algorithm", "digits", "period", "_totp", "__weakref__")

    issuer: str
    account: str
    algorithm: str
    digits: int
    period: int

    def __init__(
        self,
        secret: str,
        *,
        account: str,
        issuer: str = "",
        algorithm: str = "SHA1",
        digits: int = 6,
        period: int = 30,
    ) -> None:
        """Validated like ``parse_uri``: a hand-built account is as strict as a scanned one."""
        algorithm = _check_algorithm(algorithm)
        _check_range("digits", digits, MIN_DIGITS, MAX_DIGITS)
        _check_range("period", period, MIN_PERIOD, MAX_PERIOD)
        if not account:
            raise UriError("the label has no account name (expected otpauth://totp/ISSUER:ACCOUNT)")
        secret = _normalise_secret(secret)
        totp = _Totp(secret, digits=digits, digest=ALGORITHMS[algorithm], interval=period)
        for name, value in (
            ("issuer", issuer),
            ("account", account),
            ("algorithm", algorithm),
            ("digits", digits),
            ("period", period),
            ("_totp", totp),
        ):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("OtpAccount is immutable")

    def step(self, at: float | None = None) -> int:
        """The RFC 6238 §4.2 time step T = floor((unix time - T0) / X), T0 = 0."""
        return math.floor((time.time() if at is None else at) / self.period)

    def seconds_left(self, at: float | None = None) -> float:
        """Seconds until the current step ends (the code shown then stops being current)."""
        now = time.time() if at is None else at
        return (self.step(now) + 1) * self.period - now

    def code(self, at: float | None = None) -> str:
        """The code at unix time ``at`` (now by default) for this account's parameters."""
        return self.code_for_step(self.step(at))

    def code_for_step(self, step: int) -> str:
        """The code of time step ``step``.

        pyotp's ``TOTP.at()`` goes through a local-time ``datetime`` and ``mktime``, which is
        ambiguous during a daylight-saving change; the HOTP of the step (RFC 6238 §4.2: TOTP =
        HOTP(K, T)) is exact, so we compute T ourselves and let pyotp do the HMAC.
        """
        return self._totp.generate_otp(step)

    def to_uri(self) -> str:
        """The full Key URI, secret included: for the vault and ``vault show-uri`` only."""
        label = quote(self.account, safe="@")
        if self.issuer:
            label = f"{quote(self.issuer, safe='')}:{label}"
        query = f"secret={self._totp.secret}"
        if self.issuer:
            query += f"&issuer={quote(self.issuer, safe='')}"
        query += f"&algorithm={self.algorithm}&digits={self.digits}&period={self.period}"
        return f"otpauth://totp/{label}?{query}"

    def same_key(self, other: OtpAccount) -> bool:
        """Whether ``other`` gives the same codes: same secret and parameters, any label."""
        return hmac.compare_digest(self._totp.secret, other._totp.secret) and (
            self.algorithm,
            self.digits,
            self.period,
        ) == (other.algorithm, other.digits, other.period)

    def _fingerprint(self) -> str:
        """A stable, non-reversible identity of the key, for bookkeeping (never the secret)."""
        return hashlib.sha256(self.to_uri().encode()).hexdigest()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OtpAccount):
            return NotImplemented
        return hmac.compare_digest(self.to_uri(), other.to_uri())

    def __hash__(self) -> int:
        return hash(self._fingerprint())

    def __repr__(self) -> str:
        return (
            f"OtpAccount(issuer={self.issuer!r}, account={self.account!r}, "
            f"algorithm={self.algorithm!r}, digits={self.digits}, period={self.period}, "
            "secret=<hidden>)"
        )

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("an OtpAccount is not picklable (it holds a secret): keep it in a Vault")

    def __copy__(self) -> OtpAccount:
        return self

    def __deepcopy__(self, memo: dict) -> OtpAccount:
        return self


def parse_uri(uri: str) -> OtpAccount:
    """Parse ``otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…`` strictly.

    Raises ``UriError`` naming the faulty part (scheme, type, label, a parameter) and never
    echoing the secret or the URI.
    """
    if not isinstance(uri, str):
        raise UriError(f"expected the otpauth URI as text, got {type(uri).__name__}")
    try:
        parts = urlsplit(uri.strip())
    except ValueError:
        raise UriError("the text is not a URI (expected otpauth://totp/...)") from None
    scheme = parts.scheme.lower()
    if scheme != "otpauth":
        # Named only when well known: "ABC...:x" parses as scheme "abc...", maybe a secret.
        shown = repr(scheme) if scheme in _KNOWN_SCHEMES else "not 'otpauth'"
        raise UriError(f"the URI scheme is {shown} (not an authenticator key)")
    kind = parts.netloc.lower()
    if kind == "hotp":
        raise UriError("the key is counter-based (hotp); only time-based (totp) keys are supported")
    if kind != "totp":
        raise UriError("the OTP type (after otpauth://) is not 'totp', the only one supported")
    label_issuer, account = _split_label(parts.path)
    params = _query(parts.query)
    if "secret" not in params:
        raise UriError("the URI has no 'secret' parameter")
    issuer = params.get("issuer")
    if issuer is not None and label_issuer is not None and _nfc(issuer) != _nfc(label_issuer):
        raise UriError(
            f"the label issuer {label_issuer!r} differs from the issuer parameter {issuer!r}"
        )
    return OtpAccount(
        params["secret"],
        account=account,
        issuer=issuer if issuer is not None else label_issuer or "",
        algorithm=params.get("algorithm", "SHA1"),
        digits=_int_param(params, "digits", 6),
        period=_int_param(params, "period", 30),
    )


def _split_label(path: str) -> tuple[str | None, str]:
    """``/ISSUER:ACCOUNT`` → (issuer or None, account); the spec allows spaces after the colon."""
    try:
        label = unquote(path.removeprefix("/"), errors="strict")
    except UnicodeDecodeError:
        raise UriError("the label is not valid percent-encoded UTF-8") from None
    if ":" in label:
        issuer, account = label.split(":", 1)
        return issuer, account.lstrip()
    return None, label


def _query(query: str) -> dict[str, str]:
    """The query as a dict; a known parameter given twice is ambiguous, hence an error."""
    params: dict[str, str] = {}
    for field in filter(None, query.split("&")):
        name, _, value = field.partition("=")
        name = unquote_plus(name).lower()
        if name not in _PARAMETERS:
            continue  # e.g. image=, color=: harmless extensions of other apps
        if name in params:
            raise UriError(f"the parameter {name!r} appears more than once")
        try:
            params[name] = unquote_plus(value, errors="strict")
        except UnicodeDecodeError:
            raise UriError(f"the parameter {name!r} is not valid percent-encoded UTF-8") from None
    return params


def _int_param(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit():
        raise UriError(f"the parameter {name!r} must be a whole number, got {raw[:12]!r}")
    return int(raw)


def _check_algorithm(algorithm: str) -> str:
    name = algorithm.upper().replace("-", "")
    if name not in ALGORITHMS:
        raise UriError(
            f"the algorithm {algorithm[:12]!r} is not supported: use SHA1, SHA256 or SHA512"
        )
    return name


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not isinstance(value, int) or not low <= value <= high:
        raise UriError(f"the parameter {name!r} is {value}; it must be between {low} and {high}")


def _normalise_secret(secret: str) -> str:
    """Upper-case, unpadded Base32 (RFC 4648 §6) of at least ``MIN_SECRET_BITS`` bits."""

    def fail(why: str) -> NoReturn:
        raise UriError(f"the 'secret' parameter {why}")

    text = secret.strip().replace(" ", "").upper().rstrip("=")
    if not text:
        fail("is empty")
    if any(char not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for char in text):
        fail("is not Base32 (letters A-Z and digits 2-7 only)")
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except binascii.Error:
        fail("is not Base32 (its length is impossible)")
    if len(raw) * 8 < MIN_SECRET_BITS:
        fail(f"is too short: {len(raw) * 8} bits, at least {MIN_SECRET_BITS} required")
    return text


def _nfc(text: str) -> str:
    """Compare names in NFC so 'é' typed two ways is one issuer."""
    return unicodedata.normalize("NFC", text)
