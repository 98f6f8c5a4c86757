"""Serve a sandbox app on a real socket: waitress for HTTP, werkzeug's threaded server for HTTPS.

Waitress has no TLS. Wrapping its listening socket with ``ssl`` breaks its non-blocking
channels (a handshake can want to read while waitress expects data), so HTTPS uses
werkzeug's threaded server instead, with the TLS handshake moved from the accept loop into
the per-connection thread and bounded by a timeout: a client that connects and never
speaks (a port scan, a certificate checker that hangs) cannot block other clients.

Both servers can be stopped from another thread in well under a second, which
``sandbox.running.running_sandbox`` relies on to be usable many times in one process.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask
from waitress import create_server, wasyncore
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from sandbox.tls import Certificate, make_certificate

THREADS = 8
HANDSHAKE_TIMEOUT = 10.0  # seconds a client gets to finish the TLS handshake
POLL = 0.05  # seconds between checks of the stop flag
DRAIN = 5.0  # seconds the requests in flight get to finish when the server stops


class _WaitressServer:
    """Waitress bound at construction (so port 0 is known at once), run by ``serve``."""

    def __init__(self, app: Flask, host: str, port: int) -> None:
        self._server: Any = create_server(
            app, host=host, port=port, threads=THREADS, ident="eEspresso-sandbox"
        )
        self.port = int(self._server.effective_port)
        self._stop = threading.Event()

    def serve(self) -> None:
        """Serve until ``stop``; finish the requests in flight, then close everything."""
        socket_map = self._server._map
        try:
            while not self._stop.is_set():
                wasyncore.loop(timeout=POLL, map=socket_map, count=1)
            self._drain(socket_map)
        finally:
            for channel in list(socket_map.values()):
                with contextlib.suppress(OSError):
                    channel.close()
            self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)

    def _drain(self, socket_map: dict[int, Any]) -> None:
        """Stop accepting, then keep flushing until no channel has a request or output left
        (bounded by DRAIN seconds), so a client in the middle of a request gets its answer."""
        self._server.accepting = False
        deadline = time.monotonic() + DRAIN
        while time.monotonic() < deadline and any(
            getattr(channel, "requests", None) or getattr(channel, "total_outbufs_len", 0)
            for channel in list(socket_map.values())
        ):
            wasyncore.loop(timeout=POLL, map=socket_map, count=1)

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._server.pull_trigger()  # wake the poll at once


class _QuietHandler(WSGIRequestHandler):
    """No access log; the Date header comes from the app (the portal's skewed clock)."""

    protocol_version = "HTTP/1.1"

    def send_response(self, code: int, message: str | None = None) -> None:
        self.send_response_only(code, message)
        self.send_header("Server", "eEspresso-sandbox")

    def log_request(self, *args: Any) -> None:
        pass

    def log_error(self, *args: Any) -> None:
        pass


class _TLSServer(ThreadedWSGIServer):
    """werkzeug's threaded server; TLS handshake in the connection's thread, with a timeout."""

    daemon_threads = True

    def __init__(self, app: Flask, host: str, port: int, context: ssl.SSLContext) -> None:
        super().__init__(host, port, app, handler=_QuietHandler)
        # Set after construction so the listening socket stays plain; werkzeug only reads
        # ssl_context to report wsgi.url_scheme = "https".
        self.ssl_context = context
        self._tls = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(HANDSHAKE_TIMEOUT)
        try:
            tls = self._tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # failed or abandoned handshake: nothing to answer
        try:
            super().finish_request(tls, client_address)
        finally:
            with contextlib.suppress(OSError):
                tls.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # dropped connections are normal for probes; the app logs its own errors


class _WerkzeugServer:
    def __init__(self, app: Flask, host: str, port: int, certificate: Certificate) -> None:
        self._server = _TLSServer(app, host, port, certificate.server_context())
        self._server.timeout = POLL
        self.port = int(self._server.server_port)
        self._stop = threading.Event()

    def serve(self) -> None:
        # Our own loop rather than serve_forever: shutdown() hangs if it races serve_forever's
        # start, and a stop flag checked every POLL seconds cannot.
        try:
            while not self._stop.is_set():
                self._server.handle_request()
        finally:
            self._server.server_close()

    def stop(self) -> None:
        self._stop.set()


class SandboxServer:
    """A bound server for ``app``; ``serve`` blocks, ``start``/``stop`` run it in a thread.

    With ``tls_days`` it serves HTTPS with a fresh self-signed certificate valid that many
    days; ``cert_file`` then names the PEM a client can trust.
    """

    def __init__(
        self, app: Flask, host: str = "127.0.0.1", port: int = 0, tls_days: int | None = None
    ) -> None:
        self.app = app
        self.host = host
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.certificate: Certificate | None = None
        if tls_days is None:
            self._impl: _WaitressServer | _WerkzeugServer = _WaitressServer(app, host, port)
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="eespresso-sandbox-")
            self.certificate = make_certificate(Path(self._tmp.name), tls_days, host)
            self._impl = _WerkzeugServer(app, host, port, self.certificate)
        self.port = self._impl.port
        self._thread: threading.Thread | None = None

    @property
    def scheme(self) -> str:
        return "http" if self.certificate is None else "https"

    @property
    def url(self) -> str:
        """Base URL without a trailing slash; IPv6 hosts in brackets."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        if host in ("0.0.0.0", "[::]"):
            host = socket.gethostname()
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def cert_file(self) -> Path | None:
        return self.certificate.cert_file if self.certificate else None

    def serve(self) -> None:
        """Serve in the calling thread until ``stop`` is called from another one."""
        try:
            self._impl.serve()
        finally:
            self._cleanup()

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self.serve, name="sandbox-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.app.extensions["sandbox"].stopping.set()  # cut injected latencies short
        self._impl.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
