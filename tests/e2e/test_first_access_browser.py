"""The browser the journeys run in: system Chromium, French Canadian, Montréal time."""

from __future__ import annotations

import allure

from pages import browser as chromium
from pages.steps import FEATURES

pytestmark = [allure.feature(FEATURES["first_access"]), allure.story("browser")]


def test_launch_args_are_ours_merged_under_pytest_playwrights(
    browser_type_launch_args, pytestconfig
):
    headless = browser_type_launch_args["headless"]
    assert browser_type_launch_args["executable_path"] == chromium.chromium_executable(headless)
    assert set(chromium.QUIET_FLAGS) <= set(browser_type_launch_args["args"])
    # --headed (pytest-playwright's option) still decides headless.
    assert browser_type_launch_args["headless"] is not pytestconfig.getoption("--headed")


def test_pages_speak_fr_ca_on_montreal_time(page, base_url):
    page.goto(base_url)
    language, zone = page.evaluate(
        "() => [navigator.language, Intl.DateTimeFormat().resolvedOptions().timeZone]"
    )
    # Chromium's ICU canonicalises America/Montreal to its tzdata link target, America/Toronto.
    assert language == "fr-CA" and zone in {"America/Montreal", "America/Toronto"}
