"""The runner's web server under load: probe durations and runner memory, quiet and loaded.

A real ``python -m monitors run`` (4 monitors, one enrolled sandbox account each, every 30 s,
``[metrics]`` on a loopback port) against a sandbox process. Three phases of ``--phase``
seconds each, in order, all with a scrape of ``/metrics`` every 15 s and ``/status`` every
60 s (a person with the page open), as a runner in service sees:

- quiet: nothing more;
- clients: ``--clients`` threads each GET ``/status`` then pause 0.5 s, in a loop;
- half-open: ``--half-open`` connections that send a request line and one header, never the
  empty line that ends the header block, re-opened as the server drops them.

Per phase: the probes that ended in it (median and max duration, from the runner's progress
lines), the runner process's RSS (max and at the end, /proc/PID/status), its threads and
open files at the end, and the requests answered. ``--root DIR`` runs the runner from
another checkout (e.g. ``git archive REV | tar -x -C DIR``) to compare with older code. Every
loop is bounded by the phase's time and a count; everything is on 127.0.0.1.

    .venv/bin/python bench/bench_web.py [--phase 90] [--clients 100] [--half-open 500]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from authenticator import Vault
from bench.support.accounts import seed_enrolled
from bench.support.monitoring import free_port, write_config
from bench.support.processes import sandbox_process, stop
from pages.account import Account

PASSWORD, PASSWORD_ENV = "Bench-Web-Horse-1", "EESPRESSO_BENCH_PASSWORD"
MONITORS = 4
MAX_REQUESTS = 100_000  # per phase, whatever its length
_PROBE = re.compile(r"^\d\d:\d\d:\d\d  (m\d+)\s+(OK|DEGRADED|FAILED)\s+(\d+) ms")


def proc_status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Runner:
    """The runner process; its progress lines are collected with the time they came."""

    def __init__(self, code: Path, config: Path, env: dict[str, str]) -> None:
        argv = [sys.executable, "-m", "monitors", "run", "--config", str(config)]
        self.process = subprocess.Popen(
            argv, cwd=code, env={**os.environ, **env}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.lines: list[tuple[float, str]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def probes(self, start: float, end: float) -> list[float]:
        return [float(match.group(3)) for at, line in list(self.lines)
                if start <= at < end and (match := _PROBE.match(line))]  # fmt: skip

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.probes(0, float("inf"))) < count and time.monotonic() < deadline:
            if self.process.poll() is not None:
                last = " | ".join(line for _, line in self.lines[-5:])
                raise SystemExit(f"the runner stopped: {last}")
            time.sleep(0.5)


def clients(port: int, count: int, stop_at: float, answered: list[int]) -> None:
    def client() -> None:
        for _ in range(MAX_REQUESTS // count):
            if time.monotonic() >= stop_at:
                return
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=30) as r:
                    r.read()
                answered[0] += 1
            except OSError:
                answered[1] += 1
            time.sleep(0.5)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, stop_at - time.monotonic()) + 60)


def half_open(port: int, count: int, stop_at: float, answered: list[int]) -> None:
    """Keep ``count`` half-sent requests open until ``stop_at``."""
    held: list[socket.socket] = []
    opened = 0
    while time.monotonic() < stop_at and opened < 50 * count:
        for sock in list(held):  # drop those the server closed
            try:
                sock.setblocking(False)
                if sock.recv(1) == b"":
                    held.remove(sock)
                    sock.close()
                    answered[0] += 1
            except BlockingIOError:
                pass
            except OSError:
                held.remove(sock)
                sock.close()
        while len(held) < count and time.monotonic() < stop_at:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                sock.sendall(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            except OSError:
                answered[1] += 1
                break
            held.append(sock)
            opened += 1
        time.sleep(0.5)
    for sock in held:
        sock.close()


def ops(port: int, stop_at: float) -> None:
    """What a runner serves anyway: a Prometheus scrape every 15 s, a person with the status
    page open (it reloads itself every 60 s)."""
    for tick in range(100_000):
        if time.monotonic() >= stop_at:
            return
        paths = ["/metrics"] + (["/status"] if tick % 4 == 0 else [])
        for path in paths:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60).read()
        time.sleep(max(0.0, min(15.0, stop_at - time.monotonic())))


def phase(name: str, runner: Runner, seconds: float, load=None) -> dict:
    start = time.monotonic()
    stop_at = start + seconds
    counts = [0, 0]  # answered (or dropped by the server), failed on our side
    worker = None
    if load is not None:
        worker = threading.Thread(target=load, args=(stop_at, counts), daemon=True)
        worker.start()
    rss = []
    while time.monotonic() < stop_at:
        rss.append(proc_status(runner.process.pid, "VmRSS"))
        time.sleep(1)
    if worker is not None:
        worker.join(timeout=120)
    pid = runner.process.pid
    durations = runner.probes(start, time.monotonic())
    return {
        "phase": name,
        "probes": len(durations),
        "median_ms": statistics.median(durations) if durations else float("nan"),
        "max_ms": max(durations) if durations else float("nan"),
        "rss_max_mb": max(rss) / 1024,
        "rss_end_mb": rss[-1] / 1024,
        "threads": len(os.listdir(f"/proc/{pid}/task")),
        "files": len(os.listdir(f"/proc/{pid}/fd")),
        "answered": counts[0],
        "failed": counts[1],
        "load": Path("/proc/loadavg").read_text().split()[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phase", type=float, default=90.0, help="seconds per phase")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--half-open", type=int, default=500)
    parser.add_argument("--root", type=Path, default=ROOT, help="the code the runner runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp, \
            sandbox_process(Path(tmp)) as sandbox:  # fmt: skip
        folder = Path(tmp)
        vault = Vault(folder / "vault")
        tables: dict[str, dict] = {"targets.sandbox": {"base_url": sandbox.url}}
        monitors = []
        for i in range(MONITORS):
            cip = f"WEB{secrets.token_hex(4).upper()}"
            created = sandbox.admin.create_account(cip, PASSWORD, enrolled=True)
            seed_enrolled(vault, Account(sandbox.url, cip, PASSWORD), created)
            tables[f"accounts.a{i}"] = {"cip": cip, "password_env": PASSWORD_ENV,
                                        "vault": "vault"}  # fmt: skip
            monitors.append({"id": f"m{i}", "target": "sandbox", "account": f"a{i}",
                             "every": "30s", "timeout": "60s", "up_every": "15s"})  # fmt: skip
        port = free_port()
        tables["metrics"] = {"port": port}
        config = write_config(folder / "monitors.toml", tables, monitors, history="h.sqlite")
        env = {PASSWORD_ENV: PASSWORD, "EESPRESSO_GUARD": str(folder / "guard.sqlite"),
               "TMPDIR": str(folder)}  # fmt: skip
        runner = Runner(args.root, config, env)
        try:
            runner.wait_for(MONITORS, timeout=300)  # every monitor probed once: warm
            background_until = time.monotonic() + 4 * args.phase + 30
            threading.Thread(target=ops, args=(port, background_until), daemon=True).start()
            results = [
                phase("quiet", runner, args.phase),
                phase(f"{args.clients} clients", runner, args.phase,
                      lambda stop_at, counts: clients(port, args.clients, stop_at, counts)),
                phase(f"{args.half_open} half-open", runner, args.phase,
                      lambda stop_at, counts: half_open(port, args.half_open, stop_at, counts)),
                phase("quiet again", runner, args.phase),
            ]  # fmt: skip
        finally:
            stop(runner.process)
    print(f"runner code: {args.root}; {args.phase:g} s per phase")
    print(
        "| phase | probes | median ms | max ms | RSS max MB | RSS end MB | threads | files "
        "| answered | failed | load average |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(f"| {r['phase']} | {r['probes']} | {r['median_ms']:.0f} | {r['max_ms']:.0f} "
              f"| {r['rss_max_mb']:.0f} | {r['rss_end_mb']:.0f} | {r['threads']} | {r['files']} "
              f"| {r['answered']} | {r['failed']} | {' '.join(r['load'])} |")  # fmt: skip


if __name__ == "__main__":
    main()
