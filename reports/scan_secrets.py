"""``python -m reports scan-secrets DIR``: find passwords, TOTP secrets, otpauth URIs and codes
left in test artifacts (Playwright traces, screenshots, Allure results, logs).

A Playwright trace records typed values and request bodies, and its screencast frames and
DOM snapshots show the enrollment QR, which *is* the secret (DESIGN.md "Secrets"). So every
file under DIR is read, zip files (``trace.zip``) member by member, and every image (PNG,
JPEG, WebP, GIF, including ``data:image`` URIs inside text) goes through the project's QR
scanner (``authenticator.qr``). A QR holding an ``otpauth://`` URI is a finding whatever the
values; the values themselves are searched raw and as JSON, URL, HTML and base64 encode
them, and the codes of every known secret around the artifacts' times are searched too.

The values to look for come from the environment or a file, never from the command line (a
process's arguments are readable by every user of the machine): ``EESPRESSO_SCAN_SECRETS``
(one value a line), ``EESPRESSO_PASSWORD``, the secret ledger of a test run
(``EESPRESSO_SECRET_LEDGER``, JSON lines ``{"kind": ..., "value": ...}``) or ``--values-file``
(plain lines or ledger lines). Findings name the file and the kind, never the value. Files
that group or others may read are warned about. Exit 0 clean, 1 found, 2 unusable input.
"""

from __future__ import annotations

import base64
import binascii
import html
import io
import json
import os
import re
import stat
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

from authenticator.errors import AuthenticatorError
from authenticator.otp import OtpAccount, parse_uri
from authenticator.qr import payloads
from reports.errors import InputError

VALUES_ENV = "EESPRESSO_SCAN_SECRETS"
LEDGER_ENV = "EESPRESSO_SECRET_LEDGER"  # the E2E suite's ledger of the secrets a run used
KNOWN_ENV = {"EESPRESSO_PASSWORD": "password"}
MIN_LENGTH = 6  # shorter values would be found everywhere
MAX_BYTES = 512 * 1024 * 1024  # a file or zip member larger than this is skipped, with a warning
CODE_WINDOW_S = (2 * 3600.0, 600.0)  # codes from 2 h before the oldest artifact to 10 min after
MAX_STEPS = 20_000
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_DATA_URI = re.compile(rb"data:image/(?:png|jpeg|webp|gif);base64,([A-Za-z0-9+/]+={0,2})")
_KIND_WORDS = {"uri": "otpauth URI", "secret": "TOTP secret", "password": "password",
               "value": "given value"}  # fmt: skip
_BASE32 = re.compile(r"^[A-Z2-7]{16,}=*$")  # RFC 4648 §6: what a TOTP secret looks like


@dataclass(frozen=True)
class Secret:
    """A value to look for; its repr never shows it."""

    kind: str
    value: str = field(repr=False)


@dataclass
class Report:
    findings: dict[tuple[str, str], None] = field(default_factory=dict)  # (where, kind), ordered
    warnings: list[str] = field(default_factory=list)
    files: int = 0
    images: int = 0

    def found(self, where: str, kind: str) -> None:
        self.findings.setdefault((where, kind), None)


def load_values(env: Mapping[str, str], values_file: Path | None) -> list[Secret]:
    """The values to look for, from the environment and ``values_file``; ``InputError`` when
    there are none or a file is unusable."""
    secrets = [Secret("value", line) for line in env.get(VALUES_ENV, "").splitlines()]
    secrets += [Secret(kind, env[name]) for name, kind in KNOWN_ENV.items() if env.get(name)]
    for path in (Path(env[LEDGER_ENV]) if env.get(LEDGER_ENV) else None, values_file):
        if path is not None:
            secrets += _read_values(path)
    secrets = [Secret(s.kind, s.value.strip()) for s in secrets if s.value.strip()]
    if not secrets:
        raise InputError(
            f"no values to look for: set {VALUES_ENV} (one a line) or {LEDGER_ENV}, or pass "
            "--values-file FILE; values are never taken from the command line"
        )
    for number, secret in enumerate(secrets, 1):
        if len(secret.value) < MIN_LENGTH:
            raise InputError(
                f"value {number} ({_KIND_WORDS.get(secret.kind, secret.kind)}) is shorter than "
                f"{MIN_LENGTH} characters: it "
                "would be found everywhere; remove it"
            )
    return list(dict.fromkeys(_with_derived(secrets)))


def _read_values(path: Path) -> list[Secret]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError(f"cannot read the values file {path} ({why})") from None
    secrets = []
    for line in text.splitlines():
        entry = _ledger_entry(line)
        secrets.append(entry or Secret("value", line))
    return secrets


def _ledger_entry(line: str) -> Secret | None:
    """``{"kind": "password", "value": "..."}`` (the E2E ledger), else None."""
    if not line.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("value"), str):
        return Secret(str(data.get("kind") or "value"), data["value"])
    return None


def _with_derived(secrets: list[Secret]) -> Iterator[Secret]:
    """The secrets, plain values named by what they look like, and each URI's own secret."""
    for secret in secrets:
        kind = secret.kind
        if kind == "value" and _BASE32.match(secret.value.replace(" ", "").upper()):
            kind = "secret"
        if secret.value.lower().startswith("otpauth://"):
            kind = "uri"
            query = parse_qs(urlsplit(secret.value).query)
            for key in query.get("secret", []):
                yield Secret("secret", key)
        yield Secret(kind, secret.value)


def accounts(secrets: list[Secret]) -> list[OtpAccount]:
    """The TOTP keys among the secrets (URIs carry their parameters; bare secrets: defaults)."""
    keys = []
    for secret in secrets:
        try:
            if secret.kind == "uri":
                keys.append(parse_uri(secret.value))
            elif secret.kind == "secret":
                keys.append(OtpAccount(secret.value, account="scan"))
        except AuthenticatorError:
            continue  # not a key after all: still searched as a value
    return keys


def code_pattern(keys: list[OtpAccount], oldest: float, newest: float) -> re.Pattern | None:
    """The codes of ``keys`` over the artifacts' time span, as one regex that only matches a
    whole number (not a piece of a timestamp, a hash or a longer number)."""
    codes: set[str] = set()
    for key in keys:
        first = key.step(oldest - CODE_WINDOW_S[0])
        last = min(key.step(newest + CODE_WINDOW_S[1]), first + MAX_STEPS)
        codes.update(key.code_for_step(step) for step in range(first, last + 1))
    if not codes:
        return None
    alternatives = b"|".join(code.encode() for code in sorted(codes))
    return re.compile(rb"(?<![0-9A-Za-z.])(?:" + alternatives + rb")(?![0-9A-Za-z.])")


def _forms(value: str) -> set[bytes]:
    """How a value is written into artifacts: as is, in JSON, in a URL or form body, in
    HTML, in base64."""
    raw = value.encode()
    return {
        raw,
        json.dumps(value, ensure_ascii=False)[1:-1].encode(),
        json.dumps(value)[1:-1].encode(),
        quote(value, safe="").encode(),
        quote_plus(value).encode(),
        html.escape(value).encode(),
        base64.b64encode(raw).rstrip(b"="),
    }


class Scanner:
    def __init__(self, secrets: list[Secret], codes: re.Pattern | None) -> None:
        self.needles = [(s.kind, form) for s in secrets for form in _forms(s.value)]
        self.codes = codes
        self.report = Report()

    def scan_tree(self, root: Path) -> Report:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
            self.report.files += 1
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                self.report.warnings.append(
                    f"{path}: readable by group or others (mode {mode:04o}); run chmod 600 "
                    "and keep artifacts in a 0700 folder"
                )
            if path.stat().st_size > MAX_BYTES:
                self.report.warnings.append(f"{path}: larger than {MAX_BYTES >> 20} MiB, skipped")
                continue
            self.scan_bytes(str(path), path.read_bytes())
        return self.report

    def scan_bytes(self, where: str, data: bytes, depth: int = 0) -> None:
        if data.startswith(b"PK\x03\x04") and depth < 2:
            self._scan_zip(where, data, depth)
            return
        if data.startswith(_IMAGE_MAGIC) or data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            self._scan_image(where, data)
            return
        for kind, form in self.needles:
            if form in data:
                self.report.found(where, _KIND_WORDS.get(kind, kind))
        if self.codes is not None and self.codes.search(data):
            self.report.found(where, "TOTP code")
        if b"otpauth://" in data or b"otpauth%3A%2F%2F" in data:
            self.report.found(where, "otpauth URI")
        for match in _DATA_URI.finditer(data):
            try:
                image = base64.b64decode(match.group(1) + b"=" * (-len(match.group(1)) % 4))
            except (binascii.Error, ValueError):
                continue
            self._scan_image(f"{where} (data: image)", image)

    def _scan_zip(self, where: str, data: bytes, depth: int) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = [m for m in archive.infolist() if not m.is_dir()]
            for member in members:
                inner = f"{where}!{member.filename}"
                if member.file_size > MAX_BYTES:
                    self.report.warnings.append(f"{inner}: larger than {MAX_BYTES >> 20} MiB")
                    continue
                self.scan_bytes(inner, archive.read(member), depth + 1)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
            self.report.warnings.append(f"{where}: unreadable zip ({exc}); check it by hand")

    def _scan_image(self, where: str, data: bytes) -> None:
        try:
            found = payloads(data, cpu_seconds=2.0)
        except AuthenticatorError:
            return  # not an image after all, or a damaged one: nothing a QR could show
        self.report.images += 1
        for payload in found:
            if payload[:10].lower() == "otpauth://":
                self.report.found(where, "otpauth URI (QR code)")
            encoded = payload.encode()
            for kind, form in self.needles:
                if form in encoded:
                    self.report.found(where, f"{_KIND_WORDS.get(kind, kind)} (QR code)")


def artifact_times(root: Path) -> tuple[float, float]:
    times = [p.stat().st_mtime for p in root.rglob("*") if p.is_file()] or [0.0]
    return min(times), max(times)


def scan(root: Path, env: Mapping[str, str], values_file: Path | None) -> Report:
    """Scan ``root``; raises ``InputError`` for unusable input."""
    if not root.is_dir():
        raise InputError(f"{root} is not a folder: pass the folder of the artifacts to scan")
    secrets = load_values(env, values_file)
    codes = code_pattern(accounts(secrets), *artifact_times(root))
    return Scanner(secrets, codes).scan_tree(root)


def main(root: Path, values_file: Path | None) -> int:
    """Print one line per finding and warning, then a summary; 0 clean, 1 found."""
    report = scan(root, os.environ, values_file)
    for where, kind in report.findings:
        print(f"FOUND  {where}: {kind}")
    for warning in report.warnings:
        print(f"WARN   {warning}")
    places = len({where.split("!", 1)[0] for where, _ in report.findings})
    print(
        f"scan-secrets: {len(report.findings)} finding(s) in {places} of {report.files} file(s),"
        f" {report.images} image(s) decoded, {len(report.warnings)} warning(s)"
    )
    return 1 if report.findings else 0
