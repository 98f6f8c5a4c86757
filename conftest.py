"""Root pytest configuration: shared by unit and browser tests (docs/design.md, "Fixtures").

Only what every test may need lives here: the suite's settings (target, account, vault), the
report header and the environment each test sees (its own account guard store, never the
user's account). Browser fixtures live in ``tests/e2e/conftest.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from authenticator.guard import PATH_ENV as GUARD_ENV
from authenticator.vault import PATH_ENV as VAULT_ENV
from authenticator.vault_file import KEY_ENV as VAULT_KEY_ENV
from pages.settings import CIP_ENV, PASSWORD_ENV, Settings, SettingsError
from tests.fixtures.real_run import on_account

# The order of a sandbox run and the image build started behind it (docs/design.md, "Fixtures").
pytest_plugins = ["tests.fixtures.scheduling"]

#: The user's account and its stores: read for the real target under test, and by no other test.
ACCOUNT_ENV = (CIP_ENV, PASSWORD_ENV, VAULT_ENV, VAULT_KEY_ENV, GUARD_ENV)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("eespresso", "eEspresso suite")
    group.addoption(
        "--allow-enrollment",
        action="store_true",
        default=False,
        help="let first-access tests run against a non-sandbox --base-url "
        "(enrolling replaces the account's authenticator)",
    )
    group.addoption(
        "--portal-profile",
        default=None,
        help="portal profile (TOML) naming the portal's fields and buttons "
        "(default: the built-in eEspresso wording, profiles/eespresso.toml)",
    )
    group.addoption(
        "--browser-ws",
        default=None,
        help="connect to a Playwright browser server (ws://…, same major.minor version) "
        "instead of launching the local Chromium",
    )


def suite_settings(config: pytest.Config) -> Settings:
    """CLI (``--base-url``, ``--allow-enrollment``, ``--portal-profile``) over the
    environment, over defaults."""
    cli = {
        "base_url": config.getoption("--base-url", default=None),
        "allow_enrollment": config.getoption("--allow-enrollment", default=False),
        "profile": config.getoption("--portal-profile", default=None),
    }
    try:
        return Settings.from_sources(cli)
    except SettingsError as error:
        raise pytest.UsageError(str(error)) from None


def pytest_configure(config: pytest.Config) -> None:
    """Check the suite's settings (base URL, portal profile) before collecting anything: a
    mistake is one line, whichever tests were asked for."""
    suite_settings(config)


def pytest_report_header(config: pytest.Config) -> str:
    return "eespresso " + suite_settings(config).describe()


@pytest.fixture(scope="session")
def settings(pytestconfig: pytest.Config) -> Settings:
    return suite_settings(pytestconfig)


@pytest.fixture(scope="session", autouse=True)
def user_account_environment(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """The user's account variables, taken out of the environment for the whole run once the
    settings have read them: a test that builds its own targets, vaults, guards or histories
    (or a session fixture that starts processes) never reads or counts against the user's
    account. Only the tests that log in as the configured account get them back."""
    saved = {name: os.environ[name] for name in ACCOUNT_ENV if name in os.environ}
    with pytest.MonkeyPatch.context() as patch:
        for name in ACCOUNT_ENV:
            patch.delenv(name, raising=False)
        patch.setenv(GUARD_ENV, str(tmp_path_factory.mktemp("guard") / "guard.sqlite"))
        yield saved


@pytest.fixture(autouse=True)
def private_account_guard(
    settings: Settings,
    user_account_environment: dict[str, str],
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path | None:
    """Each test (and each process it starts) counts its submissions in its own guard store:
    tests share CIPs such as PROBE0001 and must not pause each other. A real portal's account
    is counted in the machine's store, with every other user of it, by the tests that log in
    as it: they alone see the user's account variables."""
    if not settings.is_sandbox and on_account(request.node):
        monkeypatch.delenv(GUARD_ENV)
        for name, value in user_account_environment.items():
            monkeypatch.setenv(name, value)
        return None
    path = tmp_path / "guard" / "guard.sqlite"
    monkeypatch.setenv(GUARD_ENV, str(path))
    return path
