"""QR payloads from zbar as the bytes the code holds, not zbar's guess at their charset.

``pyzbar.decode`` returns zbar's *text*: for a byte segment without an ECI header zbar guesses
a legacy charset (Shift-JIS, Big5, ...) and converts, so an issuer written "Accès" in raw
UTF-8 comes back as "Acc癡s". The Key URI format percent-encodes such names, but the real
portal's encoder is unknown (docs/portal.md). zbar ≥ 0.23.1 can hand back the bytes unconverted
(its ``qrcode.binary`` setting); we ask for it through pyzbar's own ctypes bindings and decode
UTF-8 (what encoders use), else ISO-8859-1 (the QR default, ISO/IEC 18004 §7.4.5). An older
zbar without that setting falls back to ``pyzbar.decode``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from ctypes import byref, c_int, c_void_p, cast, string_at
from typing import Any

from PIL import Image
from pyzbar import wrapper
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as pyzbar_decode

_Y800 = int.from_bytes(b"Y800", "little")  # zbar's fourcc for 8-bit gray, one byte a pixel


def decode_qr(image: Image.Image) -> list[str]:
    """Every QR payload in a gray (mode ``L``) image, as text."""
    binary = _binary_setting()
    raw = _binary_mode(image, binary) if binary else [s.data for s in _text_mode(image)]
    return [_text(data) for data in raw]


def _text(data: bytes) -> str:
    """UTF-8, else ISO-8859-1 (which decodes any bytes: nothing raises here)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1")


@functools.cache
def _binary_setting() -> tuple[int, int, int] | None:
    """(symbology, config, value) of ``qrcode.binary=1``, or None if this zbar lacks it."""
    symbology, config, value = c_int(), c_int(), c_int()
    failed = wrapper.zbar_parse_config(
        b"qrcode.binary=1", byref(symbology), byref(config), byref(value)
    )
    return None if failed else (symbology.value, config.value, value.value)


def _text_mode(image: Image.Image) -> list:
    return pyzbar_decode(image, symbols=[ZBarSymbol.QRCODE])


def _binary_mode(image: Image.Image, binary: tuple[int, int, int]) -> list[bytes]:
    pixels = image.tobytes()
    with (
        _zbar_object(
            "scanner", wrapper.zbar_image_scanner_create, wrapper.zbar_image_scanner_destroy
        ) as scanner,
        _zbar_object("image", wrapper.zbar_image_create, wrapper.zbar_image_destroy) as zbar_image,
    ):
        wrapper.zbar_image_scanner_set_config(scanner, 0, wrapper.ZBarConfig.CFG_ENABLE, 0)
        wrapper.zbar_image_scanner_set_config(
            scanner, ZBarSymbol.QRCODE, wrapper.ZBarConfig.CFG_ENABLE, 1
        )
        if wrapper.zbar_image_scanner_set_config(scanner, *binary):
            return [s.data for s in _text_mode(image)]  # refused after all: the text path
        wrapper.zbar_image_set_format(zbar_image, _Y800)
        wrapper.zbar_image_set_size(zbar_image, image.width, image.height)
        wrapper.zbar_image_set_data(zbar_image, cast(pixels, c_void_p), len(pixels), None)
        if wrapper.zbar_scan_image(scanner, zbar_image) < 0:
            raise OSError("zbar could not scan the image")
        payloads = []
        symbol = wrapper.zbar_image_first_symbol(zbar_image)
        while symbol:
            length = wrapper.zbar_symbol_get_data_length(symbol)
            payloads.append(string_at(wrapper.zbar_symbol_get_data(symbol), length))
            symbol = wrapper.zbar_symbol_next(symbol)
        return payloads


@contextmanager
def _zbar_object(
    what: str, create: Callable[[], Any], destroy: Callable[[Any], None]
) -> Iterator[Any]:
    """A zbar C object (scanner, image) destroyed on exit, whatever happens."""
    handle = create()
    if not handle:
        raise MemoryError(f"zbar could not create its {what}")
    try:
        yield handle
    finally:
        destroy(handle)
