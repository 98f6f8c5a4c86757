"""Bind the Keycloak variant's two servers: the identity server, then the application.

The identity server's URL is a setting of the application, and the application's callback
must be a registered redirect URI of the realm's client, so the order matters; both the
tests (``running_sandbox(flavour="keycloak")``) and ``python -m sandbox serve --flavour
keycloak`` start them through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.keycloak.application import create_client_app, urllib_fetch
from sandbox.keycloak.idp import allow_redirect, create_idp_app
from sandbox.server import SandboxServer


def bind_keycloak(
    config: Mapping[str, Any] | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    idp_port: int = 0,
    tls_days: int | None = None,
) -> tuple[SandboxServer, SandboxServer]:
    """The application's server and the identity server's, bound, not yet serving.

    Two ports of one host are two origins (RFC 6454 §4), as eEspresso and its identity
    server would be. Raises ``ConfigError`` or ``OSError`` (a port in use) like the portal.
    """
    idp = create_idp_app(config)
    idp_server = SandboxServer(idp, host, idp_port, tls_days=tls_days)
    client = create_client_app(idp, idp_server.url, urllib_fetch(idp_server.cert_file))
    try:
        app_server = SandboxServer(client, host, port, tls_days=tls_days)
    except OSError:
        idp_server.start().stop()  # serving once closes the bound socket
        raise
    allow_redirect(idp, f"{app_server.url}/callback")
    return app_server, idp_server
