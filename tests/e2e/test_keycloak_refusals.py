"""What the journeys must never do behind Keycloak: fill a required action, spend the lockout
budget on a refusal the portal does not announce, or let the page's secret reach a record.

Keycloak asks for "required actions" at login (update password, terms and conditions): the
journey ends with the cause ``action_required`` and posts nothing to them. Its brute-force
detection answers a locked account with the same « Nom d'utilisateur ou mot de passe
invalide. » as a wrong password, never "locked": the account guard must count those refusals
and pause before the portal's fifth. The set-up page carries the secret in a hidden input and,
in manual mode, as text in groups of four: no capture or inspection may hold it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import allure
import pytest
from playwright.sync_api import expect

from authenticator import Vault
from bench.support.accounts import new_cip
from pages.elements import bind
from pages.inspection import record
from pages.inspection_files import html_page, markdown
from pages.profile import builtin
from pages.screens import EnrollmentPage, LoginPage
from sandbox import RunningSandbox, running_sandbox
from sandbox.keycloak.state import to_raw
from tests.fixtures.accounts import clocks_ahead, new_password, run_cli

pytestmark = [pytest.mark.variants, pytest.mark.negative, allure.feature("Portal behind Keycloak")]


@pytest.fixture(scope="module")
def keycloak() -> Iterator[RunningSandbox]:
    with running_sandbox({"THEME": "keycloak.v2"}, flavour="keycloak") as running:
        yield running


@pytest.fixture
def ahead(keycloak: RunningSandbox) -> Iterator[Callable[[int], list[str]]]:
    with clocks_ahead(keycloak.admin) as move:
        yield move


def cli(kc: RunningSandbox, command: str, cip: str, password: str, vault, *extra: str):
    argv = [command, "--base-url", kc.url, "--cip", cip, "--profile", "keycloak", *extra]
    if command == "enroll":
        argv += ["--device-name", "Mon iPhone"]
    return run_cli(*argv, password=password, vault=vault, module="monitors")


def posts_to_required_actions(kc: RunningSandbox) -> list[dict]:
    return [r for r in kc.admin.requests()
            if r["method"] == "POST" and "required-action" in r["path"]]  # fmt: skip


@allure.story("required actions")
@pytest.mark.parametrize("action", ["UPDATE_PASSWORD", "TERMS_AND_CONDITIONS"])
def test_a_required_action_ends_the_login_with_action_required_and_nothing_posted(
    keycloak, ahead, tmp_path, action
):
    cip, password = new_cip(), new_password()
    keycloak.admin.create_account(cip, password)
    assert cli(keycloak, "enroll", cip, password, tmp_path / "v").returncode == 0
    keycloak.admin.set_required_actions(cip, [action])
    before = len(posts_to_required_actions(keycloak))
    done = cli(keycloak, "login", cip, password, tmp_path / "v", "--json", *ahead(1))
    data = json.loads(done.stdout)
    assert done.returncode == 1 and data["cause"] == "action_required", done.stdout
    assert "nothing was submitted" in data["error"]
    assert len(posts_to_required_actions(keycloak)) == before  # not one POST to the action
    assert keycloak.admin.required_actions(cip) == [action]  # still there, for a person
    assert keycloak.admin.account(cip)["consecutive_failures"] == 0
    # The code was accepted before the action: the guard counts nothing against the account.
    again = cli(keycloak, "login", cip, password, tmp_path / "v", *ahead(2))
    assert again.returncode == 1 and "(action_required)" in again.stdout, again.stderr


@allure.story("required actions")
def test_a_new_password_asked_at_first_access_stops_it_with_the_secret_kept(keycloak, tmp_path):
    cip, password = new_cip(), new_password()
    keycloak.admin.create_account(cip, password)
    keycloak.admin.set_required_actions(cip, ["UPDATE_PASSWORD"])
    before = posts_to_required_actions(keycloak)
    done = cli(keycloak, "enroll", cip, password, tmp_path / "v")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED" in done.stdout and "(action_required)" in done.stdout
    assert "Action required at the portal (action_required)" in done.stdout
    # Keycloak runs the OTP set-up first: its form is the one required action posted to,
    # the secret the portal accepted stays active in the vault, the password is untouched.
    assert len(posts_to_required_actions(keycloak)) == len(before) + 1
    assert keycloak.admin.required_actions(cip) == ["UPDATE_PASSWORD"]
    assert "password_updated" not in [e["event"] for e in keycloak.admin.audit(cip)]
    entry = Vault(tmp_path / "v").get(keycloak.url, cip)
    assert entry is not None and entry.state == "active"


@allure.story("account guard")
def test_refusals_worded_like_a_wrong_password_pause_the_account_before_the_lockout(
    keycloak, tmp_path
):
    """Keycloak never says "locked": the guard counts every refusal as unproven."""
    cip, password = new_cip(), new_password()
    keycloak.admin.create_account(cip, password)
    runs = [cli(keycloak, "enroll", cip, "Mauvais-mot-de-passe-1", tmp_path / "v", "--json")
            for _ in range(4)]  # fmt: skip
    assert [run.returncode for run in runs] == [1, 1, 1, 3], [r.stderr for r in runs]
    assert json.loads(runs[0].stdout)["cause"] == "credentials_rejected"
    assert json.loads(runs[3].stdout)["cause"] == "account_paused"  # one object, paused too
    assert keycloak.admin.account(cip)["consecutive_failures"] == 3  # never the portal's 5


@allure.story("secrets in the page")
def test_the_secret_in_the_set_up_page_never_reaches_an_inspection(keycloak, page):
    """The hidden input and the manual-mode text (groups of four) hold the secret."""
    cip, password = new_cip(), new_password()
    keycloak.admin.create_account(cip, password)
    bind(page, builtin("keycloak"))
    login = LoginPage.open(page, keycloak.url)
    assert isinstance(login, LoginPage)
    assert isinstance(login.login(cip, password), EnrollmentPage)
    secret = keycloak.admin.account(cip)["pending_secret"]
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    raw = to_raw(secret)  # Keycloak's hidden totpSecret holds the key before Base32
    page.get_by_role("link", name="Impossible de scanner?").click()
    expect(page.locator("#kc-totp-secret-key")).to_have_text(grouped)
    assert f'value="{raw}"' in page.content()  # the page does hold it, twice
    shot = record(page)
    text = (
        markdown(shot, "manual mode", "x.png") + repr(shot.controls) + html_page([("m", shot)], "m")
    )
    for value in (secret, grouped, grouped[:9], raw, password):
        assert value not in text
    assert "totpSecret" not in text  # a hidden input is no field
    assert "***" in text  # the key shown as text was painted over


@allure.story("required actions")
def test_terms_a_profile_lets_the_probe_accept_are_gone_past_and_reported(
    keycloak, ahead, tmp_path
):
    """The owner may let the probe accept the terms: naming « Accepter » as the profile's way
    on makes the page a notice of kind ``terms`` (wording.notices), reported and gone past."""
    cip, password = new_cip(), new_password()
    keycloak.admin.create_account(cip, password)
    assert cli(keycloak, "enroll", cip, password, tmp_path / "v").returncode == 0
    keycloak.admin.set_required_actions(cip, ["TERMS_AND_CONDITIONS"])
    profile = tmp_path / "terms.toml"
    profile.write_text(
        'name = "Keycloak, terms accepted"\nbase = "keycloak"\n'
        "[elements.continue]\nnames = ['^accepter$']\n",
        encoding="utf-8",
    )
    argv = ["login", "--base-url", keycloak.url, "--cip", cip, "--profile", str(profile), "--json"]
    done = run_cli(*argv, *ahead(1), password=password, vault=tmp_path / "v", module="monitors")
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["ok"], done.stdout
    assert [w["kind"] for w in data["warnings"]] == ["terms"]
    assert "Termes et conditions" in data["warnings"][0]["text"]
    assert keycloak.admin.required_actions(cip) == []  # accepted, as the profile allows
