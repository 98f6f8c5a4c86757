"""An exclusive lock between processes and threads: ``flock(2)`` on a lock file.

Each hold opens the file anew, so two threads of one process exclude each other as two
processes do; the kernel drops a lock whose holder died, so a crash leaves nothing to clean.
A hold is not reentrant: nothing here takes a lock it already holds.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

#: The longest pause between two tries: a holder keeps a lock for milliseconds.
MAX_POLL_S = 0.05


class LockTimeout(TimeoutError):
    """Another holder kept the lock for the whole wait."""


@contextlib.contextmanager
def held(path: Path, timeout_s: float, mode: int = 0o600) -> Iterator[None]:
    """Hold the lock of ``path`` (created with ``mode``); ``LockTimeout`` after ``timeout_s``."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, mode)
    try:
        deadline, pause = time.monotonic() + timeout_s, 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{path} stayed locked for {timeout_s:g} s") from None
                time.sleep(pause)
                pause = min(2 * pause, MAX_POLL_S)
        yield
    finally:
        os.close(fd)  # and with it the lock
