"""Which Chromium to drive, how to launch it or reach a remote one, and the context it gets.

Browser downloads are impossible on our machines, so Playwright drives the system Chromium
(docs/design.md, "Browser"). Order: an explicit path from the environment, then Playwright's
own browser if installed, then Debian's. A headless launch takes the headless shell when it is
installed (``chromium-headless-shell``, what Playwright itself runs headless): the same engine
without the browser's window, tabs and extensions, at half the CPU of the full browser run
headless (docs/benchmarks.md); ``--headed`` takes the full browser. The same launch arguments
serve pytest and the monitor runner; Chromium keeps its sandbox except as root, where it
refuses to start with it (docs/reliability.md, "Chromium's sandbox"). A browser server (Playwright's
``launchServer`` or ``run-server`` of the same major.minor version) can stand in for the local
Chromium: ``connect`` reaches it and turns every way it can fail into one line that blames the
browser, never the portal.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Playwright
from playwright.sync_api import Error as PlaywrightError

ENV_VAR = "EESPRESSO_CHROMIUM"
SYSTEM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# Debian's /usr/bin/chromium-headless-shell runs this binary from a shell that stays its parent:
# the binary itself, so Playwright's signals reach the browser.
HEADLESS_SHELLS = ("/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium-headless-shell")
# Without these, Chromium keeps calling home; on a closed network that is noise and delay.
QUIET_FLAGS = ("--disable-background-networking", "--disable-component-update", "--disable-sync")


class BrowserNotFound(RuntimeError):
    """No usable Chromium (missing, or it would not start): one line that says what to do."""


def _playwright_chromium(headless: bool) -> str | None:
    """Playwright's own Chromium (its headless shell first for a headless launch), if
    `playwright install chromium` ever succeeded here."""
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache/ms-playwright"))
    patterns = ["chromium-*/chrome-linux*/chrome"]
    if headless:
        patterns.insert(0, "chromium_headless_shell-*/*/*headless?shell")
    for pattern in patterns:
        found = sorted(root.glob(pattern))
        if found:
            return str(found[-1])
    return None


def chromium_executable(headless: bool = True) -> str:
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise BrowserNotFound(f"{ENV_VAR}={explicit} is not executable: fix or unset it")
        return explicit
    system = (*HEADLESS_SHELLS, *SYSTEM_CANDIDATES) if headless else SYSTEM_CANDIDATES
    for candidate in (_playwright_chromium(headless), *system):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    which = shutil.which("chromium")
    if which:
        return which
    raise BrowserNotFound(
        f"no Chromium found: run 'apt-get install chromium' (or 'make test'), or set {ENV_VAR}"
    )


def sandboxed() -> bool:
    """Whether Chromium keeps its sandbox: always, except as root, where Chromium refuses to
    start with it (docs/reliability.md, "Chromium's sandbox": run as an ordinary user)."""
    return not (hasattr(os, "geteuid") and os.geteuid() == 0)


def launch_args(headless: bool = True, extra: dict | None = None) -> dict:
    """Keyword arguments for ``playwright.chromium.launch`` (and pytest-playwright's fixture).

    Playwright adds ``--no-sandbox`` unless ``chromium_sandbox`` is true, so the sandbox is
    asked for explicitly; as root Playwright's ``--no-sandbox`` stays.
    """
    merged = {
        "executable_path": chromium_executable(headless),
        "headless": headless,
        "chromium_sandbox": sandboxed(),
        **(extra or {}),
    }
    merged["args"] = [*QUIET_FLAGS, *merged.get("args", [])]
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
    """The system Chromium (see ``chromium_executable``) with the suite's launch arguments;
    one that does not start is ``BrowserNotFound`` with one line (``start_failure``)."""
    try:
        return playwright.chromium.launch(**launch_args(headless, extra))
    except PlaywrightError as error:  # no display for --headed, a refused sandbox...
        raise BrowserNotFound(start_failure(str(error))) from None


class RemoteBrowserError(RuntimeError):
    """A browser server that cannot be used: one line, the probe's fault, not the portal's."""


_VERSIONS = re.compile(r"server version: v?([\d.]+).*?client version: v?([\d.]+)", re.S)


def check_ws_endpoint(ws_endpoint: str) -> str:
    """``ws_endpoint`` if it is a ``ws://`` or ``wss://`` URL with a host, else ``ValueError``."""
    try:
        parts = urlsplit(ws_endpoint)
        valid = parts.scheme in ("ws", "wss") and bool(parts.hostname)
        port = parts.port  # a port out of range raises ValueError
    except ValueError:  # "ws://[::1" or "ws://host:99999"
        valid, port = False, None
    if not valid or port == 0:
        raise ValueError("a browser server is a ws:// or wss:// URL, e.g. ws://127.0.0.1:3000/")
    return ws_endpoint


def _where(ws_endpoint: str) -> str:
    """Scheme, host and port only: a server's path may carry an access token."""
    parts = urlsplit(ws_endpoint)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def connect(playwright: Playwright, ws_endpoint: str, *, timeout_ms: float = 15_000) -> Browser:
    """The Chromium of a Playwright browser server, or ``RemoteBrowserError``."""
    try:
        return playwright.chromium.connect(ws_endpoint, timeout=timeout_ms)
    except PlaywrightError as error:
        raise RemoteBrowserError(remote_failure(ws_endpoint, str(error))) from None


def remote_failure(ws_endpoint: str, message: str) -> str:
    """Why the server at ``ws_endpoint`` could not be used, in one line."""
    where = _where(ws_endpoint)
    versions = _VERSIONS.search(message)
    if versions:
        server, client = versions.groups()
        return (
            f"the browser server at {where} runs Playwright {server} and this suite {client}: "
            "run a server of the same major.minor version"
        )
    if "ECONNREFUSED" in message or "ENOTFOUND" in message or "Timeout" in message:
        return f"no browser server answers at {where}: start it or fix the browser server URL"
    first = next((line for line in message.splitlines() if line.strip()), "unknown error")
    return f"the browser server at {where} failed: {first[:200]}"


def open_browser(
    playwright: Playwright,
    *,
    headless: bool = True,
    ws_endpoint: str | None = None,
    extra: dict | None = None,
) -> Browser:
    """The remote browser at ``ws_endpoint`` when given, else the local Chromium; a local
    Chromium that does not start is ``BrowserNotFound`` with one line."""
    if ws_endpoint:
        return connect(playwright, ws_endpoint)
    return launch(playwright, headless=headless, extra=extra)


# Chromium's own words when the platform refuses its Linux sandbox: no user namespace
# (clone with CLONE_NEWUSER denied) or no chroot into its empty directory.
_SANDBOX_REFUSED = re.compile(r"No usable sandbox!|Check failed: sys_chroot\([^)]*\) == 0")


def start_failure(message: str) -> str:
    """Why the local Chromium did not start, in one line; a refused sandbox says what to allow
    (Playwright's own first line only says the browser closed)."""
    refused = _SANDBOX_REFUSED.search(message)
    if refused:
        return (
            f"could not start Chromium's sandbox ({refused.group(0)}): allow user namespaces "
            "and chroot, see deploy/seccomp/eespresso-chromium.json"
        )
    first_line = (message.strip().splitlines() or ["unknown error"])[0][:200]
    return f"could not start Chromium: {first_line}"
