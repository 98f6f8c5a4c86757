"""One warm Chromium for the runner: fresh context per probe, relaunch after a crash.

Starting Chromium costs far more than a login on the sandbox, so the runner keeps one browser
and gives each probe a new context (cookies and storage never leak between probes).

Playwright's sync API belongs to the thread that started it, so every browser call runs on
one dedicated thread (``run``): the runner's main thread stays free to enforce a probe's hard
timeout and to react to SIGTERM while a journey is blocked in the browser, and the runner can
live beside another Playwright user in the same process (pytest-playwright in the tests).
Every Chromium process the runner starts carries a marker flag, so it can find its own
processes in /proc: to cut a hung probe short (kill the browser, which ends any Playwright
call) and to leave no orphan Chromium at shutdown, without touching anybody else's.
Chromium also gets a temporary folder of its own (``TMPDIR``): a browser killed rather than
closed leaves its ``org.chromium.Chromium.*`` folders there, and the runner removes the whole
folder when it closes the browser, SIGTERM included. Playwright's driver makes the browser's
profile folder in the runner's own temporary folder and removes it when the browser exits, but
a runner that stops right after killing its browser can end first: the runner removes that
folder too (named by the browser's ``--user-data-dir``, read when it started).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import TypeVar

from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from monitors.one_thread import OneThread
from pages import browser as chromium

MARKER_FLAG = "--eespresso-monitor-run"
PROFILE_FLAG = "--user-data-dir="
PROFILE_PREFIX = "playwright_chromiumdev_profile-"  # Playwright's throw-away profiles
T = TypeVar("T")


def _proc(name: str) -> Iterator[tuple[int, bytes]]:
    """(pid, content of /proc/PID/name) for every live process that can be read."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                yield int(entry.name), (entry / name).read_bytes()
            except OSError:
                continue  # gone meanwhile, or not ours to read


def marked_pids(marker: str) -> list[int]:
    """Pids of live processes whose command line carries ``marker`` (Linux /proc)."""
    return [pid for pid, cmdline in _proc("cmdline") if marker.encode() in cmdline]


def throwaway_profiles(marker: str) -> set[Path]:
    """The throw-away profile folders Playwright gave the live browsers that carry ``marker``
    (their ``--user-data-dir``); a profile of anybody else's naming is never listed."""
    found = set()
    for _, cmdline in _proc("cmdline"):
        if marker.encode() in cmdline:
            for arg in cmdline.decode(errors="replace").split("\0"):
                folder = Path(arg.removeprefix(PROFILE_FLAG))
                if arg.startswith(PROFILE_FLAG) and folder.name.startswith(PROFILE_PREFIX):
                    found.add(folder)
    return found


def process_tree(roots: list[int]) -> list[int]:
    """``roots`` and all their live descendants (Chromium's renderers, GPU and zygote
    processes do not carry the marker flag; their parent does)."""
    children: dict[int, list[int]] = {}
    for pid, stat in _proc("stat"):
        parent = int(stat.rsplit(b")", 1)[1].split()[1])  # field 4, after the command name
        children.setdefault(parent, []).append(pid)
    found, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


class WarmBrowser:
    def __init__(self, headless: bool = True) -> None:
        self.headless = headless
        self.marker = f"{MARKER_FLAG}={uuid.uuid4().hex}"
        self.launches = 0
        self._thread = OneThread("warm-chromium")
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._remote: dict[str, Browser] = {}  # browser servers, by endpoint
        self._closed = False
        self._tmp: str | None = None  # Chromium's TMPDIR, removed by close()
        self._profiles: set[Path] = set()  # its browsers' profiles, removed by close()

    def submit(self, work: Callable[[], T]) -> Future[T]:
        """Run ``work`` on the browser thread (where ``new_context`` may be called)."""
        return self._thread.submit(work)

    def _ensure(self) -> Browser:
        if self._playwright is None:
            self._playwright = sync_playwright().start()
        if self._browser is None or not self._browser.is_connected():
            if self._browser is not None:
                self.kill()  # a crashed browser may leave renderers behind
            if self._tmp is None:
                self._tmp = tempfile.mkdtemp(prefix="eespresso-chromium-")
            extra = {"args": [self.marker], "env": {**os.environ, "TMPDIR": self._tmp}}
            self._browser = chromium.launch(self._playwright, headless=self.headless, extra=extra)
            self._profiles |= throwaway_profiles(self.marker)
            self.launches += 1
        return self._browser

    def new_context(
        self, *, ignore_https_errors: bool = False, ws_endpoint: str | None = None
    ) -> BrowserContext:
        """A fresh context on the warm browser (the suite's locale and time zone), launching
        (or relaunching) it when needed; on the browser server at ``ws_endpoint`` when given
        (``pages.browser.RemoteBrowserError`` when it cannot be used). Call it on the browser
        thread only.

        A browser that died between two probes may still look connected for a moment: the
        first failure relaunches it once, so the crash is not blamed on the portal."""
        if ws_endpoint:
            return chromium.new_context(
                self._connected(ws_endpoint), ignore_https_errors=ignore_https_errors
            )
        try:
            return chromium.new_context(self._ensure(), ignore_https_errors=ignore_https_errors)
        except PlaywrightError:
            self._drop()
            return chromium.new_context(self._ensure(), ignore_https_errors=ignore_https_errors)

    def _connected(self, ws_endpoint: str) -> Browser:
        """The browser server's Chromium, connected again when the connection dropped."""
        if self._playwright is None:
            self._playwright = sync_playwright().start()
        browser = self._remote.get(ws_endpoint)
        if browser is None or not browser.is_connected():
            browser = self._remote[ws_endpoint] = chromium.connect(self._playwright, ws_endpoint)
        return browser

    def _drop(self) -> None:
        """Forget a dead browser (its Playwright driver is stopped and restarted too)."""
        self.kill()
        self._browser = None
        if self._playwright is not None:
            with contextlib.suppress(Exception):
                self._playwright.stop()
            self._playwright = None

    @property
    def connected(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    def processes(self) -> list[int]:
        """Pids of this runner's Chromium: the marked browser and everything under it."""
        return process_tree(marked_pids(self.marker))

    def kill(self) -> None:
        """SIGKILL this runner's Chromium processes (and only them); safe from any thread
        and from a signal handler."""
        for pid in self.processes():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)

    def _close(self) -> None:
        for remote in self._remote.values():
            with contextlib.suppress(Exception):
                remote.close()  # the connection only: the server keeps running
        self._remote.clear()
        if self._browser is not None:
            with contextlib.suppress(Exception):
                self._browser.close()
            self._browser = None
        if self._playwright is not None:
            with contextlib.suppress(Exception):
                self._playwright.stop()
            self._playwright = None

    def close(self, timeout: float = 30.0) -> None:
        """Close politely on the browser thread, then make sure nothing is left (no process,
        no temporary folder). Idempotent."""
        if not self._closed:
            self._closed = True
            future = self._thread.submit(self._close)
            with contextlib.suppress(Exception):
                future.result(timeout=timeout)
            self._thread.stop()
        self.kill()
        deadline = time.monotonic() + 10  # SIGKILL is delivered, not yet acted on
        while self.processes() and time.monotonic() < deadline:
            time.sleep(0.05)
        for folder in [*self._profiles, *([self._tmp] if self._tmp else [])]:
            shutil.rmtree(folder, ignore_errors=True)
        self._profiles.clear()
        self._tmp = None
