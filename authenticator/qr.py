"""Step 5 of the seed: "point the phone's camera at the QR code" — decode a screenshot.

A screenshot is not a clean scan: the QR may sit on a busy page, lack its quiet zone, be
drawn light-on-dark (dark mode), be JPEG-compressed, rotated by CSS, or be 2 device pixels
per module. pyzbar (Debian ``libzbar0``; exact bytes, see ``zbar.py``) decodes; Pillow
prepares the image. We try the cheap forms first and stop at the first authenticator key.
Time and memory are bounded: the size is checked from the header before any pixel is
decoded, and the whole search has a CPU-time budget.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

from PIL import Image, ImageOps, ImageStat, UnidentifiedImageError

from authenticator.errors import ScanError, UriError
from authenticator.otp import OtpAccount, parse_uri
from authenticator.zbar import decode_qr

MAX_PIXELS = 25_000_000  # a 1280×2000 full page at device scale 3 is 23 MP; 40 MP is refused
MAX_WORK_PIXELS = 12_000_000  # no upscaled candidate larger than this (memory, zbar time)
LARGE_PIXELS = 4_000_000  # above this (full pages at device scale ≥ 1.5), try halving first
# The search gives up after this much CPU time of the calling thread, whatever is left to
# try. CPU, not wall time: on a busy machine the same work takes longer, and a readable QR
# must not be missed because other processes were running.
DEADLINE_SECONDS = 8.0
_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP")  # what browsers screenshot; nothing exotic
KEY_PREFIX = "otpauth://"  # Key URI format
EXPORT_PREFIX = "otpauth-migration://"  # Google Authenticator's "Transfer accounts" export


def scan(png: bytes) -> OtpAccount:
    """Decode the authenticator QR code of a screenshot (PNG, JPEG, ...).

    Raises ``ScanError`` with one line that never holds the payload.
    """
    payload = scan_key(png)
    if is_export(payload):
        raise ScanError(
            "the QR code is an authenticator's export (otpauth-migration), not an enrollment "
            "QR: bring it in with 'python -m authenticator vault import --qr'"
        )
    return _account(payload)


def is_export(payload: str) -> bool:
    """Whether ``payload`` is an authenticator's export (``otpauth-migration://``)."""
    return payload[: len(EXPORT_PREFIX)].lower() == EXPORT_PREFIX


def scan_key(png: bytes) -> str:
    """The text of the one authenticator QR code of a picture: a Key URI or an export.

    The text is the secret itself: callers parse it and never show it. Raises ``ScanError``
    with one line that never holds the payload.
    """
    gray = _load_gray(png)
    size = f"{gray.width}×{gray.height}"
    deadline = time.thread_time() + DEADLINE_SECONDS
    other: str | None = None
    gave_up = ""
    for candidate in _candidates(gray):
        payloads = decode_qr(candidate)
        keys = {p for p in payloads if p[:10].lower() == KEY_PREFIX or is_export(p)}
        if len(keys) > 1:
            raise ScanError(
                f"the {size} screenshot holds {len(keys)} different authenticator QR codes; "
                "capture only the enrollment QR"
            )
        if keys:
            return keys.pop()
        other = other or next(iter(payloads), None)
        if time.thread_time() > deadline:
            gave_up = f" (gave up after {DEADLINE_SECONDS:g} s of CPU)"
            break
    if other is not None:
        raise ScanError(f"the QR code holds {_describe(other)}, not an authenticator key")
    raise ScanError(f"no QR code found in the {size} screenshot{gave_up}")


def payloads(data: bytes, *, cpu_seconds: float = DEADLINE_SECONDS) -> list[str]:
    """Every QR payload of an image, whatever it holds: the first form of the image that shows
    any (same forms as ``scan``), or [] when none does within ``cpu_seconds`` of CPU.

    For auditing artifacts (does a screenshot show an enrollment QR?), where a payload is
    evidence, not a key to use. Raises ``ScanError`` for data that is not a usable image.
    """
    gray = _load_gray(data)
    deadline = time.thread_time() + cpu_seconds
    for candidate in _candidates(gray):
        found = decode_qr(candidate)
        if found:
            return found
        if time.thread_time() > deadline:
            break
    return []


def _load_gray(data: bytes) -> Image.Image:
    """Open, check the size from the header, then decode to 8-bit gray on white."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ScanError(f"expected the screenshot as bytes, got {type(data).__name__}")
    if not data:
        raise ScanError("the screenshot is empty (0 bytes)")
    try:
        # Only the header is read here. Pillow's decompression-bomb guard raises beyond
        # 2×MAX_IMAGE_PIXELS (and merely warns below); our own, lower limit follows.
        image = Image.open(io.BytesIO(data), formats=_FORMATS)
    except UnidentifiedImageError:
        raise ScanError(f"the screenshot ({len(data)} bytes) is not a PNG/JPEG image") from None
    except Image.DecompressionBombError:
        raise ScanError(
            f"the screenshot claims more than {Image.MAX_IMAGE_PIXELS / 1e6:.0f} MP: too large "
            "(a decompression bomb?); screenshot the QR element, not the page"
        ) from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ScanError(
            f"the {width}×{height} screenshot is too large ({width * height / 1e6:.0f} MP, "
            f"limit {MAX_PIXELS / 1e6:.0f} MP): screenshot the QR element, not the page"
        )
    try:
        image.load()
        return _flatten(image)
    except (OSError, ValueError, SyntaxError):  # Pillow's errors for truncated/damaged data
        raise ScanError(
            f"the {width}×{height} screenshot is truncated or damaged; capture it again"
        ) from None


def _flatten(image: Image.Image) -> Image.Image:
    """Gray, with transparency composited on white (a QR on a transparent PNG would vanish)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image.convert("RGBA"))
    return image.convert("L")


def _candidates(gray: Image.Image) -> Iterator[Image.Image]:
    """Forms of the screenshot from cheapest to likeliest-to-help, each with a quiet zone.

    A 2 px/module code, rotated or anti-aliased, is read by zbar once smoothly upscaled; dark
    mode needs the inversion (tried first when the picture is mostly dark); JPEG noise and
    grey-on-grey are helped by a binarised form. Large screenshots (full pages, device scale
    3) are tried halved first: a quarter of the pixels, and their modules are big.
    """
    area = gray.width * gray.height
    scales = [0.5, 1.0] if area > LARGE_PIXELS else [1.0]
    scales += [f for f in (2.0, 3.0) if area * f * f <= MAX_WORK_PIXELS]
    if area <= LARGE_PIXELS and min(gray.size) >= 400:
        scales.append(0.5)
    tones = [_same, ImageOps.invert]
    if ImageStat.Stat(gray).mean[0] < 128:
        tones.reverse()
    for binarise in (False, True):
        for factor in scales:
            resized = _resize(gray, factor)
            if binarise:
                resized = _binarise(resized)
            for tone in tones:
                yield _pad(tone(resized))


def _same(image: Image.Image) -> Image.Image:
    return image


def _resize(image: Image.Image, factor: float) -> Image.Image:
    if factor == 1.0:
        return image
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    resample = Image.Resampling.LANCZOS if factor > 1 else Image.Resampling.BOX
    return image.resize(size, resample)


def _binarise(image: Image.Image) -> Image.Image:
    """Threshold halfway between the darkest and lightest tones (JPEG ringing, grey-on-grey)."""
    low, high = image.getextrema()
    middle = (low + high) // 2
    return image.point(lambda value: 255 if value > middle else 0)


def _pad(image: Image.Image) -> Image.Image:
    """Add a white border: the QR spec's 4-module quiet zone is often cropped by screenshots."""
    border = max(16, min(image.size) // 10)
    return ImageOps.expand(image, border=border, fill=255)


def _account(uri: str) -> OtpAccount:
    try:
        return parse_uri(uri)
    except UriError as error:  # its message is written to be secret-free
        raise ScanError(f"the QR code holds an unusable authenticator key: {error}") from None


def _describe(payload: str) -> str:
    """What a non-key payload is, in words: never the payload itself."""
    lowered = payload[:10].lower()
    if lowered.startswith(("http://", "https://")):
        return "a web address"
    if lowered.startswith("otpauth"):
        return "a malformed authenticator address"
    return "text"
