"""The long-lived runner's HTTP endpoint: ``/metrics`` for Prometheus, ``/status`` for people.

One WSGI app on the metrics port: ``/status`` renders the status page from the history file at
each request (it reloads itself every ``REFRESH_S``), every other path is prometheus_client's
own exposition app, as ``start_http_server`` serves it. The server is the standard library's
WSGI server with one thread per request, the same one prometheus_client uses.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app

log = logging.getLogger(__name__)
REFRESH_S = 60
STATUS_PATHS = ("/status", "/status/")

App = Callable[[dict, Callable], Iterable[bytes]]


def app(registry: CollectorRegistry, status_page: Callable[[], str] | None = None) -> App:
    """``/status`` → ``status_page()`` if given; anything else → the metrics of ``registry``."""
    metrics = make_wsgi_app(registry)

    def dispatch(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if status_page is None or environ.get("PATH_INFO") not in STATUS_PATHS:
            return metrics(environ, start_response)
        try:
            page, status = status_page().encode("utf-8"), "200 OK"
            kind = "text/html; charset=utf-8"
        except Exception:  # a locked or broken history must not take /metrics down with it
            log.exception("status page failed")
            page, status = b"status page unavailable: see the runner's log", "503 Unavailable"
            kind = "text/plain; charset=utf-8"
        start_response(status, [("Content-Type", kind), ("Cache-Control", "no-store"),
                                 ("Content-Length", str(len(page)))])  # fmt: skip
        return [page]

    return dispatch


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        """Scrapes every few seconds would flood the runner's log."""


def serve(wsgi_app: App, host: str, port: int) -> int:
    """Serve ``wsgi_app`` in a daemon thread; return the bound port (0 picks a free one)."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    server_class = type("Server", (_Server,), {"address_family": family})
    server = make_server(host, port, wsgi_app, server_class, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    return server.server_address[1]
