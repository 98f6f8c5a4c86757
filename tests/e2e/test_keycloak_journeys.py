"""eEspresso behind Keycloak, by profile alone: inspection, first access, later logins.

The sandbox's Keycloak variant is Keycloak 26 as a browser sees it (the application on one
origin, the identity server on another; keycloak.v2's set-up fields without accessible names;
the secret in a hidden input and as manual-mode text). Everything runs as ops runs it: the
journey CLI and ``inspect`` in their own processes, with ``--profile keycloak`` (or
``keycloak-en``) and with a profile a user wrote from the inspection, using attributes.
The portal must log no failed attempt, and the captures must hold no secret
(``python -m reports scan-secrets``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import allure
import pytest

from authenticator import Vault
from bench.support.accounts import new_cip
from sandbox import running_sandbox
from sandbox.keycloak.state import to_raw
from tests.fixtures.accounts import new_password, portal_steps_ahead, record_account, run_cli

pytestmark = [pytest.mark.variants, allure.feature("Portal behind Keycloak")]

USER_PROFILE = (
    Path(__file__).parent.parent / "fixtures" / "profiles" / "keycloak-by-attributes.toml"
)
# (theme, locale, profile, later logins): two later logins on keycloak.v2 in French, one on
# the other theme and language. Each later login needs a fresh time step: the portal's clock
# and the phone's move ahead (the wait in real time is QA's run on one account,
# tests/e2e/test_real_portal_run.py).
CASES = [
    ("keycloak.v2", "fr", "keycloak", 2),
    ("keycloak.v2", "fr", str(USER_PROFILE), 2),
    ("keycloak", "fr", "keycloak", 1),
    ("keycloak.v2", "en", "keycloak-en", 1),
]


def _ids(case: tuple[str, str, str, int]) -> str:
    theme, locale, profile, _ = case
    return f"{theme}-{locale}-{Path(profile).stem}"


def journey(kc, command: str, cip: str, password: str, folder: Path, profile: str, *extra: str):
    """One journey of the CLI with ``--json``: its exit code and its JSON object."""
    argv = [command, "--base-url", kc.url, "--cip", cip, "--profile", profile, "--json", *extra]
    if command == "enroll":
        argv += ["--device-name", "Mon iPhone"]
    done = run_cli(*argv, password=password, vault=folder / "vault", module="monitors")
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout + done.stderr
    return done.returncode, json.loads(lines[0])


def scan_secrets(folder: Path, values: list[str]) -> subprocess.CompletedProcess[str]:
    listed = folder.parent / "values.txt"
    listed.write_text("\n".join(values) + "\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "reports", "scan-secrets", str(folder), "--values-file",
         str(listed)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@allure.story("inspection of a Keycloak login page")
@pytest.mark.parametrize(("locale", "suggested"), [("fr", "keycloak"), ("en", "keycloak-en")])
def test_inspect_recognises_the_login_page_and_suggests_the_keycloak_profile(
    tmp_path, locale, suggested
):
    with running_sandbox({"LOCALE": locale}, flavour="keycloak") as kc:
        done = subprocess.run(
            [sys.executable, "-m", "monitors", "inspect", "--base-url", kc.url, "--out",
             str(tmp_path)],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert [r for r in kc.admin.requests() if r["method"] != "GET"] == []
    hint = f"looks like Keycloak: try --profile {suggested}"
    if locale == "fr":  # the built-in French names find Keycloak's French login form
        assert done.returncode == 0 and done.stdout.startswith("login screen recognised")
    assert hint in done.stdout, done.stdout + done.stderr
    assert f"- {hint}" in (tmp_path / "inspect.md").read_text(encoding="utf-8")


@allure.story("first access and later logins behind Keycloak")
@pytest.mark.enrollment
@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_enroll_then_two_logins_pass_by_profile_alone_and_leave_no_secret(tmp_path, case):
    theme, locale, profile, logins = case
    with running_sandbox({"THEME": theme, "LOCALE": locale}, flavour="keycloak") as kc:
        cip, password = new_cip(), new_password()
        kc.admin.create_account(cip, password)
        steps = []
        for number, command in enumerate(["enroll"] + ["login"] * logins):
            capture = tmp_path / "captures" / f"{number}-{command}"
            ahead = portal_steps_ahead(kc.admin, number)
            code, result = journey(kc, command, cip, password, tmp_path, profile,
                                   "--capture", str(capture), *ahead)  # fmt: skip
            assert code == 0 and result["ok"], result
            steps.append(kc.admin.account(cip)["last_accepted_step"])
        account = kc.admin.account(cip)
        refused = [e for e in kc.admin.audit(cip) if "refused" in e["event"]]
    assert steps == sorted(set(steps)), steps  # every code in a time step of its own
    assert account["consecutive_failures"] == 0 and refused == []
    entry = Vault(tmp_path / "vault").get(kc.url, cip)
    assert entry is not None
    record_account(entry.account)  # the suite's own leak check looks for it too
    uri = entry.account.to_uri()
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    raw = to_raw(secret)  # the form Keycloak's hidden totpSecret input holds
    done = scan_secrets(tmp_path / "captures", [password, secret, grouped, raw, uri])
    assert done.returncode == 0, done.stdout + done.stderr


@allure.story("first access and later logins behind Keycloak")
@pytest.mark.enrollment
def test_without_a_keycloak_profile_the_set_up_page_stops_with_its_unnamed_fields(tmp_path):
    """The built-in profile finds Keycloak's French login form, not keycloak.v2's set-up
    fields: the run stops before any code is sent, and says how the fields can be named."""
    with running_sandbox({"THEME": "keycloak.v2"}, flavour="keycloak") as kc:
        cip, password = new_cip(), new_password()
        kc.admin.create_account(cip, password)
        code, result = journey(kc, "enroll", cip, password, tmp_path, "eespresso")
        account = kc.admin.account(cip)
    assert code == 1 and result["cause"] == "unexpected_page", result
    assert "; unnamed fields input#" in result["error"]
    assert 'input#totp (name "totp", label « Code à usage unique »)' in result["error"]
    assert """input#userLabel (name "userLabel", label « Nom d'appareil »)""" in result["error"]
    assert account["consecutive_failures"] == 0 and account["last_accepted_step"] is None
