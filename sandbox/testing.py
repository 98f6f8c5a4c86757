"""``running_sandbox``: a real sandbox on a loopback port for the duration of a ``with``.

Every area's tests use it (TEAM.md "Sandbox"): waitress in a thread, port 0, ready when the
context is entered (the socket is bound before the thread starts), stopped and its port
released on exit, any number of times in one process.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from sandbox.app import create_app
from sandbox.client import AdminClient
from sandbox.server import SandboxServer
from sandbox.sessions import COOKIE


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


class FakeClock:
    """A settable clock for ``create_app({"CLOCK": clock})``: move time without sleeping."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class PortalDriver:
    """Fills the portal's forms through Flask's test client, CSRF included (no browser).

    For unit tests of the sandbox and of code that only needs HTTP-level journeys; the
    browser journeys live in ``pages``.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()
        self._csrf: str | None = None

    def admin(self, method: str, path: str, json: Any = None) -> Any:
        """Call the admin API; returns the test response."""
        headers = {"Authorization": f"Bearer {self.app.config['ADMIN_TOKEN']}"}
        return self.client.open(f"/_sandbox{path}", method=method, json=json, headers=headers)

    def get(self, path: str) -> Any:
        response = self.client.get(path)
        self._remember_csrf(response)
        return response

    def post(self, path: str, data: dict[str, str]) -> Any:
        """POST a form with the current CSRF token (fetched from the login page if needed).

        A session ended by logout or lockout takes its token with it, as in a browser.
        """
        if self._csrf is None or self.client.get_cookie(COOKIE) is None:
            self.get("/")
        response = self.client.post(path, data={"csrf_token": self._csrf or "", **data})
        self._remember_csrf(response)
        return response

    def _remember_csrf(self, response: Any) -> None:
        found = _CSRF.search(response.get_data(as_text=True))
        if found:
            self._csrf = found.group(1)

    def login(self, cip: str, password: str) -> Any:
        return self.post("/connexion", {"cip": cip, "password": password})

    def pending_secret(self, cip: str) -> str:
        return self.admin("GET", f"/accounts/{cip}").get_json()["pending_secret"]
