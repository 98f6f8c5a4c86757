"""Throughput of the stand-in portal on loopback, and server time per full login.

The sandbox must never be the bottleneck of the suite (target: a full login under 20 ms of
server time). Measures, against a real waitress server started by ``running_sandbox``:

- requests/s of the login page (GET /) from one keep-alive client, then from several;
- full logins/s (GET /, POST /connexion, POST /verification, GET /accueil), one client;
  both against ``python -m sandbox serve`` in its own process, then against
  ``running_sandbox`` in the client's process (how the suite's tests use it);
- server time per full login: the sum of the WSGI time of its four requests, measured by a
  middleware inside the in-process server (so client and network time are excluded).

Every loop is bounded by a count AND a time budget. Usage:

    .venv/bin/python bench/bench_sandbox.py [--requests 2000] [--logins 300] [--clients 4]
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyotp

from sandbox import running_sandbox
from sandbox.client import AdminClient

PASSWORD = "Motdepasse-2024!"
TIME_BUDGET = 60.0  # seconds per phase, whatever the counts say
CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')


class Timing:
    """WSGI middleware: wall time of each request inside the server, body included."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.durations: list[tuple[str, float]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        started = time.perf_counter()
        body = b"".join(self.app(environ, start_response))
        with self.lock:
            self.durations.append((environ["PATH_INFO"], time.perf_counter() - started))
        return [body]

    def take(self) -> list[tuple[str, float]]:
        with self.lock:
            taken, self.durations = self.durations, []
        return taken


class Client:
    """One keep-alive HTTP connection that keeps the session cookie, like one browser tab."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        self.cookie = ""
        self.csrf = b""

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> int:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode({"csrf_token": self.csrf.decode(), **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        found = CSRF.search(data)
        if found:
            self.csrf = found.group(1)
        return response.status

    def close(self) -> None:
        self.conn.close()


def login_page_rate(url: str, requests: int, clients: int) -> float:
    """Requests/s of GET / from ``clients`` threads sharing ``requests`` requests."""
    per_client = max(1, requests // clients)
    deadline = time.monotonic() + TIME_BUDGET
    done = [0] * clients

    def run(index: int) -> None:
        client = Client(url)
        for _ in range(per_client):
            if time.monotonic() > deadline:
                break
            assert client.request("GET", "/") == 200
            done[index] += 1
        client.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def full_logins(url: str, secrets: dict[str, str]) -> tuple[int, float]:
    """Run one full login per account (each code step is accepted once per account)."""
    deadline = time.monotonic() + TIME_BUDGET
    count = 0
    started = time.perf_counter()
    for cip, secret in secrets.items():
        if time.monotonic() > deadline:
            break
        client = Client(url)
        client.request("GET", "/")
        assert client.request("POST", "/connexion", {"cip": cip, "password": PASSWORD}) == 302
        code = pyotp.TOTP(secret).now()
        assert client.request("POST", "/verification", {"code": code}) == 302
        assert client.request("GET", "/accueil") == 200
        client.close()
        count += 1
    return count, time.perf_counter() - started


def server_time_per_login(durations: list[tuple[str, float]]) -> list[float]:
    """Group the middleware's durations by login: each login starts with GET /."""
    logins: list[float] = []
    for path, seconds in durations:
        if path == "/":
            logins.append(0.0)
        if logins:
            logins[-1] += seconds
    return logins


@contextmanager
def own_process() -> Iterator[tuple[str, AdminClient]]:
    """``python -m sandbox serve --port 0`` in its own process: no GIL shared with the client."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "serve", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        url = process.stdout.readline().split()[-1].rstrip("/")
        token = process.stdout.readline().split()[-1]
        yield url, AdminClient(url, token)
    finally:
        process.terminate()
        process.wait(timeout=10)


def enrolled_accounts(admin: AdminClient, count: int) -> dict[str, str]:
    cips = [f"bench{i:05d}" for i in range(count)]
    return {cip: admin.create_account(cip, PASSWORD, enrolled=True)["secret"] for cip in cips}


def rates(
    url: str, admin: AdminClient, args: argparse.Namespace, timing: Timing | None = None
) -> dict[str, float]:
    """Requests/s of the login page and logins/s; with ``timing``, server times too."""
    login_page_rate(url, 100, 1)  # warm-up: templates compiled, threads up
    figures = {
        "one": login_page_rate(url, args.requests, 1),
        "many": login_page_rate(url, args.requests, args.clients),
    }
    secrets = enrolled_accounts(admin, args.logins)
    page_times = [seconds for path, seconds in timing.take() if path == "/"] if timing else []
    count, elapsed = full_logins(url, secrets)
    figures["logins"] = count / elapsed
    if timing:
        per_login = sorted(server_time_per_login(timing.take()))
        figures["page_ms"] = statistics.median(page_times) * 1000
        figures["login_ms"] = statistics.median(per_login) * 1000
        figures["login_p95_ms"] = per_login[int(0.95 * (len(per_login) - 1))] * 1000
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="login-page requests")
    parser.add_argument("--logins", type=int, default=300, help="full logins (one per account)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent login-page clients")
    args = parser.parse_args()
    with own_process() as (url, admin):
        separate = rates(url, admin, args)
    with running_sandbox() as sandbox:
        timing = Timing(sandbox.app.wsgi_app)
        sandbox.app.wsgi_app = timing  # type: ignore[method-assign]
        shared = rates(sandbox.url, sandbox.admin, args, timing)
    for name, figures in (("its own process", separate), ("the client's process", shared)):
        print(f"server in {name}:")
        print(f"  login page, 1 client:      {figures['one']:8.0f} requests/s")
        print(f"  login page, {args.clients} clients:     {figures['many']:8.0f} requests/s")
        print(f"  full login, 1 client:      {figures['logins']:8.0f} logins/s")
    print(f"login page server time:      {shared['page_ms']:8.2f} ms median")
    print(f"server time per full login:  {shared['login_ms']:8.2f} ms median")
    print(f"                             {shared['login_p95_ms']:8.2f} ms p95 (target < 20 ms)")


if __name__ == "__main__":
    main()
