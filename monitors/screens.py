"""The last successful screen of each step, kept per monitor to compare with a failure.

An alert is read faster with a picture of what went wrong next to what that step looks like
when it works (Datadog's browser tests show the same pair). The journey hands back one masked
PNG per step (``JourneyResult.screens``, QR, password and code fields painted over by
pages/masking.py); the store keeps the latest success of each step on disk, beside the
history file (folder 0700, files 0600, replaced atomically), and pairs a failing screen with
it. Only those masked images are ever written: never an unmasked page, never a typed value.

A screenshot per step costs a probe about as much CPU as half its login, so a passing probe
takes them only when its monitor's last successes are missing or older than ``REFRESH_S``
(``due``); every probe still takes the screen of a step that fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from monitors.alerts import Screen
from pages.inspection_files import private_folder
from pages.result import JourneyResult
from pages.step_titles import STEP_OF_TITLE, STEP_TITLES

_UNSAFE = re.compile(r"[^a-z0-9_.-]")
#: The age at which a monitor's last successful screens are taken again.
REFRESH_S = 600.0


def safe_name(text: str) -> str:
    """``text`` as a file name of the monitor's own folders (a monitor id, a step id)."""
    return _UNSAFE.sub("_", text)


def failed_step_id(result: JourneyResult) -> str | None:
    """The id of the step a failed result names (its ``failed_step`` is the step's title);
    a step the journey added (a page after login) has no fixed title, and a failure ends the
    journey's own steps, so it is the last added step timed (the logout may follow it)."""
    if result.ok or not result.failed_step:
        return None
    step = STEP_OF_TITLE.get(result.failed_step)
    added = (step for step in reversed(result.steps) if step not in STEP_TITLES)
    return step if step is not None else next(added, None)


class ScreenStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _monitor_folder(self, monitor_id: str) -> Path:
        return self.folder / safe_name(monitor_id)

    def _path(self, monitor_id: str, step: str) -> Path:
        return self._monitor_folder(monitor_id) / f"{safe_name(step)}.png"

    def due(self, monitor_id: str, now: float) -> bool:
        """Whether the monitor's next probe should screenshot every step: nothing kept yet,
        or the last kept over ``REFRESH_S`` ago (a kept screen replaces its file, which
        touches the monitor's folder)."""
        try:
            kept_at = self._monitor_folder(monitor_id).stat().st_mtime
        except FileNotFoundError:
            return True
        return now - kept_at >= REFRESH_S

    def last_success(self, monitor_id: str, step: str) -> bytes | None:
        with contextlib.suppress(FileNotFoundError):
            return self._path(monitor_id, step).read_bytes()
        return None

    def compare(self, monitor_id: str, result: JourneyResult | None) -> tuple[Screen, ...]:
        """The failing screen of ``result`` and the last success of the same step, if any."""
        step = failed_step_id(result) if result is not None else None
        if step is None or step not in result.screens:
            return ()
        failing = Screen(step, result.screens[step], failed=True)
        previous = self.last_success(monitor_id, step)
        return (failing,) if previous is None else (failing, Screen(step, previous, failed=False))

    def keep(self, monitor_id: str, result: JourneyResult) -> None:
        """Store the screens of the steps that passed in ``result`` as their last success."""
        failed = failed_step_id(result)
        for step, png in result.screens.items():
            if step != failed:
                self._write(self._path(monitor_id, step), png)

    def _write(self, path: Path, data: bytes) -> None:
        for folder in (self.folder, path.parent):  # also when one was created looser earlier
            private_folder(folder)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".screen-")  # mode 0600
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
