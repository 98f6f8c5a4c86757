"""One daemon thread that runs submitted calls in order, for work that must stay on one thread.

Playwright's sync API belongs to the thread that started it (the runner's warm browser), and
the status page is best drawn on one thread too: glibc gives each thread that allocates
heavily an arena of its own, and a render's peak (matplotlib figures) kept in several arenas
grows the runner for good. A daemon, unlike the workers of ``ThreadPoolExecutor``, never holds
the process at exit: a journey asleep waiting for the next TOTP step must not delay a SIGTERM
shutdown by up to a time step.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


class OneThread:
    def __init__(self, name: str) -> None:
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._loop, name=name, daemon=True).start()

    def _loop(self) -> None:
        while True:
            work, future = self._queue.get()
            if work is None:
                return
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(work())
                except BaseException as exc:  # handed to the caller through the future
                    future.set_exception(exc)

    def submit(self, work: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._queue.put((work, future))
        return future

    def stop(self) -> None:
        self._queue.put((None, None))
