"""Render the enrollment QR code (segno) in the four markup variants of docs/portal.md.

Each variant carries an accessible name containing "QR" (``alt`` or ``aria-label``) because
page objects find the QR by role ``img`` and name, never by markup (docs/portal.md, "Page objects").
"""

from __future__ import annotations

import json

import segno
from markupsafe import Markup, escape

SCALE = 6  # pixels per module: large enough for pyzbar on a 1:1 element screenshot
BORDER = 4  # the quiet zone the QR specification asks for (ISO/IEC 18004 §6.3.8)

# Draws the module matrix onto the canvas just before this script; no external file.
_CANVAS_SCRIPT = (
    "(function(){var c=document.currentScript.previousElementSibling;"
    "var rows=JSON.parse(c.dataset.modules),s=" + str(SCALE) + ",x=c.getContext('2d');"
    "x.fillStyle='#fff';x.fillRect(0,0,c.width,c.height);x.fillStyle='#000';"
    "rows.forEach(function(r,y){for(var i=0;i<r.length;i++){"
    "if(r[i]==='1'){x.fillRect(i*s,y*s,s,s);}}});})();"
)


def _code(uri: str) -> segno.QRCode:
    # micro=False: segno would otherwise pick a Micro QR for short data, which phones ignore.
    return segno.make(uri, error="m", micro=False)


def png_base64(uri: str) -> str:
    """The QR of ``uri`` as base64 PNG, for pages that write their own ``<img>`` (Keycloak's
    ``totp.totpSecretQrCode``)."""
    return _code(uri).png_data_uri(scale=SCALE, border=BORDER).split(",", 1)[1]


def render(uri: str, kind: str, name: str) -> Markup:
    """HTML for the QR of ``uri`` as ``kind`` ("png", "svg", "inline-svg", "canvas")."""
    code = _code(uri)
    label = escape(name)
    size = (code.symbol_size(border=BORDER)[0]) * SCALE
    if kind == "png":
        src = code.png_data_uri(scale=SCALE, border=BORDER)
        return Markup(f'<img src="{src}" alt="{label}" width="{size}" height="{size}">')
    if kind == "svg":
        src = code.svg_data_uri(scale=SCALE, border=BORDER)
        return Markup(f'<img src="{src}" alt="{label}" width="{size}" height="{size}">')
    if kind == "inline-svg":
        svg = code.svg_inline(scale=SCALE, border=BORDER, light="#fff")
        return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))
    if kind == "canvas":
        rows = [
            "".join("1" if module else "0" for module in row)
            for row in code.matrix_iter(scale=1, border=BORDER)
        ]
        modules = escape(json.dumps(rows))
        return Markup(
            f'<canvas role="img" aria-label="{label}" width="{size}" height="{size}" '
            f'data-modules="{modules}">{label}</canvas><script>{_CANVAS_SCRIPT}</script>'
        )
    raise ValueError(f"unknown QR kind {kind!r}")
