"""Test support for the E2E suite: throw-away accounts, the secret ledger, result assertions.

Each test gets its own sandbox account (a unique CIP), so tests can run in parallel
(``pytest -n 2``) without sharing lockout counters or used time steps. Later-login tests start
from an account the sandbox already enrolled with a known secret (admin API), so no test has
to enroll, or wait for a fresh TOTP step, just to log in.

The ledger records every secret a run used (passwords, TOTP keys, otpauth URIs) in a file
named by ``EESPRESSO_SECRET_LEDGER``, kept outside the run's artifacts, so a test can prove
that none of them leaked into the Allure results or the logs (DESIGN.md, "Secrets").
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import allure
from playwright.sync_api import Page

from authenticator import OtpAccount, Vault
from pages.result import JourneyResult

LEDGER_ENV = "EESPRESSO_SECRET_LEDGER"
SANDBOX_ISSUER = "Accès eEspresso – CIUSSS de l'Estrie"
DEVICE_NAME = "Mon iPhone"


def record_secret(kind: str, value: str) -> None:
    """Append a secret to the ledger when one is configured (no-op otherwise)."""
    path = os.environ.get(LEDGER_ENV)
    if path and value:
        with open(path, "a", encoding="utf-8") as ledger:
            ledger.write(json.dumps({"kind": kind, "value": value}) + "\n")


def record_account(account: OtpAccount) -> None:
    uri = account.to_uri()
    record_secret("uri", uri)
    record_secret("secret", _secret_of(uri))


def _secret_of(uri: str) -> str:
    return parse_qs(urlsplit(uri).query)["secret"][0]


def read_ledger(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    text = Path(path).read_text(encoding="utf-8") if Path(path).exists() else ""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def new_password() -> str:
    """A password the portal accepts (14–20 characters), unique to one test."""
    password = "Qa-" + secrets.token_urlsafe(12)[:14]  # 17 characters
    record_secret("password", password)
    return password


def new_cip(prefix: str = "QA") -> str:
    return f"{prefix}{secrets.token_hex(5).upper()}"


@dataclass(frozen=True)
class TestAccount:
    """A portal account of one test; the repr hides the password."""

    __test__ = False  # not a pytest test class

    base_url: str
    cip: str
    password: str = field(repr=False)
    device_name: str = DEVICE_NAME
    otp: OtpAccount | None = None  # set when the account was seeded as enrolled


def seed_enrolled(vault: Vault, account: TestAccount, created: dict) -> TestAccount:
    """Put the secret the sandbox enrolled for ``account`` in ``vault`` as an active entry."""
    otp = OtpAccount(
        created["secret"],
        account=account.cip,
        issuer=created.get("issuer") or SANDBOX_ISSUER,
        algorithm=created.get("algorithm", "SHA1"),
        digits=int(created.get("digits", 6)),
        period=int(created.get("period", 30)),
    )
    record_account(otp)
    vault.save_pending(account.base_url, account.cip, otp, account.device_name)
    vault.activate(account.base_url, account.cip)
    return TestAccount(account.base_url, account.cip, account.password, account.device_name, otp)


def expect_ok(result: JourneyResult) -> JourneyResult:
    """Fail the test with ``<cause>: <error>`` (the Allure categories match that prefix)."""
    if not result.ok:
        cause = result.cause.value if result.cause else "unknown"
        allure.dynamic.label("cause", cause)
        raise AssertionError(f"{cause}: {result.error} (step: {result.failed_step})")
    return result


def critical_journey(story: str):
    """Allure story + critical severity: what the release gate requires to be present and pass."""

    def label(test):
        return allure.story(story)(allure.severity(allure.severity_level.CRITICAL)(test))

    return label


def enroll(page: Page, account: TestAccount, vault: Vault, **options: object) -> JourneyResult:
    """``first_access`` for a test account (options: authenticator, limits, compensate_clock)."""
    from pages.journeys import first_access

    return first_access(
        page,
        base_url=account.base_url,
        cip=account.cip,
        password=account.password,
        device_name=account.device_name,
        vault=vault,
        **options,
    )


def log_in(page: Page, account: TestAccount, vault: Vault, **options: object) -> JourneyResult:
    """``later_login`` for a test account (options: authenticator, limits, compensate_clock)."""
    from pages.journeys import later_login

    return later_login(
        page,
        base_url=account.base_url,
        cip=account.cip,
        password=account.password,
        vault=vault,
        **options,
    )


def run_cli(
    *argv: str,
    password: str | None,
    vault: str | os.PathLike[str],
    env: dict[str, str] | None = None,
    module: str = "monitors.journey_cli",
) -> subprocess.CompletedProcess[str]:
    """The journey CLI in its own process, as ops runs it: password and vault by environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EESPRESSO_")}
    clean["EESPRESSO_VAULT"] = str(vault)
    if password is not None:
        clean["EESPRESSO_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", module, *argv],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
