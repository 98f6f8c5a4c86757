"""``vault import``: a Key URI on standard input, a QR picture, a Google Authenticator export.

Every source ends as one active entry holding the same key; every bad input is one line on
stderr with exit status 2, and no output ever holds the secret.
"""

from __future__ import annotations

import base64
import html as html_module
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image

from authenticator import OtpAccount, Vault, parse_uri
from authenticator.__main__ import main
from bench.support.qr_corpus import Spec, encoded, render
from sandbox.qr import SCALE
from sandbox.qr import render as render_sandbox_qr
from tests.fixtures.migration_export import (
    EIGHT,
    HOTP,
    MD5,
    SHA256,
    SHA512,
    Exported,
    export_data,
    export_uri,
)

URL = "https://paierh.example"
ISSUER = "Accès eEspresso – CIUSSS de l'Estrie"
RAW = b"import test key!"  # 128 bits
SECRET = base64.b32encode(RAW).decode().rstrip("=")
KEY = OtpAccount(SECRET, account="CIP1", issuer=ISSUER)
OTHERS = [
    Exported(b"another key, 20 b", "alice@example.org", "GitHub", SHA256, EIGHT),
    Exported(b"a third key of 32 bytes, SHA512.", "bob", "Banque", SHA512),
]


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Vault:
    monkeypatch.delenv("EESPRESSO_VAULT_KEY", raising=False)
    monkeypatch.setenv("EESPRESSO_VAULT", str(tmp_path / "vault"))
    return Vault()


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    """``python -m authenticator vault import --base-url URL --cip CIP1 ARGV`` in-process."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    status = main(["vault", "import", "--base-url", URL + "/", "--cip", "CIP1", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_no_secret(*texts: str) -> None:
    joined = "\n".join(texts)
    for form in (SECRET, SECRET.lower(), quote(SECRET), "secret=", "data="):
        assert form not in joined


def picture(tmp_path: Path, data: bytes, name: str = "qr.png") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_a_key_uri_on_standard_input_becomes_an_active_entry(vault, monkeypatch, capsys) -> None:
    status, out, err = run(monkeypatch, capsys, stdin=KEY.to_uri() + "\n")
    assert (status, err) == (0, "")
    entry = vault.get(URL, "CIP1")
    assert entry is not None and entry.state == "active" and entry.account == KEY
    assert out.startswith("added: CIP CIP1 at https://paierh.example") and "SHA1" in out
    assert_no_secret(out, err)


def test_a_real_process_reads_the_uri_from_a_pipe(vault: Vault) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "authenticator", "vault", "import"]
        + ["--base-url", URL, "--cip", "CIP1"],
        input=KEY.to_uri(),
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert vault.get(URL, "CIP1").account == KEY
    assert_no_secret(done.stdout, done.stderr)


@pytest.mark.parametrize("kind", ["png", "canvas"])
def test_the_sandbox_qr_renderings_are_imported(kind, vault, tmp_path, monkeypatch, capsys):
    """The bytes the sandbox serves (PNG data URI), or its module matrix drawn as its canvas
    script draws it. The SVG renderings need a browser: tests/e2e/test_vault_import.py."""
    html = str(render_sandbox_qr(KEY.to_uri(), kind, "Code QR"))
    if kind == "png":
        data = base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1))
    else:
        rows = json.loads(html_module.unescape(re.search(r'data-modules="([^"]+)"', html).group(1)))
        image = Image.new("L", (len(rows[0]), len(rows)), 255)
        image.putdata([0 if module == "1" else 255 for row in rows for module in row])
        data = encoded(image.resize((image.width * SCALE, image.height * SCALE), Image.NEAREST))
    status, out, err = run(monkeypatch, capsys, "--qr", picture(tmp_path, data))
    assert (status, err) == (0, "")
    assert vault.get(URL, "CIP1").account == KEY
    assert_no_secret(out, err)


@pytest.mark.parametrize(
    "change",
    [
        {"inverted": True},
        {"jpeg": 70},
        {"angle": 90},
        {"px": 2, "scale": 1.5},
        {"page": (1280, 2000)},
    ],
    ids=["dark-mode", "jpeg", "rotated", "2px-per-module", "whole-page"],
)
def test_pictures_of_the_qr_as_screenshots_show_it(change, vault, tmp_path, monkeypatch, capsys):
    data = render(Spec(KEY.to_uri(), **change))
    status, _, err = run(monkeypatch, capsys, "--qr", picture(tmp_path, data))
    assert (status, err) == (0, "")
    assert vault.get(URL, "CIP1").account == KEY


def test_an_export_of_one_account(vault, tmp_path, monkeypatch, capsys) -> None:
    uri = export_uri([Exported(RAW, f"{ISSUER}:CIP1", ISSUER)])  # the label's issuer prefix too
    data = render(Spec(uri, px=4))
    status, out, err = run(monkeypatch, capsys, "--qr", picture(tmp_path, data))
    assert (status, err) == (0, "")
    entry = vault.get(URL, "CIP1")
    assert entry.account.same_key(KEY) and entry.account.account == "CIP1"
    assert entry.account.issuer == ISSUER and entry.state == "active"
    assert_no_secret(out, err)


def test_an_export_of_three_accounts_needs_select(vault, tmp_path, monkeypatch, capsys) -> None:
    uri = export_uri([OTHERS[0], Exported(RAW, "CIP1", ISSUER), OTHERS[1]])
    qr = picture(tmp_path, render(Spec(uri, px=3, error="L")))
    status, out, err = run(monkeypatch, capsys, "--qr", qr)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert "the export holds 3 accounts: pick one with --select NAME" in err
    for name in ("'GitHub:alice@example.org'", f"'{ISSUER}:CIP1'", "'Banque:bob'"):
        assert name in err
    assert vault.get(URL, "CIP1") is None
    # By its name alone or by ISSUER:NAME, in any case.
    for select in ("cip1", f"{ISSUER}:CIP1"):
        status, out, err = run(monkeypatch, capsys, "--qr", qr, "--select", select, "--replace")
        assert (status, err) == (0, ""), err
        assert vault.get(URL, "CIP1").account.same_key(KEY)
        assert_no_secret(out, err)
    status, out, err = run(monkeypatch, capsys, "--qr", qr, "--select", "Banque:bob", "--replace")
    account = vault.get(URL, "CIP1").account
    assert status == 0 and account.algorithm == "SHA512" and account.issuer == "Banque"
    assert not account.same_key(KEY)


def test_select_of_an_unknown_name_lists_the_names(vault, monkeypatch, capsys) -> None:
    uri = export_uri([OTHERS[0], OTHERS[1]], batch_size=2, batch_index=0)
    status, out, err = run(monkeypatch, capsys, "--select", "CIP1", stdin=uri)
    assert status == 2 and err.count("\n") == 1
    assert "no account is named 'CIP1': the export holds 'GitHub:alice@example.org'" in err
    assert "this is QR code 1 of 2 of the export" in err


def test_an_active_entry_is_replaced_only_with_replace(vault, monkeypatch, capsys) -> None:
    assert run(monkeypatch, capsys, stdin=KEY.to_uri())[0] == 0
    vault.claim_step(URL, "CIP1", 1000)
    other = OtpAccount(base64.b32encode(b"a different key!").decode(), account="CIP1")
    status, out, err = run(monkeypatch, capsys, stdin=other.to_uri())
    assert status == 2 and "pass --replace to replace it" in err and out == ""
    assert vault.get(URL, "CIP1").account == KEY
    status, out, err = run(monkeypatch, capsys, "--replace", stdin=other.to_uri())
    entry = vault.get(URL, "CIP1")
    assert status == 0 and out.startswith("replaced:") and entry.account == other
    assert entry.last_step == 1000  # the steps the portal saw stay used
    # The same key again, however labelled, changes nothing.
    relabelled = OtpAccount(base64.b32encode(b"a different key!").decode(), account="x")
    status, out, _ = run(monkeypatch, capsys, stdin=relabelled.to_uri())
    assert status == 0 and out.startswith("unchanged:")


def test_a_pending_entry_of_the_same_key_becomes_active(vault, monkeypatch, capsys) -> None:
    vault.save_pending(URL, "CIP1", KEY, "Mon iPhone")
    status, out, _ = run(monkeypatch, capsys, stdin=KEY.to_uri())
    assert status == 0 and out.startswith("activated:")
    assert vault.get(URL, "CIP1").state == "active"


def _data_of(uri: str) -> str:
    return uri.split("data=", 1)[1]


GOOD = export_data([Exported(RAW, "CIP1", ISSUER)] + OTHERS)
BAD_EXPORTS = {
    "truncated-protobuf": ("otpauth-migration://offline?data=" + quote(GOOD[:40]), "truncated"),
    "truncated-base64": ("otpauth-migration://offline?data=" + quote(GOOD[:41]), "not Base64"),
    "not-base64": ("otpauth-migration://offline?data=%%%not*base64!!", "not Base64"),
    "no-data": ("otpauth-migration://offline?payload=abc", "no 'data' parameter"),
    "not-offline": (
        "otpauth-migration://online?data=" + quote(GOOD),
        "'otpauth-migration://offline'",
    ),
    "no-account": ("otpauth-migration://offline?data=", "empty or too long"),
    "hotp": (export_uri([Exported(RAW, "CIP1", type=HOTP)]), "counter-based (HOTP)"),
    "md5": (export_uri([Exported(RAW, "CIP1", algorithm=MD5)]), "algorithm (MD5)"),
    "unknown-algorithm": (export_uri([Exported(RAW, "CIP1", algorithm=9)]), "(number 9)"),
    "seven-digits": (export_uri([Exported(RAW, "CIP1", digits=3)]), "neither 6 nor 8"),
    "empty-secret": (export_uri([Exported(b"", "CIP1")]), "secret is empty"),
    "short-secret": (export_uri([Exported(b"12345678", "CIP1")]), "too short: 64 bits"),
    "hotp-uri": ("otpauth://hotp/X:CIP1?secret=" + SECRET + "&counter=1", "counter-based"),
    "sha384-uri": (KEY.to_uri().replace("SHA1", "SHA384"), "'SHA384' is not supported"),
    "two-lines": (KEY.to_uri() + "\n" + KEY.to_uri(), "one key URI, on one line"),
    "nothing": ("", "no key was given"),
    "web-address": ("https://paierh.example/", "scheme is 'https'"),
}


@pytest.mark.parametrize("text, said", BAD_EXPORTS.values(), ids=BAD_EXPORTS.keys())
def test_bad_payloads_are_one_line_and_exit_2(text, said, vault, monkeypatch, capsys) -> None:
    status, out, err = run(monkeypatch, capsys, stdin=text)
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith("error: ") and said in err
    assert_no_secret(err)
    assert not vault.path.exists()  # nothing was written


def test_the_hotp_account_of_an_export_is_refused_alone(vault, monkeypatch, capsys) -> None:
    uri = export_uri([Exported(RAW, "CIP1", ISSUER), Exported(b"counter key 16 b", "c", type=HOTP)])
    status, _, err = run(monkeypatch, capsys, "--select", "c", stdin=uri)
    assert status == 2 and "the account 'c' cannot be imported: it is counter-based" in err
    assert run(monkeypatch, capsys, "--select", "CIP1", stdin=uri)[0] == 0


BAD_PICTURES = {
    "not-an-image": (b"this is not a picture at all", "not a PNG/JPEG image"),
    "truncated-png": (encoded(Image.new("L", (300, 300), 255))[:200], "truncated or damaged"),
    "no-qr": (encoded(Image.new("L", (300, 300), 255)), "no QR code found"),
    "web-address-qr": (render(Spec("https://paierh.example/")), "holds a web address"),
    "bad-export-qr": (render(Spec(export_uri([Exported(RAW, "x", type=HOTP)]))), "HOTP"),
}


@pytest.mark.parametrize("data, said", BAD_PICTURES.values(), ids=BAD_PICTURES.keys())
def test_unreadable_pictures_are_one_line(data, said, vault, tmp_path, monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys, "--qr", picture(tmp_path, data))
    assert status == 2 and out == "" and err.count("\n") == 1 and said in err, err
    assert_no_secret(err)


def test_command_line_mistakes_are_one_line(vault, tmp_path, monkeypatch, capsys) -> None:
    cases = [
        (["--qr", str(tmp_path / "missing.png")], "there is no picture"),
        (["--qr", str(tmp_path)], "cannot read the picture"),
        (["--qr", "a.png", "--backup", "b"], "not allowed with argument"),
    ]
    for argv, said in cases:
        status, out, err = run(monkeypatch, capsys, *argv)
        assert status == 2 and err.count("\n") == 1 and said in err, err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(KEY.to_uri().encode())))
    assert main(["vault", "import", "--cip", "CIP1"]) == 2
    assert "give --base-url and --cip together" in capsys.readouterr().err
    assert main(["vault", "import", "--base-url", "paierh", "--cip", "CIP1"]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err
    assert not vault.path.exists()


def test_an_exported_key_gives_the_codes_of_the_original() -> None:
    """RFC 6238 Appendix B's SHA1 key, exported: the imported account's codes are the RFC's."""
    from authenticator.transfer import choose, read_text

    rfc_key = b"12345678901234567890"
    account = choose(read_text(export_uri([Exported(rfc_key, "rfc", digits=EIGHT)])))
    assert account.code(59) == "94287082" and account.code(1111111109) == "07081804"
    assert parse_uri(account.to_uri()) == account
