"""The long-lived runner's HTTP endpoint: ``/metrics`` for Prometheus, ``/status`` for people.

The server shares the runner's process with the probes, so no client may take more than a
small, fixed share of it:

- ``/status`` is served from memory (``CachedPage``): rendered when a reader comes after a
  probe settled or ``MAX_AGE_S`` passed, at most once per ``MIN_AGE_S``, never once per
  request; concurrent readers share one render. The page reloads itself every ``REFRESH_S``.
- A fixed pool of ``WORKERS`` threads serves the connections; at most ``BACKLOG`` accepted
  ones wait for a worker, and further clients wait in the kernel's listen queue (no thread,
  no file descriptor of the runner's). Connections are accepted at most ``MAX_RATE`` a
  second: even a page served from memory costs the runner's interpreter some time per
  request, taken from the probe's thread, so the server's share is capped, not its clients.
- A client has ``READ_S`` in all to send its request, and each write may take ``IO_TIMEOUT_S``:
  a slow or half-sent request is dropped, and a request whose header block never ended
  (RFC 9112 §2.1: an empty line ends it) is dropped without an answer, so a client that left
  costs no render.
- GET and HEAD only (HEAD: the headers of GET, no body, RFC 9110 §9.3.2); any other method is
  405 with ``Allow`` (RFC 9110 §15.5.6); paths other than ``/metrics`` and ``/status`` are 404.
- The standard library keeps its limits on the request line (414 past 64 KiB) and the header
  block (431 past 64 KiB a line or 100 lines).
"""

from __future__ import annotations

import io
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app

from monitors.one_thread import OneThread

log = logging.getLogger(__name__)
REFRESH_S = 60
MAX_AGE_S = 60.0  # a rendered status page is served from memory this long at most...
MIN_AGE_S = 10.0  # ...and this long at least, however many probes settle meanwhile
WORKERS = 4  # a scrape and a few people: more threads would only compete with the probes
BACKLOG = 16  # accepted connections waiting for a worker
MAX_RATE = 10.0  # connections accepted per second: a scrape every 15 s and a few people
LISTEN_QUEUE = 128  # then connections wait in the kernel (listen(2) backlog), unaccepted
READ_S = 5.0  # the whole time a client has to send its request line and headers
IO_TIMEOUT_S = 10.0  # each write of the answer
METRICS_PATH = "/metrics"
STATUS_PATHS = ("/status", "/status/")
ALLOWED = "GET, HEAD"
UNAVAILABLE = b"status page unavailable: see the runner's log"

App = Callable[[dict, Callable], Iterable[bytes]]


class CachedPage:
    """The status page, rendered again when asked for after ``changed()`` (a probe settled) or
    ``max_age`` seconds, but not within ``min_age`` seconds of the last render.

    Rendering reads the history and the guard and draws plots (tenths of a second, tens of
    MB): done per request, a few clients would slow the probes and grow the runner. One lock
    makes readers that arrive during a render wait for it and take its result, and every
    render runs on one thread (``OneThread``), whichever worker asked for it.
    """

    def __init__(
        self,
        render: Callable[[], str],
        max_age: float = MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
        min_age: float = MIN_AGE_S,
    ) -> None:
        self._render, self._clock = render, clock
        self._min_age, self._max_age = min(min_age, max_age), max_age
        self._renderer: OneThread | None = None  # every render on one thread (one arena)
        self._lock = threading.Lock()
        self._page: tuple[float, bool, bytes] | None = None  # rendered at, ok, body
        self._stale = False
        self.renders = 0

    def changed(self) -> None:
        """A probe settled: the next reader gets a fresh page (thread-safe, never blocks)."""
        self._stale = True

    def get(self) -> tuple[bool, bytes]:
        """(True, the page as UTF-8) or (False, why not): a failure is kept as long as a page."""
        with self._lock:
            page = self._page
            if page is not None:
                age = self._clock() - page[0]
                if age < self._min_age or (not self._stale and age < self._max_age):
                    return page[1], page[2]
            self._stale = False  # a probe settling during the render marks it stale again
            if self._renderer is None:
                self._renderer = OneThread("status-page")
            try:
                ok, body = True, self._renderer.submit(self._render).result().encode("utf-8")
            except Exception:  # a locked or broken history must not take /metrics down with it
                log.exception("status page failed")
                ok, body = False, UNAVAILABLE
            self._page = (self._clock(), ok, body)
            self.renders += 1
            return ok, body


def _plain(start_response: Callable, status: str, text: str, *headers: tuple[str, str]):
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body))), *headers])  # fmt: skip
    return [body]


def app(
    registry: CollectorRegistry, status_page: CachedPage | Callable[[], str] | None = None
) -> App:
    """``/metrics`` → the metrics of ``registry``; ``/status`` → ``status_page`` if given (a
    plain function is cached as ``CachedPage``); GET and HEAD only."""
    metrics = make_wsgi_app(registry)
    page = status_page if isinstance(status_page, CachedPage | None) else CachedPage(status_page)

    def route(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == METRICS_PATH:
            return metrics({**environ, "REQUEST_METHOD": "GET"}, start_response)
        if page is not None and path in STATUS_PATHS:
            ok, body = page.get()
            status, kind = ("200 OK", "text/html") if ok else ("503 Unavailable", "text/plain")
            start_response(status, [("Content-Type", f"{kind}; charset=utf-8"),
                                    ("Cache-Control", "no-store"),
                                    ("Content-Length", str(len(body)))])  # fmt: skip
            return [body]
        known = f"{METRICS_PATH} or {STATUS_PATHS[0]}" if page is not None else METRICS_PATH
        return _plain(start_response, "404 Not Found", f"not found: try {known}\n")

    def dispatch(environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD"):
            return _plain(start_response, "405 Method Not Allowed",
                          "method not allowed: use GET or HEAD\n", ("Allow", ALLOWED))  # fmt: skip
        answer: list = []  # status and headers, given to start_response once the body is known
        body = b"".join(route(environ, lambda *args: answer.extend(args[:2])))
        status, headers = answer
        if not any(name.lower() == "content-length" for name, _ in headers):
            headers.append(("Content-Length", str(len(body))))  # HEAD announces GET's length
        start_response(status, headers)
        return [] if method == "HEAD" else [body]

    return dispatch


class _DeadlineReader(socket.SocketIO):
    """The request's socket, read until one deadline for the whole request (a per-read
    timeout alone lets a client hold a worker by sending a byte at a time)."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__(sock, "rb")
        self._deadline = deadline

    def readinto(self, buffer) -> int | None:  # type: ignore[override]
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request was not received in time")
        self._sock.settimeout(left)
        return super().readinto(buffer)


class _LastLine:
    """Remembers the last line the header parser read: an empty line ends a complete header
    block, end of stream a client that left."""

    def __init__(self, stream) -> None:
        self.stream, self.last = stream, b""

    def readline(self, limit: int = -1) -> bytes:
        self.last = self.stream.readline(limit)
        return self.last


class _Handler(WSGIRequestHandler):
    timeout = IO_TIMEOUT_S  # socketserver applies it to the socket: each write of the answer

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # replaced by one that enforces the request's deadline
        self.rfile = io.BufferedReader(_DeadlineReader(self.connection, self.server.deadline))

    def parse_request(self) -> bool:
        stream, self.rfile = self.rfile, _LastLine(self.rfile)
        try:
            ok = super().parse_request()
        finally:
            tracker, self.rfile = self.rfile, stream
        if ok and tracker.last not in (b"\r\n", b"\n"):
            self.close_connection = True  # truncated: no answer, nothing rendered
            self.server.dropped += 1
            return False
        self.connection.settimeout(self.timeout)
        return ok

    def log_message(self, *args: object) -> None:
        """Scrapes every few seconds would flood the runner's log."""


class _PooledServer(WSGIServer):
    """``WORKERS`` threads take accepted connections from a queue of ``BACKLOG``; the
    connection's deadline runs from when it was accepted, so one that waited too long in the
    queue is dropped without a read."""

    request_queue_size = LISTEN_QUEUE

    def server_activate(self) -> None:
        super().server_activate()
        self._queue: queue.Queue = queue.Queue(BACKLOG)
        self._local = threading.local()
        self.dropped = 0  # connections closed without an answer: slow, truncated, reset
        self._next_accept = 0.0  # monotonic time the next connection may be accepted
        for number in range(WORKERS):
            name = f"metrics-http-{number}"
            threading.Thread(target=self._work, name=name, daemon=True).start()

    @property
    def deadline(self) -> float:
        """When the connection being served must have sent its whole request."""
        return self._local.deadline

    def process_request(self, request, client_address) -> None:
        """Queue the connection; when the queue is full, wait: further clients then wait in
        the kernel's listen queue, which holds no thread and no descriptor of ours. Then
        pause until the next connection may be accepted (``MAX_RATE``)."""
        self._queue.put((request, client_address, time.monotonic() + READ_S))
        self._next_accept = max(self._next_accept, time.monotonic()) + 1 / MAX_RATE
        time.sleep(max(0.0, self._next_accept - time.monotonic()))

    def _work(self) -> None:
        while True:
            request, client_address, self._local.deadline = self._queue.get()
            try:
                self.finish_request(request, client_address)
            except OSError:  # timed out, reset by the client: nothing to answer
                self.dropped += 1
            except Exception:
                log.exception("the metrics server failed to answer %s", client_address[0])
            finally:
                self.shutdown_request(request)


def serve(wsgi_app: App, host: str, port: int) -> int:
    """Serve ``wsgi_app`` in a daemon thread; return the bound port (0 picks a free one)."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    server_class = type("Server", (_PooledServer,), {"address_family": family})
    server = make_server(host, port, wsgi_app, server_class, handler_class=_Handler)
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    return server.server_address[1]
