"""A record of every screen a journey passes: what the suite saw behind the password.

While ``Capture(folder).recording(page)`` is open (``run_journey(..., capture=folder)`` opens
it), each screen recognised on the page (and the one no screen matches, when the journey stops
on an unknown page) is recorded as ``pages.inspection`` records the portal's first screen for
``python -m monitors inspect``: ``NN-<screen>.md`` (elements found, accessibility tree) and
``NN-<screen>.png`` (masked, elements boxed), then ``capture.md`` and ``capture.html`` list
them all. The folder is the owner's only (0700, files 0600). Only the caller who asked for a
capture pays for it, and the step timings of a captured journey include the capture's time.

A capture never ends a journey: a screen that cannot be recorded (the page went away) is
left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages.base import BaseScreen
from pages.inspection import ScreenRecord, record_screen
from pages.inspection_files import html_page, markdown, private_folder, write_private
from pages.navigation import Navigation


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "unknown"


class Capture:
    """The screens of one journey, written as they come."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = private_folder(folder)
        self.screens: list[tuple[str, str, ScreenRecord]] = []  # (file stem, title, record)

    @contextmanager
    def recording(self, page: Page) -> Iterator[Capture]:
        """Record every screen recognised on ``page`` inside this block, then the index."""
        watchers = Navigation.of(page).watchers
        watchers.append(self.observe)
        try:
            yield self
        finally:
            watchers.remove(self.observe)
            with suppress(OSError):  # the screens are written; the index is a convenience
                self.finish()

    def observe(self, page: Page, screen: object) -> None:
        """Record the screen on display (``screen``: its page object, None when unknown)."""
        with suppress(PlaywrightError, OSError):
            self._record(page, screen if isinstance(screen, BaseScreen) else None)

    def _record(self, page: Page, screen: BaseScreen | None) -> None:
        shot = record_screen(page, screen)
        number = len(self.screens) + 1
        stem = f"{number:02d}-{_slug(shot.screen or 'unknown page')}"
        title = f"Screen {number}: {shot.screen or 'a page the journey does not know'}"
        write_private(self.folder / f"{stem}.png", shot.png)
        write_private(self.folder / f"{stem}.md", markdown(shot, title, f"{stem}.png"))
        self.screens.append((stem, title, shot))

    def finish(self) -> Path:
        """Write ``capture.md`` (the list) and ``capture.html`` (every screen, inline)."""
        lines = ["# Capture of a journey", ""]
        for number, (stem, title, _) in enumerate(self.screens, 1):
            lines.append(f"{number}. [{title}]({stem}.md)")
        if not self.screens:
            lines.append("No screen was recorded (the portal could not be opened).")
        page = html_page([(title, shot) for _, title, shot in self.screens], "Capture of a journey")
        write_private(self.folder / "capture.html", page)
        return write_private(self.folder / "capture.md", "\n".join(lines) + "\n")
