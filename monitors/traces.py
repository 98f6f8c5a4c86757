"""Where probes keep their scrubbed Playwright traces, and how long.

A failed probe is read fastest by replaying it (``playwright show-trace FILE``): each monitor
traces its journey (``trace`` = off | on | retain-on-failure, ``reports.tracing``), and the
trace kept lands here, beside the screens store and with its privacy (folders 0700, files
0600): a trace is scrubbed of the password and codes, but it still shows the portal's pages.
One file per probe, ``<monitor>/<UTC time>.zip``. ``prune`` bounds the folder by age
(``keep_traces``) and by total size (``traces_max_mb``), the oldest first, after every kept
trace, so a failing monitor probing every minute cannot fill the disk.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from monitors.config import TracePolicy
from monitors.screens import safe_name
from pages.inspection_files import private_folder

MB = 1024 * 1024


class TraceStore:
    def __init__(self, folder: Path, policy: TracePolicy | None = None) -> None:
        self.folder, self.policy = folder, policy or TracePolicy()

    def path_for(self, monitor_id: str, started_at: float) -> Path:
        """A new trace's path (its folder made private now: the tracer writes into it)."""
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(started_at))
        millis = int(started_at * 1000) % 1000
        folder = self.folder / safe_name(monitor_id)
        for each in (self.folder, folder):  # also when one was created looser earlier
            private_folder(each)
        return folder / f"{stamp}.{millis:03d}Z.zip"

    def traces(self) -> list[Path]:
        """Every kept trace, oldest first (by modification time, then name)."""
        if not self.folder.is_dir():
            return []
        found = [p for p in self.folder.glob("*/*.zip") if p.is_file()]
        return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))

    def prune(self, now: float | None = None) -> list[Path]:
        """Delete traces older than ``keep_s``, then the oldest until the rest fit in
        ``max_mb``; return what was deleted."""
        now = time.time() if now is None else now
        kept, removed = [], []
        for path in self.traces():
            (removed if now - path.stat().st_mtime > self.policy.keep_s else kept).append(path)
        sizes = {path: path.stat().st_size for path in kept}
        total, limit = sum(sizes.values()), self.policy.max_mb * MB
        for path in kept:
            if total <= limit:
                break
            total -= sizes[path]
            removed.append(path)
        for path in removed:
            with contextlib.suppress(FileNotFoundError):  # another process pruned it first
                path.unlink()
        return removed
