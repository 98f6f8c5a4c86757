"""scan(): the generated QR corpus decodes at 100 %, bad screenshots give one clear error."""

from __future__ import annotations

import base64
import contextlib
import io
import os
import re
import resource
import warnings
import zlib
from pathlib import Path

import pyotp
import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import authenticator.qr as qr_module
import authenticator.zbar as zbar_module
from authenticator import ScanError, parse_uri, scan
from bench.support import qr_corpus
from bench.support.qr_corpus import encoded
from sandbox import qr as sandbox_qr
from sandbox import rules as sandbox_rules

CORPUS = list(qr_corpus.specs())
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
URI = f"otpauth://totp/eEspresso:CIP1?secret={SECRET}&issuer=eEspresso"


def png_of(payload: str, *, error: str = "m", encoding: str | None = None, **save: int) -> bytes:
    """A clean segno QR of ``payload`` (scale 4 unless told)."""
    buffer = io.BytesIO()
    code = segno.make(payload, error=error, micro=False, encoding=encoding)
    code.save(buffer, kind="png", **{"scale": 4, **save})
    return buffer.getvalue()


def test_corpus_covers_the_issue() -> None:
    """Guard against a shrunken corpus: every dimension of the corpus is present."""
    assert {spec.library for spec in CORPUS} == {"segno", "qrcode"}
    assert {spec.error for spec in CORPUS} == {"L", "M", "Q", "H"}
    assert {spec.px for spec in CORPUS} == set(range(2, 9))
    assert {1.0, 2.0, 3.0} <= {spec.scale for spec in CORPUS}
    assert min(spec.device_px for spec in CORPUS) == 2
    for feature in ("inverted", "jpeg", "angle", "page"):
        assert any(getattr(spec, feature) for spec in CORPUS), feature
    assert {0, 1} <= {spec.border for spec in CORPUS}


@pytest.mark.parametrize("spec", CORPUS, ids=[spec.name for spec in CORPUS])
def test_corpus_image_decodes(spec: qr_corpus.Spec, tmp_path: Path) -> None:
    assert spec.device_px >= 2
    image = tmp_path / f"{spec.name}.{'jpg' if spec.jpeg else 'png'}"
    image.write_bytes(qr_corpus.render(spec))
    assert scan(image.read_bytes()) == parse_uri(spec.uri)


def test_rgba_qr_on_transparent_background() -> None:
    """Dark modules opaque, light ones transparent *black*: without compositing onto white
    the whole image is black (the gray of RGBA ignores alpha)."""
    opaque = Image.open(io.BytesIO(png_of(URI))).convert("L")
    alpha = opaque.point(lambda value: 255 - value)  # dark module → opaque
    rgba = Image.merge("RGBA", (*[Image.new("L", opaque.size, 0)] * 3, alpha))
    assert rgba.convert("L").getextrema() == (0, 0)
    assert scan(encoded(rgba)).account == "CIP1"


def side_by_side(*payloads: str) -> bytes:
    """One screenshot holding a QR code of each payload, left to right."""
    page = Image.new("L", (450 * len(payloads), 450), 255)
    for index, payload in enumerate(payloads):
        page.paste(Image.open(io.BytesIO(png_of(payload))), (450 * index + 10, 10))
    return encoded(page)


def test_otpauth_is_chosen_beside_another_qr() -> None:
    assert scan(side_by_side("https://example.org/aide", URI)).account == "CIP1"


def _expect_scan_error(data: bytes, words: str) -> str:
    with pytest.raises(ScanError) as raised:
        scan(data)
    message = str(raised.value)
    assert words in message, message
    assert "\n" not in message and SECRET not in message and "otpauth://" not in message
    return message


def test_no_qr() -> None:
    blank = encoded(Image.new("RGB", (412, 380), "white"))
    _expect_scan_error(blank, "no QR code found in the 412×380 screenshot")


def test_web_address_qr() -> None:
    _expect_scan_error(
        png_of("https://paierh.example/aide"),
        "the QR code holds a web address, not an authenticator key",
    )


def test_text_qr() -> None:
    _expect_scan_error(png_of("bonjour"), "the QR code holds text, not an authenticator key")


@pytest.mark.parametrize(
    ("uri", "words"),
    [
        (f"otpauth://hotp/eEspresso:CIP1?secret={SECRET}&counter=0", "counter-based (hotp)"),
        (f"otpauth://totp/eEspresso:CIP1?secret={SECRET}&algorithm=MD5", "algorithm 'MD5'"),
        (f"otpauth://totp/eEspresso:CIP1?secret={SECRET}&digits=9", "'digits' is 9"),
        (f"otpauth://totp/Evil:CIP1?secret={SECRET}&issuer=eEspresso", "differs from the issuer"),
        ("otpauth://totp/eEspresso:CIP1?secret=11111111111111111", "not Base32"),
    ],
    ids=["hotp", "md5", "nine-digits", "other-issuer", "not-base32"],  # no key in a test id
)
def test_qr_with_unusable_key(uri: str, words: str) -> None:
    message = _expect_scan_error(png_of(uri), "unusable authenticator key")
    assert words in message


def test_two_different_keys_are_refused() -> None:
    two = side_by_side(URI, URI.replace("CIP1", "CIP2"))
    _expect_scan_error(two, "2 different authenticator QR codes")


def test_truncated_png() -> None:
    data = png_of(URI)
    _expect_scan_error(data[: len(data) // 2], "truncated or damaged")


@pytest.mark.parametrize(
    "data", [b"not an image at all", b"%PDF-1.7\n...", b"\x89PNG\r\n\x1a\n"], ids=str
)
def test_non_image_bytes(data: bytes) -> None:
    _expect_scan_error(data, "not a PNG/JPEG image")


def test_empty_and_wrong_type() -> None:
    _expect_scan_error(b"", "empty (0 bytes)")
    with pytest.raises(ScanError, match="as bytes, got str"):
        scan("a path?")  # type: ignore[arg-type]


def test_forty_megapixels_is_refused_before_decoding() -> None:
    """8000×5000: refused from the header. Measured in a forked child (Pillow's pixel buffers
    are invisible to tracemalloc): its peak RSS grows far less than the 40 MB of pixels."""
    data = encoded(Image.new("1", (8000, 5000), 1))
    _expect_scan_error(data, "8000×5000 screenshot is too large (40 MP")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: measure, report, never return into pytest
        try:
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            with contextlib.suppress(ScanError):
                scan(data)
            grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
            os.write(write_fd, str(grown).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    grown_kib = int(os.read(read_fd, 64) or b"-1")
    os.close(read_fd)
    os.waitpid(pid, 0)
    assert 0 <= grown_kib < 10_000


@pytest.mark.parametrize(
    ("side", "words"),
    [
        (100_000, "too large (a decompression bomb?)"),  # Pillow's own guard raises
        (10_000, "10000×10000 screenshot is too large (100 MP"),  # Pillow only warns: ours
    ],
)
def test_huge_header_is_refused(side: int, words: str) -> None:
    """A tiny PNG whose header claims side × side pixels (a decompression bomb)."""
    data = bytearray(png_of(URI))
    chunk = data.index(b"IHDR")
    data[chunk + 4 : chunk + 12] = side.to_bytes(4, "big") * 2
    data[chunk + 17 : chunk + 21] = zlib.crc32(data[chunk : chunk + 17]).to_bytes(4, "big")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        _expect_scan_error(bytes(data), words)


def test_search_stops_at_its_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The search is bounded: past its CPU budget it stops and says so (no QR: all forms fail)."""
    monkeypatch.setattr(qr_module, "DEADLINE_SECONDS", 0.0)
    blank = encoded(Image.new("L", (1200, 900), 255))
    _expect_scan_error(blank, "no QR code found in the 1200×900 screenshot (gave up")


@pytest.mark.parametrize(
    "variants",
    [
        {"algorithm": "SHA1", "digits": 6, "period": 30},
        {"algorithm": "SHA256", "digits": 8, "period": 30},
        {"algorithm": "SHA512", "digits": 6, "period": 60},
    ],
    ids=["sha1-6-30", "sha256-8-30", "sha512-6-60"],
)
def test_the_sandbox_portal_png_qr(variants: dict) -> None:
    """The stand-in portal's own PNG QR (its issuer, pyotp URI): scanned codes are its codes."""
    secret = sandbox_rules.new_secret()
    issuer = "Accès eEspresso – CIUSSS de l'Estrie"
    uri = sandbox_rules.provisioning_uri("ABCD12345678", secret, variants, issuer)
    html = str(sandbox_qr.render(uri, "png", "Code QR"))
    data_uri = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert data_uri is not None
    account = scan(base64.b64decode(data_uri.group(1)))
    assert (account.issuer, account.account) == (issuer, "ABCD12345678")
    portal = sandbox_rules.totp(secret, variants)
    for at in (0, 1_800_000_000, 1_800_000_029.9):
        assert account.code(at=at) == portal.generate_otp(int(at // variants["period"]))


@settings(max_examples=25, deadline=None)
@given(
    secret=st.binary(min_size=14, max_size=40).map(lambda raw: base64.b32encode(raw).decode()),
    name=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éèà ._-@", min_size=1, max_size=20),
    issuer=st.sampled_from(["eEspresso", "Accès eEspresso – CIUSSS de l'Estrie", "CHUS/RH"]),
    scale=st.integers(2, 6),
    border=st.integers(0, 4),
    error=st.sampled_from("lmqh"),
)
def test_any_pyotp_uri_survives_qr_and_scan(secret, name, issuer, scale, border, error) -> None:
    """pyotp's URI → segno PNG → scan → the same account (names with accents, '/', spaces)."""
    name = name.strip() or "CIP"
    uri = pyotp.TOTP(secret.rstrip("=")).provisioning_uri(name=name, issuer_name=issuer)
    assert scan(png_of(uri, error=error, scale=scale, border=border)) == parse_uri(uri)


@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-1"])
def test_raw_accented_issuer_is_read_exactly(encoding: str) -> None:
    """Not percent-encoded (outside the Key URI format, but the real portal is unknown):
    zbar's charset guess would turn "Accès" into "Acc癡s"; the exact bytes are used instead."""
    uri = f"otpauth://totp/Accès:CIP1?secret={SECRET}&issuer=Accès"
    assert scan(png_of(uri, encoding=encoding)).issuer == "Accès"


def test_older_zbar_without_binary_mode_still_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    """zbar < 0.23.1 has no ``qrcode.binary``: the text that pyzbar returns is used."""
    monkeypatch.setattr(zbar_module, "_binary_setting", lambda: None)
    assert scan(png_of(URI)) == parse_uri(URI)
