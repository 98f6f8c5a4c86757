"""Root pytest configuration: shared by unit and browser tests (docs/design.md, "Fixtures").

Only what every test may need lives here: the suite's settings (target, account, vault) and
the report header. Browser fixtures live in ``tests/e2e/conftest.py``.
"""

from __future__ import annotations

import pytest

from pages.settings import Settings, SettingsError


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
        "--browser-ws",
        default=None,
        help="connect to a Playwright browser server (ws://…, same major.minor version) "
        "instead of launching the local Chromium",
    )


def suite_settings(config: pytest.Config) -> Settings:
    """CLI (``--base-url``, ``--allow-enrollment``) over the environment, over defaults."""
    cli = {
        "base_url": config.getoption("--base-url", default=None),
        "allow_enrollment": config.getoption("--allow-enrollment", default=False),
    }
    try:
        return Settings.from_sources(cli)
    except SettingsError as error:
        raise pytest.UsageError(str(error)) from None


def pytest_report_header(config: pytest.Config) -> str:
    return "eespresso " + suite_settings(config).describe()


@pytest.fixture(scope="session")
def settings(pytestconfig: pytest.Config) -> Settings:
    return suite_settings(pytestconfig)
