"""Helpers for the monitors' tests and benchmarks: a local webhook receiver, free ports,
configs, refused attempts on the account guard.

The receiver is the far end of apprise's ``json://`` channel and of Alertmanager's webhook: a
real HTTP server on 127.0.0.1 that records every JSON body it is sent.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Receiver:
    """Bodies posted to it, in order; ``url`` is its base address."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.bodies: list[dict] = []
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.bodies)

    def wait_for(self, predicate: Callable[[list[dict]], bool], timeout: float) -> list[dict]:
        """Poll until ``predicate(bodies)`` holds; the bodies seen so far either way."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.snapshot()):
                break
            time.sleep(0.1)
        return self.snapshot()


@contextmanager
def receiver(port: int = 0) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"raw": raw.decode(errors="replace")}
            body["_path"] = self.path
            with box.lock:
                box.bodies.append(body)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    box = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def write_config(path, tables: dict[str, dict], monitors: list[dict], **top: object):
    """A monitors.toml from plain dicts: ``tables`` maps "targets.x" to its keys; nested
    dicts in a monitor become sub-tables (``thresholds``, ``thresholds.steps.code``)."""
    lines = [f"{key} = {toml_value(value)}" for key, value in top.items()]
    for name, keys in tables.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in keys.items()]

    def table(prefix: str, keys: dict) -> None:
        lines.extend(f"{k} = {toml_value(v)}" for k, v in keys.items() if not isinstance(v, dict))
        for key, sub in keys.items():
            if isinstance(sub, dict):
                lines.append(f"[{prefix}.{key}]")
                table(f"{prefix}.{key}", sub)

    for monitor in monitors:
        lines.append("[[monitors]]")
        table("monitors", monitor)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def simple_config(
    path,
    monitors: list[dict],
    *,
    base_url: str = "http://127.0.0.1:9",
    cip: str = "C1",
    password_env: str = "EESPRESSO_TEST_PASSWORD",
    **top: object,
):
    """A monitors.toml with one target ``t`` and one account ``a``, used by every monitor
    unless it names others: the common case of the tests."""  # fmt: skip
    tables = {
        "targets.t": {"base_url": base_url},
        "accounts.a": {"cip": cip, "password_env": password_env},
    }
    return write_config(path, tables, [{"target": "t", "account": "a", **m} for m in monitors],
                        **top)  # fmt: skip


def refuse(guard, identity: str, times: int = 1, cause: str = "credentials_rejected") -> list:
    """``times`` attempts whose password the portal did not prove, as a journey reports them;
    returns the attempts (``paused_now`` says which one paused the account)."""
    attempts = []
    for _ in range(times):
        with guard.attempt(identity) as attempt:
            attempt.submitting("password")
            attempt.unproven(cause)
        attempts.append(attempt)
    return attempts


def every(config, seconds: float):
    """``config`` with every monitor on a ``seconds`` interval, below the 30 s floor a file may
    set: for tests and benchmarks of the runner's own machinery, whose journeys need no code."""
    monitors = tuple(dataclasses.replace(m, every_s=seconds, cron=None) for m in config.monitors)
    return dataclasses.replace(config, monitors=monitors)
