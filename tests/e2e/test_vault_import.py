"""A key enrolled elsewhere, imported into the vault, then a later login by the journey CLI.

The sandbox enrolls the account with a known secret (its admin API), as the helpdesk would
have done on a phone; the key then reaches the vault the way an operator brings it in
(``python -m authenticator vault import``: a Key URI on standard input, the picture of a
Google Authenticator export, a backup file), and ``python -m monitors login`` must pass with
it. The portal's own enrollment QR, in each of the sandbox's renderings, is imported from a
browser screenshot and must hold the key the portal issued.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import allure
import pytest
import segno

from authenticator import OtpAccount, Vault
from bench.support.accounts import SANDBOX_ISSUER, new_cip
from pages.screens import EnrollmentPage, LoginPage
from sandbox import RunningSandbox
from tests.fixtures.accounts import new_password, record_account, run_cli
from tests.fixtures.migration_export import SHA256, Exported, export_uri

pytestmark = [allure.feature("Vault import")]

RAW_KEYS = (b"helpdesk phone key 1", b"another account's key", b"a third one, SHA256!")


def import_key(vault: Path, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``python -m authenticator vault import ARGV`` in its own process, as an operator runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EESPRESSO_")}
    return subprocess.run(
        [sys.executable, "-m", "authenticator", "vault", "--vault", str(vault), "import", *argv],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def enrolled_elsewhere(sandbox: RunningSandbox, raw_key: bytes) -> tuple[str, str, OtpAccount]:
    """An account the portal enrolled with ``raw_key`` (no vault knows it yet)."""
    cip, password = new_cip(), new_password()
    secret = base64.b32encode(raw_key).decode().rstrip("=")
    sandbox.admin.create_account(cip, password, enrolled=True, secret=secret)
    account = OtpAccount(secret, account=cip, issuer=SANDBOX_ISSUER)
    record_account(account)
    return cip, password, account


def login_passes(sandbox: RunningSandbox, cip: str, password: str, vault: Path) -> None:
    argv = ("login", "--base-url", sandbox.url, "--cip", cip, "--json")
    done = run_cli(*argv, password=password, vault=vault, module="monitors")
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["ok"] is True
    assert list(result["steps"]) == ["open", "login", "code", "home", "logout"]
    assert [e["event"] for e in sandbox.admin.audit(cip)] == ["login_ok"]


def imported(done: subprocess.CompletedProcess[str], secret: str) -> None:
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.startswith("added: ") and secret not in done.stdout


@allure.story("import a Key URI")
@pytest.mark.login
def test_a_key_uri_from_standard_input_then_monitors_login(sandbox, tmp_path):
    cip, password, account = enrolled_elsewhere(sandbox, RAW_KEYS[0])
    vault = tmp_path / "vault"
    done = import_key(vault, "--base-url", sandbox.url, "--cip", cip, stdin=account.to_uri())
    imported(done, account.to_uri().split("secret=")[1][:16])
    assert Vault(vault).get(sandbox.url, cip).state == "active"
    login_passes(sandbox, cip, password, vault)


@allure.story("import a Google Authenticator export")
@pytest.mark.login
@pytest.mark.parametrize("accounts", [1, 3], ids=["one-account", "three-accounts"])
def test_an_export_qr_picture_then_monitors_login(accounts, sandbox, tmp_path):
    cip, password, account = enrolled_elsewhere(sandbox, RAW_KEYS[0])
    ours = Exported(RAW_KEYS[0], cip, SANDBOX_ISSUER)
    others = [
        Exported(RAW_KEYS[1], "alice@example.org", "GitHub"),
        Exported(RAW_KEYS[2], cip + "-test", "Banque", algorithm=SHA256),
    ]
    picture = tmp_path / "export.png"
    uri = export_uri([ours] if accounts == 1 else [others[0], ours, others[1]])
    segno.make(uri, micro=False).save(str(picture), kind="png", scale=4, border=4)
    select = [] if accounts == 1 else ["--select", cip]
    done = import_key(
        tmp_path / "vault", "--base-url", sandbox.url, "--cip", cip, "--qr", str(picture), *select
    )
    imported(done, account.to_uri().split("secret=")[1][:16])
    assert Vault(tmp_path / "vault").get(sandbox.url, cip).account.same_key(account)
    login_passes(sandbox, cip, password, tmp_path / "vault")


@allure.story("restore a backup")
@pytest.mark.login
def test_a_restored_backup_then_monitors_login(sandbox, tmp_path):
    cip, password, account = enrolled_elsewhere(sandbox, RAW_KEYS[1])
    vault = Vault(tmp_path / "vault")
    vault.import_active(sandbox.url, cip, account, "Importé")
    vault.backup(tmp_path / "copy")
    vault.remove(sandbox.url, cip)
    done = import_key(vault.path, "--backup", str(tmp_path / "copy"))
    assert done.returncode == 0 and f"added: CIP {cip}" in done.stdout, done.stderr
    login_passes(sandbox, cip, password, vault.path)


@allure.story("import the portal's QR")
@pytest.mark.variants
@pytest.mark.parametrize("rendering", ["png", "svg", "inline-svg", "canvas"])
def test_the_portal_qr_in_each_rendering_imports_the_issued_key(
    rendering, page, make_account, sandbox, tmp_path
):
    """The picture an operator would save of the enrollment page: the QR element, as shown."""
    person = make_account(qr=rendering)
    screen = LoginPage.open(page, person.base_url).login(person.cip, person.password)
    assert isinstance(screen, EnrollmentPage)
    picture = tmp_path / f"{rendering}.png"
    picture.write_bytes(screen.qr_screenshot())
    done = import_key(
        tmp_path / "vault", "--base-url", person.base_url, "--cip", person.cip, "--qr", str(picture)
    )
    issued = sandbox.admin.account(person.cip)["pending_secret"]
    imported(done, issued)
    entry = Vault(tmp_path / "vault").get(person.base_url, person.cip)
    assert entry.account.same_key(OtpAccount(issued, account=person.cip))
    assert (entry.account.account, entry.account.issuer) == (person.cip, SANDBOX_ISSUER)
