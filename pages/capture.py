"""A record of every screen a journey passes: what the suite saw behind the password.

Inside ``capturing(folder)``, each screen the journey recognises (and the one it does not, when
it stops on an unknown page) is recorded as ``pages.inspection`` records the portal's first
screen for ``python -m monitors inspect``: ``NN-<screen>.md`` (elements found, accessibility
tree) and ``NN-<screen>.png`` (masked, elements boxed), then ``capture.md`` and
``capture.html`` list them all. The folder is the owner's only (0700, files 0600). Like the
monitors' screenshots (``pages.steps.capturing_screens``) it is a context switch, not a journey
argument: only the caller who asked for a capture pays for it, and the step timings of a
captured journey include the capture's time.

A capture never ends a journey: a screen that cannot be recorded (the page went away) is
left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

if TYPE_CHECKING:
    from pages.base import BaseScreen
    from pages.inspection import ScreenRecord

_CAPTURE: ContextVar[Capture | None] = ContextVar("capture", default=None)


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "unknown"


class Capture:
    """The screens of one journey, written as they come."""

    def __init__(self, folder: str | Path) -> None:
        from pages.inspection_files import private_folder

        self.folder = private_folder(folder)
        self.screens: list[tuple[str, str, ScreenRecord]] = []  # (file stem, title, record)

    def observe(self, page: Page, screen: BaseScreen | None) -> None:
        from pages.inspection import record_screen
        from pages.inspection_files import markdown, write_private

        shot = record_screen(page, screen)
        number = len(self.screens) + 1
        stem = f"{number:02d}-{_slug(shot.screen or 'unknown page')}"
        title = f"Screen {number}: {shot.screen or 'a page the journey does not know'}"
        write_private(self.folder / f"{stem}.png", shot.png)
        write_private(self.folder / f"{stem}.md", markdown(shot, title, f"{stem}.png"))
        self.screens.append((stem, title, shot))

    def finish(self) -> Path:
        """Write ``capture.md`` (the list) and ``capture.html`` (every screen, inline)."""
        from pages.inspection_files import html_page, write_private

        lines = ["# Capture of a journey", ""]
        for number, (stem, title, _) in enumerate(self.screens, 1):
            lines.append(f"{number}. [{title}]({stem}.md)")
        if not self.screens:
            lines.append("No screen was recorded (the portal could not be opened).")
        page = html_page([(title, shot) for _, title, shot in self.screens], "Capture of a journey")
        write_private(self.folder / "capture.html", page)
        return write_private(self.folder / "capture.md", "\n".join(lines) + "\n")


@contextmanager
def capturing(folder: str | Path) -> Iterator[Capture]:
    """Journeys started inside this block record every screen they pass in ``folder``."""
    capture = Capture(folder)
    token = _CAPTURE.set(capture)
    try:
        yield capture
    finally:
        _CAPTURE.reset(token)
        with suppress(OSError):  # the screens are written; the index is a convenience
            capture.finish()


def observe(page: Page, screen: BaseScreen | None) -> None:
    """Record the screen on display when a capture is on (``pages.base.identify`` calls it)."""
    capture = _CAPTURE.get()
    if capture is not None:
        with suppress(PlaywrightError, OSError):
            capture.observe(page, screen)
