"""``reports.trace_scrub`` on a small trace written here in Playwright's format (one JSON
event a line in ``trace.trace`` and ``trace.network``, bodies under ``resources/``, frames
under ``screencast/``): what is removed, what is kept, and that every reference still holds.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest
import segno
from PIL import Image

from authenticator.qr import payloads
from reports.errors import InputError
from reports.trace_scrub import scrub_trace

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
URI = f"otpauth://totp/Portal:QA1?secret={SECRET}&issuer=Portal"
PASSWORD = "Qa-Unit-Passw0rd"
CODE = "492039"
PAGE = "page@1"
QR_FILE = "resources/aaaa.png"
FRAMES = {"qr": "screencast/page@1-1.jpeg", "typed": "screencast/page@1-2.jpeg",
          "manual": "screencast/page@1-3.jpeg", "later": "screencast/page@1-4.jpeg"}  # fmt: skip


def _qr_png(scale: int = 6) -> bytes:
    out = io.BytesIO()
    segno.make(URI, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def _frame(with_qr: bool) -> bytes:
    image = Image.new("RGB", (800, 450), "white")
    if with_qr:
        image.paste(Image.open(io.BytesIO(_qr_png(4))).convert("RGB"), (300, 80))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _snapshot(call: str, at: float, url: str, html: list) -> dict:
    return {"type": "frame-snapshot", "snapshot": {"callId": call, "pageId": PAGE,
            "frameUrl": url, "isMainFrame": True, "timestamp": at, "html": html}}  # fmt: skip


def _frame_event(name: str, at: float) -> dict:
    return {"type": "screencast-frame", "pageId": PAGE, "file": FRAMES[name],
            "width": 1280, "height": 720, "timestamp": at}  # fmt: skip


def _trace(path: Path) -> Path:
    qr_uri = "data:image/png;base64," + base64.b64encode(_qr_png()).decode()
    hidden = {"type": "hidden", "name": "totpSecret", "value": "raw-key-0123456789"}
    shown = ["P", {}, "Clé : JBSW Y3DP EHPK 3PXP"]
    setup = ["HTML", {}, ["BODY", {}, ["IMG", {"src": qr_uri}], ["INPUT", hidden]]]
    events = [
        {"type": "context-options", "options": {"viewport": {"width": 1280, "height": 720}}},
        _snapshot("c@1", 100.0, "http://portal/setup", setup),
        _frame_event("qr", 150.0),
        {"type": "before", "callId": "c@2", "startTime": 200.0, "class": "Frame",
         "method": "fill", "params": {"selector": "#pw", "value": PASSWORD}},
        {"type": "input", "callId": "c@2", "box": {"x": 10, "y": 900, "width": 300, "height": 40}},
        _snapshot("c@2", 210.0, "http://portal/login", ["HTML", {}, ["INPUT", {
            "type": "password", "__playwright_value_": PASSWORD}]]),
        {"type": "before", "callId": "c@3", "startTime": 220.0, "class": "Frame",
         "method": "fill", "params": {"selector": "#otp", "value": CODE}},
        {"type": "log", "callId": "c@3", "message": f'  fill("{CODE}")'},
        _frame_event("typed", 230.0),
        _snapshot("c@5", 3000.0, "http://portal/manual", ["HTML", {}, shown]),
        _frame_event("manual", 3100.0),
        _snapshot("c@4", 5000.0, "http://portal/home", ["HTML", {}, ["P", {}, "Bienvenue"]]),
        _frame_event("later", 7000.0),
    ]  # fmt: skip
    request = {
        "method": "POST",
        "url": f"http://portal/login?next={URI}",
        "headers": [
            {"name": "Cookie", "value": "sid=abc123456"},
            {"name": "Accept", "value": "text/html"},
        ],
        "cookies": [{"name": "sid", "value": "abc123456"}],
        "postData": {"text": f"password={PASSWORD}&code={CODE}", "_file": "resources/b.dat"},
    }
    response = {"status": 200, "headers": [{"name": "Set-Cookie", "value": "sid=new7654321"}],
                "cookies": [], "content": {"_file": QR_FILE, "mimeType": "image/png"}}  # fmt: skip
    network = [
        {"type": "resource-snapshot", "snapshot": {"request": request, "response": response}}
    ]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("trace.trace", "\n".join(map(json.dumps, events)) + "\nnot json\n")
        archive.writestr("trace.network", "\n".join(map(json.dumps, network)) + "\n")
        archive.writestr("resources/b.dat", f"password={PASSWORD}&code={CODE}")
        archive.writestr(QR_FILE, _qr_png())
        for name, with_qr in (("qr", True), ("typed", False), ("manual", False), ("later", False)):
            archive.writestr(FRAMES[name], _frame(with_qr))
        archive.writestr("screencast/orphan.jpeg", _frame(True))  # no event says when
    return path


def _read(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_typed_values_keys_uris_cookies_and_qr_images_are_replaced_by_markers(tmp_path):
    report = scrub_trace(_trace(tmp_path / "raw.zip"), tmp_path / "out" / "trace.zip")
    members = _read(tmp_path / "out" / "trace.zip")
    text = b"\n".join(
        data for name, data in members.items() if not name.endswith((".png", ".jpeg"))
    )
    for value in (PASSWORD, SECRET, "JBSW Y3DP", "otpauth:", "raw-key-0123456789", "abc123456",
                  "new7654321", CODE):  # fmt: skip
        assert value.encode() not in text, value
    for kind in ("password", "code", "TOTP secret", "otpauth URI", "cookie", "set-cookie"):
        assert f"«scrubbed: {kind}»".encode() in text, kind
    assert b'"text/html"' in text and b"Bienvenue" in text  # the rest is left alone
    events = [json.loads(line) for line in members["trace.trace"].decode().splitlines()]
    assert all(isinstance(event, dict) for event in events)  # the line that was not JSON is gone
    assert payloads(members[QR_FILE]) == []  # same name, grey image of the same size
    assert Image.open(io.BytesIO(members[QR_FILE])).size == Image.open(io.BytesIO(_qr_png())).size
    assert report.removed["QR code"] >= 2  # the resource and the snapshot's data: URI


def test_frames_are_painted_where_the_secret_can_be_placed_and_dropped_where_not(tmp_path):
    report = scrub_trace(_trace(tmp_path / "raw.zip"), tmp_path / "trace.zip")
    members = _read(tmp_path / "trace.zip")
    listed = [json.loads(line).get("file") for line in members["trace.trace"].splitlines()]
    assert FRAMES["qr"] in members and payloads(members[FRAMES["qr"]]) == []  # painted over
    # The password field's box lies below the viewport (the page scrolled): cannot be placed.
    assert FRAMES["typed"] not in members and FRAMES["typed"] not in listed
    # The key shown as words: no box to paint.
    assert FRAMES["manual"] not in members and FRAMES["manual"] not in listed
    assert members[FRAMES["later"]] == _frame(False)  # after the page moved on: untouched
    assert "screencast/orphan.jpeg" not in members
    assert (report.painted, report.dropped) == (1, 3)
    assert tmp_path.joinpath("trace.zip").stat().st_mode & 0o777 == 0o600


def test_the_values_given_are_removed_even_where_no_shape_gives_them_away(tmp_path):
    raw = tmp_path / "raw.zip"
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr("trace.trace", json.dumps({"type": "log", "message": "plain word"}))
        archive.writestr("resources/c.html", "<p>plain word</p>")
    scrub_trace(raw, tmp_path / "trace.zip", [("password", "plain word")])
    assert b"plain word" not in b"".join(_read(tmp_path / "trace.zip").values())


def test_a_file_that_is_not_a_trace_is_one_clear_line(tmp_path):
    bad = tmp_path / "trace.zip"
    bad.write_text("not a zip")
    with pytest.raises(InputError, match=r"pass a Playwright trace\.zip") as error:
        scrub_trace(bad, tmp_path / "out.zip")
    assert "\n" not in str(error.value)
