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
from sandbox.config import ConfigError
from sandbox.keycloak.servers import bind_keycloak
from sandbox.server import SandboxServer


@dataclass(frozen=True)
class RunningSandbox:
    """What ``running_sandbox`` yields; ``cert_file`` is set in HTTPS mode only."""

    url: str
    admin_token: str
    admin: AdminClient
    app: Flask
    cert_file: Path | None = None
    # flavour "keycloak": the identity server's base URL (``url`` is the application's);
    # ``admin`` and ``app`` are the identity server's, where the accounts live.
    idp_url: str | None = None

    def __repr__(self) -> str:
        return f"RunningSandbox(url={self.url!r})"


FLAVOURS = ("eespresso", "keycloak")


@contextmanager
def running_sandbox(
    config: Mapping[str, Any] | None = None,
    *,
    tls_days: int | None = None,
    flavour: str = "eespresso",
) -> Iterator[RunningSandbox]:
    """Start ``create_app(config)`` on 127.0.0.1, port 0; HTTPS when ``tls_days`` is given.

    ``flavour="keycloak"``: eEspresso behind Keycloak, two servers on two ports (two
    origins), ``sandbox.keycloak``; ``config`` may add its keys (THEME, LOCALE, ...).
    """
    if flavour not in FLAVOURS:
        raise ConfigError(f"flavour must be one of {', '.join(FLAVOURS)}, not {flavour!r}")
    if flavour == "keycloak":
        with running_keycloak(config, tls_days=tls_days) as running:
            yield running
        return
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


@contextmanager
def running_keycloak(
    config: Mapping[str, Any] | None = None, *, tls_days: int | None = None
) -> Iterator[RunningSandbox]:
    """Both servers of the Keycloak variant, each on its own port (``bind_keycloak``)."""
    app_server, idp_server = bind_keycloak(config, tls_days=tls_days)
    idp_server.start()
    try:
        app_server.start()
        try:
            idp = idp_server.app
            token = idp.config["ADMIN_TOKEN"]
            yield RunningSandbox(
                url=app_server.url,
                admin_token=token,
                admin=AdminClient(idp_server.url, token, cafile=idp_server.cert_file),
                app=idp,
                cert_file=idp_server.cert_file,
                idp_url=idp_server.url,
            )
        finally:
            app_server.stop()
    finally:
        idp_server.stop()
