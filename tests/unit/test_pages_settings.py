"""Settings, the journey CLI's argument handling and its outputs, without a browser."""

from __future__ import annotations

import json

import pytest

from adhoc import journey_cli
from pages.result import Cause, JourneyResult
from pages.settings import Settings, SettingsError, read_password
from pages.steps import STEP_TITLES
from reports.allure_result import journey_test_result


def test_settings_order_is_cli_then_environment_then_default(tmp_path):
    env = {
        "PYTEST_BASE_URL": "https://env.example/",
        "EESPRESSO_CIP": "ENVCIP",
        "EESPRESSO_PASSWORD": "Mot-de-passe-env-1",
    }
    from_env = Settings.from_sources({}, env)
    assert from_env.base_url == "https://env.example" and from_env.cip == "ENVCIP"
    from_cli = Settings.from_sources({"base_url": "https://cli.example", "vault": tmp_path}, env)
    assert from_cli.base_url == "https://cli.example" and from_cli.vault_path == tmp_path
    assert Settings.from_sources({}, {}).is_sandbox


def test_settings_repr_and_description_hide_the_password():
    settings = Settings.from_sources(
        {"base_url": "https://portal.example"}, {"EESPRESSO_PASSWORD": "Tres-secret-1234"}
    )
    assert "Tres-secret" not in repr(settings) and "Tres-secret" not in settings.describe()
    assert "password: set" in settings.describe()


def test_password_file_wins_and_is_stripped_of_its_newline(tmp_path):
    path = tmp_path / "pw"
    path.write_text("Depuis-un-fichier-1\n")
    assert read_password({"EESPRESSO_PASSWORD": "x" * 16}, path) == "Depuis-un-fichier-1"
    path.write_text("\n")
    with pytest.raises(SettingsError, match="is empty"):
        read_password({}, path)
    with pytest.raises(SettingsError, match="EESPRESSO_PASSWORD"):
        read_password({}, None)


@pytest.mark.parametrize(
    "argv",
    [
        ["login", "--base-url", "http://x", "--cip", "C", "--password", "Hunter2-secret"],
        ["login", "--base-url", "http://x", "--cip", "C", "--pass", "Hunter2-secret"],
        ["login", "--base-url", "http://x", "--cip", "C", "Hunter2-secret"],
        ["frobnicate", "Hunter2-secret"],
    ],
)
def test_cli_usage_errors_are_one_line_exit_2_and_never_echo_values(argv, capsys, tmp_path):
    assert journey_cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and "Hunter2" not in err


def test_cli_summary_says_the_cause_in_words():
    result = JourneyResult(
        journey="later_login",
        target="http://portal",
        cip="CIP1",
        cause=Cause.CLOCK_SKEW,
        error="refused",
        failed_step=STEP_TITLES["code"],
        steps={"open": 10.0},
        clock_offset_s=90.0,
    )
    text = journey_cli.summary(result)
    assert "Clock drift (clock_skew)" in text
    assert "+90 s" in text and "Étape 6" in text


def test_allure_result_of_a_failed_journey_has_cause_label_and_prefixed_message():
    result = JourneyResult(
        journey="first_access",
        target="http://portal",
        cip="CIP1",
        cause=Cause.QR_UNREADABLE,
        error="no QR code found",
        failed_step=STEP_TITLES["scan"],
        steps={"open": 10.0, "login": 20.0, "scan": 5.0},
        duration_ms=35.0,
    )
    data = json.loads(
        json.dumps(
            journey_test_result(
                result,
                passed=result.ok,
                name="first access CIP1",
                full_name="journey_cli.first_access",
                history_key="first_access|http://portal|CIP1",
                suite="journey CLI",
                stop_ms=1_000_000,
            ),
            default=vars,
        )
    )
    labels = {(label["name"], label["value"]) for label in data["labels"]}
    assert {
        ("story", "first access"),
        ("severity", "critical"),
        ("cause", "qr_unreadable"),
    } <= labels
    assert data["statusDetails"]["message"].startswith("qr_unreadable: ")
    assert [s["status"] for s in data["steps"]] == ["passed", "passed", "failed"]
    assert data["start"] == 1_000_000 - 35


def test_later_login_without_a_vault_entry_is_a_configuration_error_before_any_browsing(
    tmp_path,
):
    from authenticator import Vault
    from pages.journeys import Account, NotEnrolled, run_journey

    with pytest.raises(NotEnrolled, match="enroll first"):
        run_journey(
            "later_login", None, Account("http://portal", "C1", "x" * 16), Vault(tmp_path / "v")
        )


def test_the_journey_cli_names_the_portal_in_its_one_spelling(tmp_path, monkeypatch, capsys):
    """The CLI normalises the URL where it reads it: the account it builds, the vault it asks
    and the line it prints name the portal one way however it was written."""
    monkeypatch.setenv("EESPRESSO_PASSWORD", "Un-mot-de-passe-1")
    argv = ["login", "--base-url", "HTTP://Portal.Example:80/", "--cip", "C1",
            "--vault", str(tmp_path / "v")]  # fmt: skip
    assert journey_cli.main(argv) == journey_cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.endswith("at http://portal.example: run 'enroll' first\n")
