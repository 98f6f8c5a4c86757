"""The runner's HTTP endpoint on a real socket: ``/status`` for people beside ``/metrics``, and a
server that no client can starve (cached page, bounded workers, request deadline, methods and
paths it refuses, the standard library's size limits, nothing secret served).
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from monitors import web
from monitors.config_file import load
from monitors.metrics import ProbeMetrics
from monitors.status import summarise
from monitors.status_page import render_page
from monitors.web import REFRESH_S, CachedPage
from tests.fixtures.monitor_history import seeded_config

CLIENT_TIMEOUT_S = 60  # a bound on a broken server, not a measure of speed


def get(port: int, path: str) -> tuple[int, str, str]:
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=CLIENT_TIMEOUT_S) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def ask(port: int, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT_S)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def raw(port: int, data: bytes) -> bytes:
    """Send ``data`` as is and read until the server closes: its whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT_S) as client:
        client.sendall(data)
        return b"".join(iter(lambda: client.recv(65536), b""))


class Counted:
    """A status page that counts its renders."""

    def __init__(self, text: str = "<p>page</p>") -> None:
        self.text, self.renders = text, 0
        self.lock = threading.Lock()

    def __call__(self) -> str:
        with self.lock:
            self.renders += 1
        return self.text


@pytest.fixture(autouse=True)
def _fast_accept(monkeypatch):
    """The accept rate is the subject of one test; the others would only wait for it."""
    monkeypatch.setattr(web, "MAX_RATE", 1000.0)


@pytest.fixture
def served():
    page = Counted()
    return page, ProbeMetrics().serve(0, status_page=page)


def test_status_and_metrics_share_the_port(tmp_path):
    config = load(seeded_config(tmp_path, "fr"))
    metrics = ProbeMetrics()
    metrics.seed("login-a", config.monitors[0].target.base_url, None, paused=True)
    page = CachedPage(lambda: render_page(summarise(config), refresh_s=REFRESH_S))
    port = metrics.serve(0, status_page=page)
    code, kind, html = get(port, "/status")
    assert (code, kind) == (200, "text/html; charset=utf-8")
    assert f"<meta http-equiv='refresh' content='{REFRESH_S}'>" in html
    assert "État des sondes eEspresso" in html
    assert f"Cette page se recharge toutes les {REFRESH_S} s." in html
    assert get(port, "/status/") == (200, kind, html) and page.renders == 1  # from memory
    code, kind, text = get(port, "/metrics")
    assert code == 200 and kind.startswith("text/plain") and "# HELP" in text
    assert 'monitor="login-a"' in text


def test_the_page_is_rendered_once_for_many_clients_and_again_when_a_probe_settles():
    now = [0.0]
    counted = Counted()
    page = CachedPage(counted, max_age=60.0, min_age=10.0, clock=lambda: now[0])
    port = ProbeMetrics().serve(0, status_page=page)
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: get(port, "/status")[0], range(100)))
    assert answers == [200] * 100 and counted.renders == 1
    page.changed()  # a probe settled, but the page is younger than min_age
    assert get(port, "/status")[0] == 200 and counted.renders == 1
    now[0] = 10.0
    assert get(port, "/status")[0] == 200 and get(port, "/status")[0] == 200
    assert counted.renders == 2  # once for the settle, then from memory
    now[0] = 69.0
    assert get(port, "/status")[0] == 200 and counted.renders == 2
    now[0] = 70.0  # older than max_age, nothing settled
    assert get(port, "/status")[0] == 200 and counted.renders == 3


def test_a_broken_status_page_leaves_the_metrics_up(caplog):
    def broken() -> str:
        raise OSError("disk I/O error")

    port = ProbeMetrics().serve(0, status_page=broken)
    code, kind, text = get(port, "/status")
    assert (code, text) == (503, "status page unavailable: see the runner's log")
    assert get(port, "/status")[0] == 503
    assert caplog.text.count("status page failed") == 1  # kept like a page: one render, one log
    assert get(port, "/metrics")[0] == 200


def test_head_answers_the_headers_of_get_without_a_body(served):
    _, port = served
    for path in ("/status", "/metrics"):
        code, headers, body = ask(port, "GET", path)
        head_code, head_headers, head_body = ask(port, "HEAD", path)
        assert (head_code, head_body) == (code, b"") and body
        assert head_headers["Content-Type"] == headers["Content-Type"]
        assert head_headers["Content-Length"] == headers["Content-Length"] == str(len(body))


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
@pytest.mark.parametrize("path", ["/status", "/metrics", "/elsewhere"])
def test_other_methods_are_refused_with_allow(served, method, path):
    page, port = served
    code, headers, body = ask(port, method, path)
    assert (code, headers["Allow"]) == (405, "GET, HEAD")
    assert body == b"method not allowed: use GET or HEAD\n"  # the client's word not echoed
    assert page.renders == 0


@pytest.mark.parametrize(
    "path",
    ["/", "/favicon.ico", "/metrics/", "/status/x", "/../../etc/passwd",
     "/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd", "/status/../../etc/passwd"],
)  # fmt: skip
def test_unknown_paths_are_404(served, path):
    page, port = served
    code, _, text = get(port, path)
    assert (code, text) == (404, "not found: try /metrics or /status\n")
    assert page.renders == 0


def test_without_a_status_page_only_the_metrics_are_served():
    port = ProbeMetrics().serve(0)
    code, _, text = get(port, "/metrics")
    assert code == 200 and "# HELP" in text
    assert get(port, "/status") == (404, "text/plain; charset=utf-8", "not found: try /metrics\n")


def test_half_sent_requests_hold_no_thread_and_render_nothing_once_their_clients_left(served):
    page, port = served
    before = threading.active_count()
    clients = []
    for _ in range(60):
        client = socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT_S)
        client.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n")  # the empty line never comes
        clients.append(client)
    time.sleep(0.5)  # let the server accept what it will
    assert threading.active_count() <= before  # the workers were there already
    for client in clients:
        client.close()
    assert get(port, "/metrics")[0] == 200  # answered once the half-sent ones are gone
    assert page.renders == 0


def test_connections_are_accepted_at_a_bounded_rate(served, monkeypatch):
    """However many clients, the server takes at most MAX_RATE connections a second: its
    share of the runner's interpreter is capped (the others wait in the kernel's queue)."""
    _, port = served
    monkeypatch.setattr(web, "MAX_RATE", 20.0)
    started = time.monotonic()
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: get(port, "/metrics")[0], range(30)))
    assert answers == [200] * 30
    assert time.monotonic() - started >= 29 / 20  # a floor, which load can only raise


def test_a_slow_request_is_dropped_at_its_deadline(served, monkeypatch):
    page, port = served
    monkeypatch.setattr(web, "READ_S", 0.5)
    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT_S) as client:
        client.sendall(b"GET /status HTTP/1.1\r\n")
        assert client.recv(65536) == b""  # closed unanswered
    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT_S) as client:
        answer = b""
        for byte in b"GET /status HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000:
            try:
                client.sendall(bytes([byte]))  # a byte at a time: each read is quick
            except OSError:
                break
            time.sleep(0.01)
        else:
            answer = client.recv(65536)
        assert answer == b""  # whatever the pace, the whole request had READ_S
    assert page.renders == 0
    assert get(port, "/status")[0] == 200


def test_the_request_size_limits_hold(served):
    page, port = served
    assert raw(port, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.0 414")
    line = b"GET /status HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"
    assert raw(port, line).startswith(b"HTTP/1.0 431")
    many = b"GET /status HTTP/1.1\r\n" + b"".join(b"X-%d: a\r\n" % n for n in range(101))
    assert raw(port, many + b"\r\n").startswith(b"HTTP/1.0 431")
    assert page.renders == 0


def test_neither_page_shows_a_credential_and_the_default_bind_is_loopback(tmp_path, monkeypatch):
    password = "Status-Page-Pass-1"
    monkeypatch.setenv("EESPRESSO_STATUS_TEST_PASSWORD", password)
    config = load(seeded_config(tmp_path, "en"))
    metrics = ProbeMetrics()
    target = config.monitors[0].target.base_url
    metrics.seed("login-a", target, time.time(), paused=True)
    metrics.observe_upcheck("login-a", "https://probe:secret@127.0.0.1:9/?cip=PROBE0001", True,
                            0.1, 200)  # fmt: skip
    port = metrics.serve(0, status_page=lambda: render_page(summarise(config), refresh_s=60))
    status, metrics_text = get(port, "/status")[2], get(port, "/metrics")[2]
    for text in (status, metrics_text):
        assert "PROBE0001" not in text and password not in text and "secret" not in text
    assert "login-a" in status and "login-a" in metrics_text
    assert config.metrics.host == "127.0.0.1"  # no [metrics] host in the file: loopback
    assert _listening_host(port) == "127.0.0.1"


def _listening_host(port: int) -> str:
    """The local address of the listening socket on ``port`` (Linux /proc/net/tcp)."""
    with open("/proc/net/tcp") as table:
        for row in table.readlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # TCP_LISTEN
                return socket.inet_ntoa(bytes.fromhex(address)[::-1])
    raise AssertionError(f"nothing listens on port {port}")
