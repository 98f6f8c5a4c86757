"""The images of a Playwright trace: QR codes replaced, screencast frames painted or dropped.

A trace keeps pictures of the screen (``screencast/*.jpeg``, one a few hundred milliseconds)
and the page's own images (``resources/<sha1>``, ``data:image`` URIs in DOM snapshots). The
enrollment QR *is* the TOTP secret (RFC 6238 key in an otpauth URI), and a one-time-code field
shows the code in clear, so:

* an image that holds a QR code is replaced by a grey image of the same size that says
  «scrubbed: QR code» (its name and place in the page stay, so the trace viewer still shows
  the page);
* a screencast frame taken while a secret was on screen is painted over where it can be
  placed: a QR code where zbar finds it in the frame, a typed secret where Playwright recorded
  the field's box for the ``fill``; a frame whose secret cannot be placed (the field's box lies
  outside the viewport because the page scrolled, a QR zbar cannot find in the frame, a secret
  shown as text) is dropped, with its event.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, UnidentifiedImageError
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as zbar_decode

from authenticator.errors import AuthenticatorError
from authenticator.qr import payloads

IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
GREY = (200, 200, 200)
MARGIN = 0.15  # of the QR's side: its quiet zone (ISO/IEC 18004 §6.3.8 asks for 4 modules)
#: How long a frame may lag the page it shows (the screencast is asynchronous), milliseconds.
FRAME_LAG_MS = 1000.0


def marker(kind: str) -> str:
    """The visible text that replaces a removed value."""
    return f"«scrubbed: {kind}»"


def is_image(data: bytes) -> bool:
    return data.startswith(IMAGE_MAGIC) or data[:4] == b"RIFF" and data[8:12] == b"WEBP"


class QrImages:
    """Which images hold a QR code, each image read once (a trace repeats the same QR in every
    snapshot of the enrollment page)."""

    def __init__(self) -> None:
        self._seen: dict[str, list[str]] = {}
        self.replacements: set[str] = set()  # the data: URIs that replaced a QR image

    def payloads(self, data: bytes) -> list[str]:
        """The QR payloads of ``data``; [] for an image without one or data that is none."""
        key = hashlib.sha1(data).hexdigest()
        if key not in self._seen:
            try:
                self._seen[key] = payloads(data, cpu_seconds=1.0)
            except AuthenticatorError:
                self._seen[key] = []
        return self._seen[key]

    def replacement(self, data: bytes) -> bytes | None:
        """A grey «scrubbed: QR code» image of the same size and format, or None when ``data``
        holds no QR code."""
        if not self.payloads(data):
            return None
        try:
            with Image.open(io.BytesIO(data)) as image:
                size, form = image.size, (image.format or "PNG")
        except (UnidentifiedImageError, OSError, ValueError):
            size, form = (200, 200), "PNG"
        return grey_image(size, marker("QR code"), "JPEG" if form == "JPEG" else "PNG")

    def data_uri(self, uri: str) -> str | None:
        """A ``data:image/...;base64,`` URI's replacement, or None when it holds no QR."""
        body = uri.partition(",")[2].strip()
        try:
            data = base64.b64decode(body + "=" * (-len(body) % 4))
        except ValueError:
            return None
        grey = self.replacement(data)
        if grey is None:
            return None
        mime = "image/jpeg" if grey.startswith(b"\xff\xd8") else "image/png"
        replaced = f"data:{mime};base64,{base64.b64encode(grey).decode()}"
        self.replacements.add(replaced)
        return replaced


@functools.lru_cache(maxsize=64)
def grey_image(size: tuple[int, int], text: str, form: str = "PNG") -> bytes:
    image = Image.new("RGB", (max(1, size[0]), max(1, size[1])), GREY)
    ImageDraw.Draw(image).text((4, max(0, size[1] // 2 - 6)), text, fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, format=form)
    return out.getvalue()


@dataclass
class Exposure:
    """A span of a page's life while a secret was on its screen (monotonic ms, as the trace
    times its events): which kinds, and the boxes of the typed secrets (CSS pixels). A frame
    shows the screen a little before its time stamp, so a span lasts ``FRAME_LAG_MS`` more."""

    page: str
    start: float
    end: float = float("inf")
    kinds: set[str] = field(default_factory=set)
    boxes: list[dict[str, float]] = field(default_factory=list)

    def covers(self, page: str, time: float) -> bool:
        return page == self.page and self.start <= time <= self.end + FRAME_LAG_MS


@dataclass
class FrameOutcome:
    painted: int = 0
    dropped: int = 0


def scrub_frames(
    events: list[dict], members: dict[str, bytes], exposures: list[Exposure]
) -> FrameOutcome:
    """Paint or drop (member and event) every screencast frame taken during an exposure."""
    outcome, kept = FrameOutcome(), []
    for event in events:
        if event.get("type") != "screencast-frame":
            kept.append(event)
            continue
        name, page, time = event.get("file", ""), event.get("pageId", ""), event.get("timestamp")
        spans = [e for e in exposures if isinstance(time, int | float) and e.covers(page, time)]
        if not spans:
            kept.append(event)
            continue
        painted = _paint(members.get(name, b""), spans, event)
        if painted is None:
            members.pop(name, None)
            outcome.dropped += 1
            continue
        members[name] = painted
        outcome.painted += 1
        kept.append(event)
    events[:] = kept
    return outcome


def _paint(data: bytes, spans: list[Exposure], event: dict) -> bytes | None:
    """The frame with every secret of ``spans`` painted over, or None when one cannot be
    placed."""
    if any(span.kinds - {"QR code", "typed"} for span in spans):
        return None  # a secret shown as text: no box to paint
    try:
        with Image.open(io.BytesIO(data)) as source:
            image = source.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    width = float(event.get("width") or image.width)
    height = float(event.get("height") or image.height)
    scale = image.width / width
    draw = ImageDraw.Draw(image)
    for box in (box for span in spans for box in span.boxes):
        x, y, w, h = (box.get(k, -1.0) for k in ("x", "y", "width", "height"))
        if x < 0 or y < 0 or x + w > width or y + h > height:
            return None  # the page scrolled since the box was taken
        _cover(draw, (x * scale, y * scale, (x + w) * scale, (y + h) * scale), "typed value")
    if any("QR code" in span.kinds for span in spans):
        found = zbar_decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE])
        if not found:
            return None  # maybe partly on screen, maybe gone: it cannot be told, so dropped
        for symbol in found:
            left, top, w, h = symbol.rect
            pad = max(w, h) * MARGIN
            _cover(draw, (left - pad, top - pad, left + w + pad, top + h + pad), "QR code")
        if zbar_decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE]):
            return None
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _cover(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], what: str) -> None:
    draw.rectangle(box, fill=GREY)
    draw.text((box[0] + 2, box[1] + 2), marker(what), fill=(0, 0, 0))
