"""``python -m authenticator vault ...``: no secret unless asked, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from PIL import Image

from authenticator import Vault, parse_uri, scan
from authenticator.__main__ import main
from tests.fixtures.qr_corpus import encoded
from tests.fixtures.rfc_vectors import base32

SECRET = base32(b"cli test key 16b")
URI = f"otpauth://totp/eEspresso:CIP1?secret={SECRET}&issuer=eEspresso"
URL = "https://paierh.example"


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Vault:
    monkeypatch.delenv("EESPRESSO_VAULT_KEY", raising=False)
    monkeypatch.setenv("EESPRESSO_VAULT", str(tmp_path / "vault"))
    vault = Vault()
    vault.save_pending(URL, "CIP1", parse_uri(URI), "Mon iPhone")
    vault.activate(URL, "CIP1")
    return vault


def test_list_shows_no_secret(vault: Vault, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vault", "list"]) == 0
    out, err = capsys.readouterr()
    assert "https://paierh.example  CIP1  active  device='Mon iPhone'" in out
    assert SECRET not in out + err and "otpauth" not in out + err


def test_show_uri_only_when_asked(vault: Vault, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vault", "show-uri", URL + "/", "CIP1"]) == 0
    out, err = capsys.readouterr()
    assert parse_uri(out.strip()) == parse_uri(URI)
    assert "is the TOTP secret" in err and SECRET not in err


def test_remove_needs_yes(vault: Vault, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vault", "remove", URL, "CIP1"]) == 2
    assert "re-run with --yes" in capsys.readouterr().err
    assert vault.get(URL, "CIP1") is not None
    assert main(["vault", "remove", URL, "CIP1", "--yes"]) == 0
    assert vault.get(URL, "CIP1") is None
    assert main(["vault", "remove", URL, "CIP1", "--yes"]) == 2
    assert "nothing is enrolled for CIP CIP1" in capsys.readouterr().err


def test_unknown_entry(vault: Vault, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vault", "show-uri", URL, "CIP9"]) == 2
    assert capsys.readouterr().out == ""


def test_wrong_key_is_one_line_exit_2(vault: Vault, tmp_path: Path) -> None:
    """A real process: exit status 2, one line on stderr, no traceback, the file unchanged."""
    before = vault.path.read_bytes()
    env = dict(os.environ, EESPRESSO_VAULT_KEY=Fernet.generate_key().decode())
    done = subprocess.run(
        [sys.executable, "-m", "authenticator", "vault", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "written with another key" in done.stderr
    assert "Traceback" not in done.stderr
    assert vault.path.read_bytes() == before


def test_show_uri_as_a_terminal_qr(vault: Vault, capsys: pytest.CaptureFixture[str]) -> None:
    """The QR drawn with block characters holds the same key: redraw it as pixels and scan.

    segno draws for dark terminals: a block (half block) is a light module (two modules high).
    """
    assert main(["vault", "show-uri", URL, "CIP1", "--qr"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert SECRET not in "\n".join(rows)
    halves = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}
    pixels = []
    for row in rows:
        cells = [halves[char] for char in row]
        pixels.append([top for top, _ in cells])
        pixels.append([bottom for _, bottom in cells])
    assert pixels
    image = Image.new("L", (max(map(len, pixels)), len(pixels)), 0)
    for y, line in enumerate(pixels):
        for x, on in enumerate(line):
            image.putpixel((x, y), 255 if on else 0)
    big = image.resize((image.width * 6, image.height * 6), Image.Resampling.NEAREST)
    assert scan(encoded(big)) == parse_uri(URI)
