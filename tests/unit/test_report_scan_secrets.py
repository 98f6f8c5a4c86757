"""``python -m reports scan-secrets`` on crafted artifacts: every way a value is written, QR
images (plain, in a zip, as a data URI), codes but not look-alike numbers, and bad input.

A trace recorded by Playwright against the sandbox is scanned in tests/e2e/test_scan_secrets.py.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path
from urllib.parse import quote_plus

import pyotp
import pytest
import segno

from reports.__main__ import main

PASSWORD = 'Fake"Pass/w0rd+1'  # characters that JSON, URL and HTML each write differently
SECRET = pyotp.random_base32(32)
URI = f"otpauth://totp/Acc%C3%A8s:SCAN01?secret={SECRET}&issuer=Acc%C3%A8s"


def qr_png(payload: str) -> bytes:
    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="png", scale=6)
    return out.getvalue()


def folder(tmp_path: Path, files: dict[str, bytes]) -> Path:
    root = tmp_path / "artifacts"
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_bytes(data)
        path.chmod(0o600)
    root.chmod(0o700)
    return root


def scan(capsys, monkeypatch, root: Path, *extra: str, values: str = "") -> tuple[int, list[str]]:
    for name in ("EESPRESSO_SCAN_SECRETS", "EESPRESSO_PASSWORD", "EESPRESSO_SECRET_LEDGER"):
        monkeypatch.delenv(name, raising=False)
    if values:
        monkeypatch.setenv("EESPRESSO_SCAN_SECRETS", values)
    code = main(["scan-secrets", str(root), *extra])
    out, err = capsys.readouterr()
    for secret in (PASSWORD, SECRET, URI):
        assert secret not in out + err  # a finding names the file and the kind, never the value
    return code, (out + err).splitlines()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("log.txt", f"typed {PASSWORD} here".encode()),
        ("trace.json", json.dumps({"value": PASSWORD}).encode()),
        ("body.txt", f"cip=A&password={quote_plus(PASSWORD)}".encode()),
        ("page.html", b"<input value='Fake&quot;Pass/w0rd+1'>"),
        ("blob.txt", base64.b64encode(PASSWORD.encode())),
    ],
)
def test_a_password_is_found_however_it_is_written(capsys, monkeypatch, tmp_path, name, data):
    root = folder(tmp_path, {name: data, "clean.txt": b"nothing here"})
    code, lines = scan(capsys, monkeypatch, root, values=PASSWORD)
    assert code == 1
    assert lines[0] == f"FOUND  {root / name}: given value"
    assert lines[-1].startswith("scan-secrets: 1 finding(s) in 1 of 2 file(s)")


def test_ledger_values_file_and_what_each_is(capsys, monkeypatch, tmp_path):
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text("\n".join(json.dumps({"kind": k, "value": v}) for k, v in
                                [("password", PASSWORD), ("uri", URI)]) + "\n")  # fmt: skip
    code_now = pyotp.TOTP(SECRET).now()
    root = folder(tmp_path, {
        "a.txt": PASSWORD.encode(),
        "b.txt": f'{{"fill": "{code_now}"}}'.encode(),
        "c.txt": f"secret={SECRET}".encode(),
        "d.txt": b"see " + quote_plus(URI).encode(),
    })  # fmt: skip
    code, lines = scan(capsys, monkeypatch, root, "--values-file", str(ledger))
    assert code == 1
    found = {line.split(": ", 1)[1] for line in lines if line.startswith("FOUND")}
    assert found == {"password", "TOTP code", "TOTP secret", "otpauth URI"}


def test_numbers_that_only_contain_a_code_are_not_codes(capsys, monkeypatch, tmp_path):
    code_now = pyotp.TOTP(SECRET).now()
    root = folder(tmp_path, {
        "timestamps.json": f'{{"t": 1700000.{code_now}, "n": 9{code_now}1}}'.encode(),
        "hash.txt": f"sha1 a{code_now}f".encode(),
    })  # fmt: skip
    assert scan(capsys, monkeypatch, root, values=SECRET)[0] == 0


def test_an_authenticator_qr_is_found_in_images_zips_and_data_uris(capsys, monkeypatch, tmp_path):
    png = qr_png(URI)
    trace = io.BytesIO()
    with zipfile.ZipFile(trace, "w") as archive:
        archive.writestr("screencast/frame-1.png", png)
        archive.writestr("trace.trace", b'{"src": "data:image/png;base64,'
                         + base64.b64encode(png) + b'"}')  # fmt: skip
    root = folder(tmp_path, {"test-failed-1.png": png, "trace.zip": trace.getvalue(),
                             "other.png": qr_png("https://example.org/")})  # fmt: skip
    code, lines = scan(capsys, monkeypatch, root, values="Unrelated-Value-42")
    assert code == 1
    assert [line for line in lines if line.startswith("FOUND")] == [
        f"FOUND  {root / 'test-failed-1.png'}: otpauth URI (QR code)",
        f"FOUND  {root / 'trace.zip'}!screencast/frame-1.png: otpauth URI (QR code)",
        f"FOUND  {root / 'trace.zip'}!trace.trace (data: image): otpauth URI (QR code)",
    ]
    assert "3 image(s) decoded" in lines[-1] or "4 image(s) decoded" in lines[-1]


def test_files_others_may_read_are_warned_about(capsys, monkeypatch, tmp_path):
    root = folder(tmp_path, {"report.html": b"clean"})
    (root / "report.html").chmod(0o644)
    code, lines = scan(capsys, monkeypatch, root, values=PASSWORD)
    assert code == 0
    assert lines[0] == (f"WARN   {root / 'report.html'}: readable by group or others (mode 0644);"
                        " run chmod 600 and keep artifacts in a 0700 folder")  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        ("no values", "no values to look for: set EESPRESSO_SCAN_SECRETS"),
        ("short value", "value 1 (given value) is shorter than 6 characters"),
        ("latin-1 file", "cannot read the values file"),
        ("missing file", "cannot read the values file"),
        ("not a folder", "is not a folder"),
    ],
)
def test_unusable_input_exits_2_with_one_line(capsys, monkeypatch, tmp_path, setup, says):
    root = folder(tmp_path, {"a.txt": b"x"})
    values, extra = PASSWORD, []
    if setup == "no values":
        values = ""
    elif setup == "short value":
        values = "abc"
    elif setup in ("latin-1 file", "missing file"):
        values_file = tmp_path / "values.txt"
        if setup == "latin-1 file":
            values_file.write_bytes("café\n".encode("latin-1"))
        extra = ["--values-file", str(values_file)]
    elif setup == "not a folder":
        root = root / "a.txt"
    code, lines = scan(capsys, monkeypatch, root, *extra, values=values)
    assert code == 2 and len(lines) == 1 and says in lines[0]


def test_values_on_the_command_line_are_refused_without_echo(capsys, monkeypatch, tmp_path):
    root = folder(tmp_path, {"a.txt": b"x"})
    code, lines = scan(capsys, monkeypatch, root, "--password", PASSWORD, values=PASSWORD)
    assert code == 2 and len(lines) == 1  # scan() checked that the value is not echoed
    assert "unknown option(s) --password" in lines[0]
