"""The later login as a bare Playwright script writes it for the sandbox: the floor of
``bench/bench_bare.py``.

Run alone it is one cold login (this process starts, launches Chromium, logs in once, exits),
importing nothing but Playwright and pyotp. The password and the TOTP secret come from the
environment (never argv); the launch arguments too, as JSON, so that both sides of the bench
drive the same Chromium with the same flags (``pages.browser.launch_args``).

    BENCH_BARE_SECRET=… EESPRESSO_PASSWORD=… BENCH_BARE_LAUNCH='{…}' \\
        python bench/bare_login.py URL CIP eespresso|keycloak
"""

from __future__ import annotations

import json
import os
import sys

import pyotp
from playwright.sync_api import Page, sync_playwright

SECRET_ENV, PASSWORD_ENV, LAUNCH_ENV = (
    "BENCH_BARE_SECRET",
    "EESPRESSO_PASSWORD",
    "BENCH_BARE_LAUNCH",
)


def bare_login(page: Page, url: str, cip: str, password: str, secret: str, flavour: str) -> None:
    """Open, fill CIP and password, submit, type the code, submit, see home, log out."""
    page.goto(url)
    page.fill("input[autocomplete=username]", cip)
    page.fill("input[type=password]", password)
    page.click("[type=submit]")
    page.fill("input[autocomplete=one-time-code]", pyotp.TOTP(secret).now())
    page.click("[type=submit]")
    page.wait_for_selector("h1:has-text('eEspresso')")
    page.click("form[action='/deconnexion'] [type=submit]")
    if flavour == "keycloak":  # the identity server asks to confirm (OIDC RP-Initiated Logout)
        page.click("#kc-logout")
    page.wait_for_selector("input[type=password]")


def main(url: str, cip: str, flavour: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**json.loads(os.environ[LAUNCH_ENV]))
        page = browser.new_page()
        bare_login(page, url, cip, os.environ[PASSWORD_ENV], os.environ[SECRET_ENV], flavour)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
