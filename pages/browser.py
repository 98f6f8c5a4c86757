"""Which Chromium to drive and how to launch it (docs/design.md, "Browser").

Browser downloads are impossible on our machines, so Playwright drives the system Chromium.
Order: an explicit path from the environment, then Playwright's own browser if installed, then
Debian's ``/usr/bin/chromium``. The same launch arguments serve pytest and the monitor runner.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Playwright

ENV_VAR = "EESPRESSO_CHROMIUM"
SYSTEM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# Without these, Chromium keeps calling home; on a closed network that is noise and delay.
QUIET_FLAGS = ("--disable-background-networking", "--disable-component-update", "--disable-sync")


class BrowserNotFound(RuntimeError):
    """No usable Chromium: the message says how to get one."""


def _playwright_chromium() -> str | None:
    """Playwright's own Chromium, if `playwright install chromium` ever succeeded here."""
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache/ms-playwright"))
    found = sorted(root.glob("chromium-*/chrome-linux*/chrome"))
    return str(found[-1]) if found else None


def chromium_executable() -> str:
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise BrowserNotFound(f"{ENV_VAR}={explicit} is not executable: fix or unset it")
        return explicit
    for candidate in (_playwright_chromium(), *SYSTEM_CANDIDATES):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    which = shutil.which("chromium")
    if which:
        return which
    raise BrowserNotFound(
        f"no Chromium found: run 'apt-get install chromium' (or 'make test'), or set {ENV_VAR}"
    )


def launch_args(headless: bool = True, extra: dict | None = None) -> dict:
    """Keyword arguments for ``playwright.chromium.launch`` (and pytest-playwright's fixture)."""
    args = list(QUIET_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox on
    merged = {"executable_path": chromium_executable(), "headless": headless, **(extra or {})}
    merged["args"] = [*args, *merged.get("args", [])]
    return merged


#: Every journey sees the portal as a person in Québec does (fr-CA, Montréal time), whoever
#: starts it: a test, the journey CLI, a scheduled probe or a benchmark.
CONTEXT_OPTIONS: dict[str, object] = {"locale": "fr-CA", "timezone_id": "America/Montreal"}


def context_args(**overrides: object) -> dict:
    """Keyword arguments for ``browser.new_context`` (and pytest-playwright's fixture)."""
    return {**CONTEXT_OPTIONS, **overrides}


def new_context(browser: Browser, *, ignore_https_errors: bool = False) -> BrowserContext:
    """A fresh context (no cookie, no storage) with the suite's locale and time zone."""
    return browser.new_context(**context_args(ignore_https_errors=ignore_https_errors))


def launch(playwright: Playwright, *, headless: bool = True, extra: dict | None = None) -> Browser:
    """The system Chromium (see ``chromium_executable``) with the suite's launch arguments."""
    return playwright.chromium.launch(**launch_args(headless, extra))
