"""OtpAccount and parse_uri: RFC vectors, strict parsing, secrets kept out of every form."""

from __future__ import annotations

import copy
import hashlib
import logging
import pickle
import string

import pyotp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authenticator import OtpAccount, UriError, parse_uri
from tests.fixtures.rfc_vectors import (
    HOTP_CODES,
    HOTP_SECRET,
    TOTP_CODES,
    TOTP_SEEDS,
    base32,
)

SECRET = base32(b"sixteen byte key")  # 128 bits
ISSUER = "Acc%C3%A8s%20eEspresso%20%E2%80%93%20CIUSSS%20de%20l%27Estrie"


@pytest.mark.parametrize("counter", range(10))
def test_rfc4226_appendix_d_hotp(counter: int) -> None:
    """TOTP is HOTP of the step (RFC 6238 §4.2): step = counter at time counter × period."""
    account = parse_uri(f"otpauth://totp/RFC4226:test?secret={base32(HOTP_SECRET)}")
    for at in (counter * 30, counter * 30 + 29.999):
        assert account.step(at) == counter
        assert account.code(at=at) == HOTP_CODES[counter]


@pytest.mark.parametrize("algorithm", ["SHA1", "SHA256", "SHA512"])
@pytest.mark.parametrize(("at", "codes"), TOTP_CODES, ids=[str(t) for t, _ in TOTP_CODES])
def test_rfc6238_appendix_b_totp(at: int, codes: dict[str, str], algorithm: str) -> None:
    uri = (
        f"otpauth://totp/RFC6238:test?secret={base32(TOTP_SEEDS[algorithm])}"
        f"&algorithm={algorithm}&digits=8&period=30"
    )
    assert parse_uri(uri).code(at=at) == codes[algorithm]


def test_portal_uri_with_accented_issuer_and_variants() -> None:
    uri = (
        f"otpauth://totp/{ISSUER}:ABCD12345678?secret={SECRET.lower()}====&issuer={ISSUER}"
        "&algorithm=sha512&digits=8&period=60&image=https%3A%2F%2Fexample.org%2Fa.png"
    )
    account = parse_uri(uri)
    assert account.issuer == "Accès eEspresso – CIUSSS de l'Estrie"
    assert account.account == "ABCD12345678"
    assert (account.algorithm, account.digits, account.period) == ("SHA512", 8, 60)
    reference = pyotp.TOTP(SECRET, digits=8, digest="sha512", interval=60)
    assert account.code(at=1_700_000_000) == reference.at(1_700_000_000)
    assert parse_uri(account.to_uri()) == account


def test_defaults_and_label_without_issuer() -> None:
    account = parse_uri(f"otpauth://totp/someone%40example.org?secret={SECRET}")
    assert (account.issuer, account.account) == ("", "someone@example.org")
    assert (account.algorithm, account.digits, account.period) == ("SHA1", 6, 30)
    spaced = parse_uri(f"otpauth://totp/eEspresso:%20%20CIP1?secret={SECRET}&issuer=eEspresso")
    assert spaced.account == "CIP1"


def test_step_and_seconds_left() -> None:
    account = parse_uri(f"otpauth://totp/x:y?secret={SECRET}&period=60")
    assert account.step(119.5) == 1
    assert account.seconds_left(119.5) == pytest.approx(0.5)
    assert account.seconds_left(120) == pytest.approx(60)


BAD_URIS = {
    "https://example.org/enroll": "scheme is 'https'",
    "otpauth://hotp/x:y?secret={s}&counter=1": "counter-based (hotp)",
    "otpauth://motp/x:y?secret={s}": "not 'totp'",
    "{s}:x": "scheme is not 'otpauth'",
    "otpauth://totp/x:y?issuer=x": "no 'secret'",
    "otpauth://totp/x:y?secret=ABC1DEFGHIJKLMNOP": "not Base32",
    "otpauth://totp/x:y?secret=ABCDEFGHI": "length is impossible",
    "otpauth://totp/x:y?secret=ABCDEFGHIJKLM": "too short: 64 bits",
    "otpauth://totp/x:y?secret=": "empty",
    "otpauth://totp/x:y?secret={s}&algorithm=MD5": "algorithm 'MD5'",
    "otpauth://totp/x:y?secret={s}&digits=9": "'digits' is 9",
    "otpauth://totp/x:y?secret={s}&digits=5": "'digits' is 5",
    "otpauth://totp/x:y?secret={s}&digits=six": "whole number",
    "otpauth://totp/x:y?secret={s}&period=0": "'period' is 0",
    "otpauth://totp/x:y?secret={s}&period=3600": "'period' is 3600",
    "otpauth://totp/Evil:y?secret={s}&issuer=eEspresso": "differs from the issuer parameter",
    "otpauth://totp/x:y?secret={s}&secret={s}": "'secret' appears more than once",
    "otpauth://totp/x:?secret={s}": "no account name",
    "otpauth://totp/x:y?secret={s}&issuer=%FF": "percent-encoded UTF-8",
}


@pytest.mark.parametrize(("uri", "words"), BAD_URIS.items(), ids=list(BAD_URIS.values()))
def test_bad_uri_is_a_clear_error_without_the_secret(uri: str, words: str) -> None:
    with pytest.raises(UriError) as raised:
        parse_uri(uri.format(s=SECRET))
    message = str(raised.value)
    assert words in message
    assert "\n" not in message
    assert SECRET not in message and SECRET.lower() not in message
    assert "otpauth://totp/x" not in message


def test_not_text_is_a_clear_error() -> None:
    with pytest.raises(UriError, match="as text, got bytes"):
        parse_uri(b"otpauth://totp/x:y")  # type: ignore[arg-type]


def test_secret_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    account = parse_uri(f"otpauth://totp/eEspresso:CIP1?secret={SECRET}&issuer=eEspresso")
    caplog.set_level(logging.INFO)
    logging.getLogger("test").info("account %s %r", account, account)
    for shown in (repr(account), str(account), f"{account}", caplog.text):
        assert SECRET not in shown and "secret=<hidden>" in shown
    assert not hasattr(account, "__dict__")
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(account)
    assert copy.deepcopy(account) is account
    with pytest.raises(AttributeError):
        account.digits = 8  # type: ignore[misc]


def test_hand_built_account_is_as_strict_as_parsed() -> None:
    with pytest.raises(UriError, match="too short"):
        OtpAccount("AAAAAAAA", account="CIP1")
    assert OtpAccount(SECRET, account="CIP1").code(at=0) == pyotp.TOTP(SECRET).at(0)


class Pyotp80(pyotp.TOTP):
    """pyotp itself, with the issue's 80-bit floor instead of pyotp's 112 bits."""

    min_secret_length_bits = 80


# Key URI format: neither issuer nor account may hold ':'; pyotp leaves '/' unencoded.
_names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=":"),
    min_size=1,
    max_size=30,
).filter(lambda text: text == text.strip())


@settings(max_examples=150, deadline=None)
@given(
    secret=st.binary(min_size=10, max_size=64).map(base32),
    name=_names,
    issuer=st.one_of(st.none(), _names),
    algorithm=st.sampled_from(["SHA1", "SHA256", "SHA512"]),
    digits=st.integers(6, 8),
    period=st.integers(10, 120),
    at=st.integers(0, 2**34),
)
def test_round_trip_against_pyotp(secret, name, issuer, algorithm, digits, period, at) -> None:
    digest = getattr(hashlib, algorithm.lower())
    totp = Pyotp80(secret, digits=digits, digest=digest, interval=period)
    uri = totp.provisioning_uri(name=name, issuer_name=issuer)
    account = parse_uri(uri)
    assert account.account == name and account.issuer == (issuer or "")
    assert (account.algorithm, account.digits, account.period) == (algorithm, digits, period)
    assert account.code(at=at) == totp.generate_otp(at // period)
    assert parse_uri(account.to_uri()) == account
    assert secret not in repr(account)


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from(
        ["", "otpauth://", "otpauth://totp/", f"otpauth://totp/x:y?secret={SECRET}&"]
    ),
    text=st.one_of(st.text(alphabet=string.printable, max_size=120), st.text(max_size=60)),
)
def test_garbage_is_a_uri_error_or_an_account(prefix: str, text: str) -> None:
    """Whatever the text, parse_uri returns an account or raises UriError — one line."""
    try:
        parse_uri(prefix + text)
    except UriError as error:
        assert "\n" not in str(error) and SECRET not in str(error)


def test_issuer_written_two_unicode_ways_is_one_issuer() -> None:
    """'è' precomposed in the label, 'e' + combining grave in the parameter (NFC vs NFD)."""
    uri = f"otpauth://totp/Acc%C3%A8s:CIP1?secret={SECRET}&issuer=Acce%CC%80s"
    assert parse_uri(uri).issuer == "Acce\u0300s"
