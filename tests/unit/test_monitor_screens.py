"""When a passing probe takes its monitor's screens again: none kept yet, or kept too long ago."""

from __future__ import annotations

import os
from pathlib import Path

from monitors.screens import REFRESH_S, ScreenStore
from pages.result import JourneyResult

PNG = b"\x89PNG\r\n\x1a\n"


def test_screens_are_due_when_missing_then_once_they_are_old(tmp_path: Path) -> None:
    store = ScreenStore(tmp_path / "history.screens")
    assert store.due("home", now=1_000.0)  # nothing kept yet
    result = JourneyResult(journey="later_login", target="https://portal.example", cip="CIP1")
    result.steps, result.screens, result.ok = {"open": 1.0, "login": 2.0}, {"open": PNG}, True
    store.keep("home", result)
    kept_at = (tmp_path / "history.screens" / "home").stat().st_mtime
    assert not store.due("home", now=kept_at + REFRESH_S - 1)
    assert store.due("home", now=kept_at + REFRESH_S)
    assert store.due("other", now=kept_at)  # each monitor its own
    os.utime(tmp_path / "history.screens" / "home", (0, 0))  # kept long ago
    assert store.due("home", now=kept_at)
