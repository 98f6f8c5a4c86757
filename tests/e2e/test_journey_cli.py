"""The journey CLI, run as ops runs it: a separate process against the sandbox."""

from __future__ import annotations

import json
import socket

import allure
import pytest

from monitors.journey_cli import JSON_KEYS
from pages.steps import STORIES
from tests.fixtures.accounts import run_cli

pytestmark = [allure.feature("Journey CLI")]


def cli(*argv: str, password: str | None, vault):
    return run_cli(*argv, password=password, vault=vault)


@pytest.fixture
def vault_path(tmp_path):
    return tmp_path / "cli-vault"


@allure.story(STORIES["first_access"])
@allure.severity(allure.severity_level.CRITICAL)
@pytest.mark.enrollment
def test_enroll_prints_one_json_line_writes_allure_and_exits_0(make_account, vault_path, tmp_path):
    account = make_account(layout="two-page")
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
    assert list(data["steps"]) == ["open", "login", "scan", "code", "device", "home"]
    results = [json.loads(p.read_text()) for p in allure_dir.glob("*-result.json")]
    assert [r["status"] for r in results] == ["passed"]
    labels = {(label["name"], label["value"]) for label in results[0]["labels"]}
    assert {("story", "first access"), ("severity", "critical")} <= labels
    assert [s["name"][:7] for s in results[0]["steps"]][:2] == ["Étape 1", "Étape 2"]


@allure.story(STORIES["later_login"])
@allure.severity(allure.severity_level.CRITICAL)
@pytest.mark.login
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
    assert list(data["steps"]) == ["open", "login", "code", "home"]


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
    assert "refused the CIP or password (credentials_rejected)" in result.stdout
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
    ],
    ids=[
        "no-url",
        "no-password",
        "password-on-argv",
        "password-on-argv-equals",
        "not-enrolled",
        "bad-url",
        "missing-password-file",
    ],
)
def test_usage_errors_exit_2_with_one_line_and_no_secret(argv, password, message, tmp_path):
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
