"""The journey CLI, run as ops runs it: a separate process against the sandbox."""

from __future__ import annotations

import json
import socket

import allure
import pytest

from adhoc.journey_cli import JSON_KEYS
from bench.support.accounts import new_cip
from pages.steps import STEP_TITLES, STORIES, SUCCESS_SEEN
from tests.fixtures.accounts import TestAccount, new_password, run_cli, seed_enrolled

pytestmark = [allure.feature("Journey CLI")]
BAD_PROFILE = "<a profile with a Python-only name>"  # written by the test that uses it


def cli(*argv: str, password: str | None, vault):
    return run_cli(*argv, password=password, vault=vault)


@pytest.fixture
def vault_path(tmp_path):
    return tmp_path / "cli-vault"


@allure.story(STORIES["first_access"])
@allure.severity(allure.severity_level.CRITICAL)
@pytest.mark.enrollment
def test_enroll_prints_one_json_line_writes_allure_and_exits_0(make_account, vault_path, tmp_path):
    account = make_account(layout="two-page", success="page")
    allure_dir = tmp_path / "allure"
    enroll = cli(
        "enroll",
        "--base-url",
        account.base_url,
        "--cip",
        account.cip,
        "--json",
        "--device-name",
        "Mon iPhone",
        "--alluredir",
        str(allure_dir),
        password=account.password,
        vault=vault_path,
    )
    assert enroll.returncode == 0, enroll.stderr
    lines = enroll.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert tuple(data) == JSON_KEYS
    assert data["journey"] == "first_access" and data["ok"] is True and data["cause"] is None
    assert data["target"] == account.base_url and data["cip"] == account.cip
    assert list(data["steps"]) == ["open", "login", "scan", "code", "device", "home", "logout"]
    assert data["success_text_seen"] is True and data["warnings"] == []
    results = [json.loads(p.read_text()) for p in allure_dir.glob("*-result.json")]
    assert [r["status"] for r in results] == ["passed"]
    labels = {(label["name"], label["value"]) for label in results[0]["labels"]}
    assert {("story", "first access"), ("severity", "critical")} <= labels
    assert [s["name"][:7] for s in results[0]["steps"]][:2] == ["Étape 1", "Étape 2"]
    assert results[0]["steps"][-1]["name"] == SUCCESS_SEEN


@allure.story(STORIES["later_login"])
@pytest.mark.login
def test_login_reports_the_notices_it_went_past_in_json_allure_and_words(
    enrolled_factory, vault, portal_ahead, tmp_path
):
    account = enrolled_factory(notices="all", expiry_days=6)
    allure_dir = tmp_path / "allure"
    argv = ("login", "--base-url", account.base_url, "--cip", account.cip)
    as_json = cli(*argv, "--json", "--alluredir", str(allure_dir), password=account.password,
                  vault=vault.path)  # fmt: skip
    assert as_json.returncode == 0, as_json.stderr
    warnings = json.loads(as_json.stdout)["warnings"]
    assert [w["kind"] for w in warnings] == [
        "password_expiring", "maintenance_announced", "remember_device"]  # fmt: skip
    assert warnings[0]["days"] == 6
    (result,) = [json.loads(p.read_text()) for p in allure_dir.glob("*-result.json")]
    titles = [step["name"] for step in result["steps"]]
    assert "Avis : le mot de passe expire dans 6 jours" in titles
    notice = "Avis : Avis important Une maintenance d'eEspresso est prévue dimanche de 2 h à 4 h."
    assert notice in titles
    in_words = cli(*argv, *portal_ahead(1), password=account.password, vault=vault.path)
    assert in_words.returncode == 0, in_words.stderr
    assert "warning (password_expiring, 6 days): Votre mot de passe expirera dans 6 jours" in (
        in_words.stdout
    )


@allure.story(STORIES["later_login"])
@allure.severity(allure.severity_level.CRITICAL)
@pytest.mark.login
@pytest.mark.sandbox_only("logs in from a process of its own, outside the run's count")
def test_login_with_the_vault_secret_exits_0(enrolled, vault):
    result = cli(
        "login",
        "--base-url",
        enrolled.base_url,
        "--cip",
        enrolled.cip,
        "--json",
        password=enrolled.password,
        vault=vault.path,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["journey"] == "later_login" and data["ok"] is True
    assert list(data["steps"]) == ["open", "login", "code", "home", "logout"]
    assert data["warnings"] == []


@allure.story(STORIES["later_login"])
@pytest.mark.login
def test_a_failed_logout_is_a_warning_in_json_and_allure_and_the_login_exits_0(
    sandbox_factory, vault, tmp_path
):
    cip, password = new_cip("CLI"), new_password()
    with sandbox_factory() as portal:  # its own portal: faults are instance-wide
        created = portal.admin.create_account(cip, password, enrolled=True)
        seed_enrolled(vault, TestAccount(portal.url, cip, password), created)
        portal.admin.set_faults(error_500=["/deconnexion"])
        allure_dir = tmp_path / "allure"
        argv = ("login", "--base-url", portal.url, "--cip", cip, "--json")
        result = cli(*argv, "--alluredir", str(allure_dir), password=password, vault=vault.path)
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["ok"] is True and data["cause"] is None and "logout" in data["steps"]
        (warning,) = data["warnings"]
        assert warning["kind"] == "logout_failed" and warning["cause"] == "http_error"
        assert "HTTP 500" in warning["text"]
        assert portal.admin.open_sessions(cip) == 1  # left open, as the warning says
    (report,) = [json.loads(p.read_text()) for p in allure_dir.glob("*-result.json")]
    assert report["status"] == "passed"
    titles = [step["name"] for step in report["steps"]]
    assert any(t.startswith("Avis : la déconnexion a échoué") for t in titles)
    assert STEP_TITLES["logout"] in titles


@allure.story(STORIES["later_login"])
@pytest.mark.negative
def test_failed_login_exits_1_with_the_cause_in_words(enrolled, vault, tmp_path):
    result = cli(
        "login",
        "--base-url",
        enrolled.base_url,
        "--cip",
        enrolled.cip,
        password="Pas-le-bon-mot-de-passe",
        vault=vault.path,
    )
    assert result.returncode == 1
    assert "Credentials refused (credentials_rejected)" in result.stdout
    assert "Étape 2" in result.stdout and "Pas-le-bon" not in result.stdout + result.stderr


@allure.story(STORIES["later_login"])
@pytest.mark.negative
def test_unreachable_portal_exits_1_with_cause_unreachable(enrolled, vault, tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    # Same CIP and secret, as if the portal moved to a port where nothing listens.
    dead = f"http://127.0.0.1:{port}"
    vault.save_pending(dead, enrolled.cip, enrolled.otp, enrolled.device_name)
    result = cli(
        "login",
        "--base-url",
        dead,
        "--cip",
        enrolled.cip,
        "--json",
        password=enrolled.password,
        vault=vault.path,
    )
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["cause"] == "unreachable"


@pytest.mark.parametrize(
    ("argv", "password", "message"),
    [
        (["login", "--cip", "X"], "Mot-de-passe-valide", "--base-url"),
        (["login", "--base-url", "http://127.0.0.1:9", "--cip", "X"], None, "EESPRESSO_PASSWORD"),
        (
            [
                "login",
                "--base-url",
                "http://127.0.0.1:9",
                "--cip",
                "X",
                "--password",
                "S3cret-argv",
            ],
            "Mot-de-passe-valide",
            "unknown option(s) --password",
        ),
        (
            ["login", "--base-url", "http://127.0.0.1:9", "--cip", "X", "--password=S3cret-argv"],
            "Mot-de-passe-valide",
            "unknown option(s) --password",
        ),
        (
            ["login", "--base-url", "http://127.0.0.1:9", "--cip", "X"],
            "Mot-de-passe-valide",
            "enroll",
        ),
        (["login", "--base-url", "ftp://portal", "--cip", "X"], "Mot-de-passe-valide", "http(s)"),
        (
            [
                "enroll",
                "--base-url",
                "http://127.0.0.1:9",
                "--cip",
                "X",
                "--device-name",
                "A",
                "--password-file",
                "/nonexistent/pw",
            ],
            None,
            "cannot read the password file",
        ),
        (
            ["login", "--base-url", "http://127.0.0.1:9", "--cip", "X", "--profile", "/none.toml"],
            "Mot-de-passe-valide",
            "/none.toml: no such profile file",
        ),
        (
            ["login", "--base-url", "http://127.0.0.1:9", "--cip", "X", "--profile", BAD_PROFILE],
            "Mot-de-passe-valide",
            "elements.user_name.names[0]: '(?i)cip' does not work in the browser",
        ),
        (
            ["login", "--base-url", "http://127.0.0.1:9", "--cip", "X", "--clock-offset", "nan"],
            "Mot-de-passe-valide",
            "--clock-offset must be a number of seconds from -86400 to 86400",
        ),
    ],
    ids=[
        "no-url",
        "no-password",
        "password-on-argv",
        "password-on-argv-equals",
        "not-enrolled",
        "bad-url",
        "missing-password-file",
        "missing-profile",
        "bad-profile",
        "bad-clock-offset",
    ],
)
def test_usage_errors_exit_2_with_one_line_and_no_secret(argv, password, message, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[elements.user_name]\nnames = ["(?i)cip"]\n')
    argv = [str(bad) if arg == BAD_PROFILE else arg for arg in argv]
    result = cli(*argv, password=password, vault=tmp_path / "vault")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr
    assert "S3cret" not in result.stderr and "Traceback" not in result.stderr


def test_password_file_is_read_and_monitors_dispatches_to_the_cli(make_account, tmp_path):
    account = make_account()
    secret_file = tmp_path / "password"
    secret_file.write_text(account.password + "\n")
    argv = ["enroll", "--base-url", account.base_url, "--cip", account.cip]
    argv += ["--device-name", "Mon iPad", "--password-file", str(secret_file)]
    result = run_cli(*argv, password=None, vault=tmp_path / "vault", module="monitors")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("first access OK on ")


@allure.story(STORIES["later_login"])
@pytest.mark.negative
def test_the_account_guard_stops_a_wrong_password_before_the_lockout(
    sandbox, enrolled_factory, vault
):
    account = enrolled_factory()
    argv = ("login", "--base-url", account.base_url, "--cip", account.cip)
    runs = [cli(*argv, password="Wrong-Password-123", vault=vault.path) for _ in range(4)]
    assert [run.returncode for run in runs] == [1, 1, 1, 3]
    assert "credentials_rejected" in runs[0].stdout
    refused = runs[3].stderr.strip()
    assert len(refused.splitlines()) == 1 and "paused" in refused and "--force-attempt" in refused
    assert "monitors resume --base-url" in refused
    forced = cli(*argv, "--force-attempt", password="Wrong-Password-123", vault=vault.path)
    assert forced.returncode == 1  # went through: a person took the risk, and it is logged
    events = [event["event"] for event in sandbox.admin.audit(account.cip)]
    assert events == ["password_rejected"] * 4  # four, never the portal's five: not locked
    assert cli(*argv, password=account.password, vault=vault.path).returncode == 3
    resume = ("resume", "--base-url", account.base_url, "--cip", account.cip, "--note", "fixed")
    assert run_cli(*resume, password=None, vault=vault.path, module="monitors").returncode == 0
    assert cli(*argv, password=account.password, vault=vault.path).returncode == 0


@allure.story(STORIES["first_access"])
@pytest.mark.enrollment
def test_enroll_and_login_with_a_profile_file(tmp_path):
    """A portal whose wording only a profile file knows, driven from the command line."""
    from bench.support.accounts import new_cip
    from pages.profile import shipped
    from sandbox import running_sandbox
    from tests.fixtures.accounts import new_password, portal_steps_ahead

    with running_sandbox({"WORDING": "other"}) as portal:
        cip, password = new_cip(), new_password()
        portal.admin.create_account(cip, password)
        argv = ["--base-url", portal.url, "--cip", cip, "--json"]
        argv += ["--profile", str(shipped("sandbox-other.toml"))]
        vault = tmp_path / "vault"
        enrolled = cli("enroll", *argv, "--device-name", "Tablette", password=password, vault=vault)
        assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr
        assert json.loads(enrolled.stdout)["success_text_seen"] is True
        without = cli("login", "--base-url", portal.url, "--cip", cip, password=password,
                      vault=vault)  # fmt: skip
        assert without.returncode == 1 and "(unexpected_page)" in without.stdout
        assert "finds no user_name, password, login_button" in without.stdout
        ahead = portal_steps_ahead(portal.admin, 1)  # a sandbox of its own: no setting back
        logged_in = cli("login", *argv, *ahead, password=password, vault=vault)
        assert logged_in.returncode == 0, logged_in.stdout + logged_in.stderr
