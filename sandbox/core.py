"""The per-app sandbox object: configuration, state and the server clock.

Views reach it through ``current()``; keeping it in ``app.extensions`` lets many apps live in
one process (each test, each ``running_sandbox``) without shared globals.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from sandbox.store import Store


@dataclass
class Sandbox:
    config: dict[str, Any]
    store: Store
    # Set when the server stops, so an injected latency does not hold the shutdown.
    stopping: threading.Event = field(default_factory=threading.Event)

    def pause(self, seconds: float) -> None:
        """Wait ``seconds`` (a latency fault), or less if the server is stopping."""
        self.stopping.wait(seconds)

    def wall_clock(self) -> float:
        """The host's clock (configurable for tests), without the injected offset."""
        return float(self.config["CLOCK"]())

    def now(self) -> float:
        """The portal's clock: the host's plus the injected offset.

        TOTP validation, lockouts, enrollment expiry and the HTTP Date header all use it,
        so a probe estimating the clock offset from Date sees the same skew as the codes.
        """
        return self.wall_clock() + self.store.faults.clock_offset


def current() -> Sandbox:
    """The sandbox of the app handling the current request."""
    return current_app.extensions["sandbox"]
