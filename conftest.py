"""Root pytest configuration: shared by unit and browser tests (docs/design.md, "Fixtures").

Only what every test may need lives here: the suite's settings (target, account, vault), the
report header and each test's own account guard store. Browser fixtures live in
``tests/e2e/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

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


@pytest.fixture(autouse=True)
def private_account_guard(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path | None:
    """On the embedded sandbox each test (and each process it starts) counts its submissions
    in its own guard store: tests share CIPs such as PROBE0001 and must not pause each other.
    A real portal's account is counted in the machine's store, with every other user of it."""
    if not settings.is_sandbox:
        return None
    path = tmp_path / "guard" / "guard.sqlite"
    monkeypatch.setenv("EESPRESSO_GUARD", str(path))
    return path
