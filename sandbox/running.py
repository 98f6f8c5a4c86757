"""``running_sandbox``: a real sandbox on a loopback port for the duration of a ``with``.

The demo, the benchmarks and the tests start the stand-in portal this way: waitress in a
thread, port 0, ready when the context is entered (the socket is bound before the thread
starts), stopped and its port released on exit, any number of times in one process.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from sandbox.app import create_app
from sandbox.client import AdminClient
from sandbox.server import SandboxServer


@dataclass(frozen=True)
class RunningSandbox:
    """What ``running_sandbox`` yields; ``cert_file`` is set in HTTPS mode only."""

    url: str
    admin_token: str
    admin: AdminClient
    app: Flask
    cert_file: Path | None = None

    def __repr__(self) -> str:
        return f"RunningSandbox(url={self.url!r})"


@contextmanager
def running_sandbox(
    config: Mapping[str, Any] | None = None, *, tls_days: int | None = None
) -> Iterator[RunningSandbox]:
    """Start ``create_app(config)`` on 127.0.0.1, port 0; HTTPS when ``tls_days`` is given."""
    app = create_app(config)
    server = SandboxServer(app, "127.0.0.1", 0, tls_days=tls_days).start()
    try:
        token = app.config["ADMIN_TOKEN"]
        yield RunningSandbox(
            url=server.url,
            admin_token=token,
            admin=AdminClient(server.url, token, cafile=server.cert_file),
            app=app,
            cert_file=server.cert_file,
        )
    finally:
        server.stop()
