"""The status page in the real Chromium: served by the runner's endpoint and as a file, offline.

Every request the page makes goes through a route that lets only the page itself through and
records the rest: the page must need nothing else (its plot and strip are inline). The
screenshot is kept as an Allure attachment, so a reviewer sees what ops sees.
"""

from __future__ import annotations

import allure
import pytest
from playwright.sync_api import Page, Route

from monitors.config_file import load
from monitors.metrics import ProbeMetrics
from monitors.status import STRIP_DAYS, summarise
from monitors.status_page import render_html, render_page
from monitors.web import REFRESH_S
from tests.fixtures.monitor_history import seeded_config

pytestmark = [allure.feature("Monitors"), allure.story("status page")]
WORDS = {
    "fr": ("État des sondes eEspresso", "Portail injoignable", "Comptes en pause",
           "Disponibilité par jour, 90 derniers jours (UTC)", "expire le", "fr-CA"),
    "en": ("eEspresso monitors status", "Portal unreachable", "Paused accounts",
           "Uptime per day, last 90 days (UTC)", "expires on", "en"),
}  # fmt: skip


def open_offline(page: Page, url: str) -> list[str]:
    """Load ``url`` with every other request refused; the refused URLs, in order."""
    refused: list[str] = []

    def only_the_page(route: Route) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("blockedbyclient")

    page.route("**/*", only_the_page)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return refused


def check_page(page: Page, language: str) -> None:
    title, cause, paused, strip, expiry, lang = WORDS[language]
    assert page.title() == title
    assert page.locator("html").get_attribute("lang") == lang
    page.get_by_role("heading", name=title).wait_for()
    assert page.get_by_role("cell", name=cause).count() == 1  # the open incident
    page.get_by_role("heading", name=paused).wait_for()
    page.get_by_role("heading", name=strip).wait_for()
    strip_svg = page.get_by_role("img", name=f"{strip} — login-a")
    assert strip_svg.locator("rect").count() == STRIP_DAYS
    plot = page.locator("img[src^='data:image/png']")
    assert plot.count() == 1
    assert plot.evaluate("img => img.complete && img.naturalWidth > 300")  # decoded, not broken
    assert expiry in page.inner_text("body")
    vitals = page.get_by_role("row").filter(has=page.get_by_role("cell", name="245", exact=True))
    assert vitals.get_by_role("cell").all_inner_texts()[-2:] == ["245", "30"]  # LCP, TTFB p50
    assert page.get_by_role("columnheader", name="LCP p50 (ms)").count() == 1


@pytest.mark.parametrize("language", ["fr", "en"])
def test_status_page_served_by_the_runner_needs_nothing_else(page, tmp_path, language):
    config = load(seeded_config(tmp_path, language))
    port = ProbeMetrics().serve(
        0, status_page=lambda: render_page(summarise(config), refresh_s=REFRESH_S)
    )
    url = f"http://127.0.0.1:{port}/status"
    refused = open_offline(page, url)
    check_page(page, language)
    refresh = page.locator("meta[http-equiv='refresh']").get_attribute("content")
    assert refresh == str(REFRESH_S)
    allure.attach(
        page.screenshot(full_page=True),
        name=f"Page d'état ({language})" if language == "fr" else f"Status page ({language})",
        attachment_type=allure.attachment_type.PNG,
    )
    assert refused == []  # no font, script, stylesheet or image from anywhere


def test_status_page_file_opens_offline(page, tmp_path):
    config = load(seeded_config(tmp_path, "fr"))
    path = tmp_path / "status.html"
    render_html(summarise(config), path)
    refused = open_offline(page, path.as_uri())
    check_page(page, "fr")
    assert page.locator("meta[http-equiv='refresh']").count() == 0
    assert refused == []
