"""``python -m reports scan-secrets`` on crafted artifacts: every way a value is written, QR
images (plain, in a zip, as a data URI), codes but not look-alike numbers, and bad input.

Then what makes an exit code mean what it says: empty, FIFO-only and unreadable input, symbolic
links, archives nested deep, a zip bomb against the size budget and the time budget.

A trace recorded by Playwright against the sandbox is scanned in tests/e2e/test_scan_secrets.py.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_plus

import pyotp
import pytest
import segno

from reports.__main__ import main
from reports.scanner import CHUNK, MAX_DEPTH, Budget, Scanner, Secret

ROOT = Path(__file__).resolve().parents[2]

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
        # Keycloak writes a space after the comma (« base64, iVBOR… »): found all the same.
        archive.writestr("keycloak.trace", b'{"src": "data:image/png;base64, '
                         + base64.b64encode(png) + b'"}')  # fmt: skip
    root = folder(tmp_path, {"test-failed-1.png": png, "trace.zip": trace.getvalue(),
                             "other.png": qr_png("https://example.org/")})  # fmt: skip
    code, lines = scan(capsys, monkeypatch, root, values="Unrelated-Value-42")
    assert code == 1
    assert [line for line in lines if line.startswith("FOUND")] == [
        f"FOUND  {root / 'test-failed-1.png'}: otpauth URI (QR code)",
        f"FOUND  {root / 'trace.zip'}!screencast/frame-1.png: otpauth URI (QR code)",
        f"FOUND  {root / 'trace.zip'}!trace.trace (data: image): otpauth URI (QR code)",
        f"FOUND  {root / 'trace.zip'}!keycloak.trace (data: image): otpauth URI (QR code)",
    ]
    assert "4 image(s) decoded" in lines[-1] or "5 image(s) decoded" in lines[-1]


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


def nested_zip(levels: int, inner: dict[str, bytes]) -> bytes:
    """``inner`` in a zip, that zip in another, ``levels`` zips deep."""
    data = inner
    for level in range(levels, 0, -1):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in data.items():
                archive.writestr(name, content)
        data = {f"level-{level}.zip": buffer.getvalue()}
    return next(iter(data.values()))


@contextlib.contextmanager
def as_another_user() -> Iterator[None]:
    """Act as user nobody when we are root (root reads any file whatever its mode)."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.mark.parametrize("secret_values", [PASSWORD, SECRET], ids=["password", "totp-secret"])
def test_an_empty_folder_is_unusable_input_not_a_finding(capsys, monkeypatch, tmp_path,
                                                        secret_values):  # fmt: skip
    root = tmp_path / "artifacts"
    root.mkdir()
    code, lines = scan(capsys, monkeypatch, root, values=secret_values)
    assert code == 2 and len(lines) == 1
    assert lines[0] == (f"reports scan-secrets: error: nothing to scan in {root}: it holds no "
                        "regular file; pass the folder the artifacts were written to")  # fmt: skip


def test_a_fifo_is_never_opened(capsys, monkeypatch, tmp_path):
    root = tmp_path / "artifacts"
    root.mkdir()
    os.mkfifo(root / "pipe")  # opening it would wait for a writer forever
    code, lines = scan(capsys, monkeypatch, root, values=PASSWORD)
    assert code == 2 and len(lines) == 1
    assert "nothing to scan in" in lines[0] and "only 1 FIFO, socket or device file(s)" in lines[0]
    (root / "log.txt").write_bytes(b"clean")
    code, lines = scan(capsys, monkeypatch, root, values=PASSWORD)
    assert code == 0  # a FIFO holds nothing at rest: the scan is complete without it
    assert (
        lines[0]
        == f"WARN   {root / 'pipe'}: not a regular file (FIFO, socket or device), never read"
    )


def test_unreadable_input_is_named(capsys, monkeypatch):
    """As a user other than the files' owner: an unreadable folder given is unusable input
    (one line, exit 2); unreadable things inside it are named as not scanned (exit 2)."""
    base = Path(tempfile.mkdtemp(prefix="scan-unreadable-"))  # not under tmp_path, whose
    try:  # parents are closed to other users
        base.chmod(0o755)
        root = base / "artifacts"
        root.mkdir(mode=0o755)
        (root / "clean.txt").write_bytes(b"clean")
        (root / "clean.txt").chmod(0o644)
        (root / "locked.txt").write_bytes(PASSWORD.encode())
        (root / "locked.txt").chmod(0o000)
        (root / "closed").mkdir(mode=0o000)
        with as_another_user():
            code, lines = scan(capsys, monkeypatch, root, values=PASSWORD)
        assert code == 2
        assert (
            f"WARN   not scanned: {root / 'closed'}: folder not readable (Permission denied)"
            in (lines)
        )
        assert f"WARN   not scanned: {root / 'locked.txt'}: not readable (Permission denied)" in (
            lines
        )
        root.chmod(0o000)
        with as_another_user():
            code, lines = scan(capsys, monkeypatch, root, values=PASSWORD)
        assert code == 2 and lines == [
            f"reports scan-secrets: error: cannot read the folder {root} (Permission denied): "
            "check its permissions"
        ]
    finally:
        for path in (base, *base.rglob("*")):
            path.chmod(0o700)
        shutil.rmtree(base)


def test_symbolic_links_are_named_not_followed(capsys, monkeypatch, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(PASSWORD.encode())
    root = folder(tmp_path, {"log.txt": b"clean"})
    (root / "linked.txt").symlink_to(outside)
    (root / "loop").symlink_to(root / "loop")
    code, lines = scan(capsys, monkeypatch, root, values=PASSWORD)
    assert code == 2  # clean as far as it went, but not all of it was read
    assert lines[:2] == [
        f"WARN   not scanned: {root / 'linked.txt'}: symbolic link to {outside}, not followed; "
        "scan what it points to by itself",
        f"WARN   not scanned: {root / 'loop'}: symbolic link to {root / 'loop'}, not followed; "
        "scan what it points to by itself",
    ]
    assert lines[-1].startswith("scan-secrets: 0 finding(s) in 0 of 1 file(s)")
    assert "2 not scanned" in lines[-1]
    (root / "leak.txt").write_bytes(PASSWORD.encode())
    assert scan(capsys, monkeypatch, root, values=PASSWORD)[0] == 1  # found wins


def test_archives_nested_to_any_depth_are_read(capsys, monkeypatch, tmp_path):
    root = folder(tmp_path, {"trace.zip": nested_zip(5, {"deep.txt": PASSWORD.encode()})})
    code, lines = scan(capsys, monkeypatch, root, values=PASSWORD)
    where = "!".join([str(root / "trace.zip"), *(f"level-{n}.zip" for n in range(2, 6))])
    assert code == 1 and lines[0] == f"FOUND  {where}!deep.txt: given value"


def test_archives_nested_past_the_depth_limit_are_named(capsys, monkeypatch, tmp_path):
    root = folder(tmp_path, {"quine.zip": nested_zip(MAX_DEPTH + 2, {"x.txt": b"clean"})})
    code, lines = scan(capsys, monkeypatch, root, values=PASSWORD)
    assert code == 2
    assert [line for line in lines if "not scanned" in line and "nested deeper" in line] == [
        lines[0]
    ] and lines[0].endswith(f": archives nested deeper than {MAX_DEPTH}")


def test_a_zip_bomb_costs_no_more_than_the_size_budget(tmp_path):
    """5 members of 200 MiB of zeros in a zip of about 1 MB, scanned as a process with a
    64 MiB budget: every member is named as not scanned, and what was read stays within it."""
    bomb = tmp_path / "artifacts" / "bomb.zip"
    bomb.parent.mkdir(mode=0o700)
    zeros = bytes(2**20)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for number in range(5):
            with archive.open(f"member-{number}.bin", "w", force_zip64=True) as member:
                for _ in range(200):
                    member.write(zeros)
    bomb.chmod(0o600)
    assert bomb.stat().st_size < 2**21
    env = {**os.environ, "EESPRESSO_SCAN_SECRETS": PASSWORD}
    done = subprocess.run(
        [sys.executable, "-m", "reports", "scan-secrets", str(bomb.parent), "--max-mib", "64"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert done.returncode == 2 and done.stderr == ""
    assert lines[:5] == [
        f"WARN   not scanned: {bomb}!member-0.bin: the size budget (64 MiB) ran out",
        *(f"WARN   not scanned: {bomb}!member-{n}.bin: the size budget (64 MiB) ran out"
          for n in range(1, 5)),
    ]  # fmt: skip
    read = float(lines[-1].split("; ", 1)[1].split(" MiB read", 1)[0])
    assert read <= 64 + CHUNK / 2**20


def test_an_image_met_twice_is_decoded_once_and_named_at_each_place(tmp_path):
    """A capture keeps each screen as a file and inline in its HTML page: one decoding each."""
    png, other = qr_png(URI), qr_png("https://example.org/")
    page = b"<img src='data:image/png;base64," + base64.b64encode(png) + b"'>"
    root = folder(tmp_path, {"01.png": png, "01.html": page, "02.png": other})
    scanner = Scanner([Secret("value", PASSWORD)], None)
    report = scanner.scan_files(sorted(root.iterdir()))
    assert report.images == 3 and len(scanner._decoded) == 2
    assert [where for where, _ in report.findings] == [
        f"{root / '01.html'} (data: image)",
        f"{root / '01.png'}",
    ]


def test_the_time_budget_names_what_it_left(tmp_path):
    """A clock that moves 1 s at each look: the 3 s budget runs out after the second file."""
    root = folder(tmp_path, {f"{n}.txt": b"clean" for n in range(4)})
    ticks = iter(range(1000))
    scanner = Scanner([Secret("value", PASSWORD)], None, Budget(seconds=3.5),
                      clock=lambda: float(next(ticks)))  # fmt: skip
    report = scanner.scan_files(sorted(root.iterdir()))
    assert 1 <= report.scanned < 4 and report.scanned + len(report.unscanned) == 4
    assert report.unscanned == [
        f"{root / f'{n}.txt'}: the time budget (3.5 s) ran out" for n in range(report.scanned, 4)
    ]
