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
that group or others may read are warned about. What is read, and within what budget, is
``reports.scanner``'s. Exit 1 when something was found; else 2 when the input is unusable
(not a folder, unreadable, nothing to read, no values) or something could not be scanned
(each named: over the budget, a symbolic link, unreadable); else 0: all of it read, clean.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from authenticator.errors import AuthenticatorError
from authenticator.otp import OtpAccount, parse_uri
from reports.errors import InputError
from reports.scanner import (
    KIND_WORDS,
    NAMED,
    Budget,
    Codes,
    Report,
    Scanner,
    Secret,
    collect,
    mib,
)

VALUES_ENV = "EESPRESSO_SCAN_SECRETS"
LEDGER_ENV = "EESPRESSO_SECRET_LEDGER"  # the E2E suite's ledger of the secrets a run used
KNOWN_ENV = {"EESPRESSO_PASSWORD": "password"}
MIN_LENGTH = 6  # shorter values would be found everywhere
CODE_WINDOW_S = (2 * 3600.0, 600.0)  # codes from 2 h before the oldest artifact to 10 min after
MAX_STEPS = 20_000
_BASE32 = re.compile(r"^[A-Z2-7]{16,}=*$")  # RFC 4648 §6: what a TOTP secret looks like


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
                f"value {number} ({KIND_WORDS.get(secret.kind, secret.kind)}) is shorter than "
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


def code_pattern(keys: list[OtpAccount], oldest: float, newest: float) -> Codes | None:
    """The codes of ``keys`` over the artifacts' time span."""
    codes: set[str] = set()
    for key in keys:
        first = max(key.step(oldest - CODE_WINDOW_S[0]), 0)  # a file dated 1970 is no reason
        last = min(key.step(newest + CODE_WINDOW_S[1]), first + MAX_STEPS)
        codes.update(key.code_for_step(step) for step in range(first, last + 1))
    return Codes(frozenset(code.encode() for code in codes)) if codes else None


def artifact_times(files: list[Path]) -> tuple[float, float]:
    times = []
    for path in files:
        with contextlib.suppress(OSError):  # gone meanwhile: the scan names it
            times.append(path.lstat().st_mtime)
    return (min(times), max(times)) if times else (time.time(), time.time())


def scan(
    root: Path,
    env: Mapping[str, str],
    values_file: Path | None,
    budget: Budget | None = None,
) -> Report:
    """Scan ``root``; raises ``InputError`` for unusable input (not a folder, unreadable,
    nothing in it to read, no values)."""
    if not root.is_dir():
        raise InputError(f"{root} is not a folder: pass the folder of the artifacts to scan")
    secrets = load_values(env, values_file)
    report = Report()
    files = collect(root, report)
    codes = code_pattern(accounts(secrets), *artifact_times(files))
    return Scanner(secrets, codes, budget, report=report).scan_files(files)


def main(root: Path, values_file: Path | None, budget: Budget | None = None) -> int:
    """Print one line per finding, warning and entry not scanned, then a summary; exit 1
    when something was found, else 2 when something could not be scanned, else 0."""
    started = time.monotonic()
    report = scan(root, os.environ, values_file, budget)
    for where, kind in report.findings:
        print(f"FOUND  {where}: {kind}")
    for warning in report.warnings:
        print(f"WARN   {warning}")
    for entry in report.unscanned[:NAMED]:
        print(f"WARN   not scanned: {entry}")
    if len(report.unscanned) > NAMED:
        print(f"WARN   not scanned: {len(report.unscanned) - NAMED} more")
    places = len({where.split("!", 1)[0] for where, _ in report.findings})
    print(
        f"scan-secrets: {len(report.findings)} finding(s) in {places} of {report.scanned}"
        f" file(s), {report.images} image(s) decoded, {len(report.warnings)} warning(s),"
        f" {len(report.unscanned)} not scanned; {mib(report.read)} read in"
        f" {time.monotonic() - started:.1f} s"
    )
    if report.findings:
        return 1
    return 2 if report.unscanned else 0
