"""Monitor runner figures: warm vs cold probe, probes/minute, RSS over many probes.

The sandbox runs as its own process (``python -m sandbox serve``) so that its CPU and memory
are not counted as the runner's. Accounts are created enrolled through the admin API and
seeded into a temporary vault (what ``python -m monitors enroll`` does once per account).
Every loop is bounded by a count AND a time budget. Usage:

    .venv/bin/python bench/bench_monitors.py warm-cold [--probes 5]
    .venv/bin/python bench/bench_monitors.py throughput [--accounts 4] [--seconds 120]
    .venv/bin/python bench/bench_monitors.py memory [--probes 500] [--accounts 40] [--seconds 900]
    .venv/bin/python bench/bench_monitors.py screens [--probes 10]

A TOTP time step is usable once per account (RFC 6238 §5.2), so one account logs in at most
once per 30 s: with 4 accounts a runner cannot exceed 8 later logins per minute whatever its
speed. ``memory`` therefore spreads its probes over more accounts.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from authenticator import Vault
from bench.support.accounts import seed_enrolled
from bench.support.monitoring import every, write_config
from bench.support.processes import sandbox_process
from monitors.chromium import WarmBrowser
from monitors.config_file import load
from monitors.history import History
from monitors.journeys import Binder
from monitors.probe import Prober
from monitors.runner import Runner
from pages.account import Account
from sandbox.client import AdminClient

PASSWORD = "Bench-Horse-Batt1"
PASSWORD_ENV = "EESPRESSO_BENCH_PASSWORD"


def build(folder: Path, url: str, admin: AdminClient, accounts: int, every_s: float = 1.0):
    """A prober with ``accounts`` monitors, one per fresh enrolled account."""
    vault = Vault(folder / "vault")
    tables = {"targets.sandbox": {"base_url": url}}
    monitors = []
    for i in range(accounts):
        cip = f"BENCH{secrets.token_hex(4).upper()}"
        created = admin.create_account(cip, PASSWORD, enrolled=True)
        seed_enrolled(vault, Account(url, cip, PASSWORD), created)
        tables[f"accounts.a{i}"] = {"cip": cip, "password_env": PASSWORD_ENV, "vault": "vault"}
        monitors.append({"id": f"m{i:03d}", "target": "sandbox", "account": f"a{i}",
                         "every": "30s", "timeout": "90s"})  # fmt: skip
    config = load(write_config(folder / "monitors.toml", tables, monitors, history="h.sqlite"))
    config = every(config, every_s)  # each account has its own TOTP steps: no wait at 1 s
    return config, Prober(config, History(config.history), WarmBrowser(), Binder())


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def warm_cold(folder: Path, url: str, admin: AdminClient, probes: int) -> None:
    config, prober = build(folder, url, admin, accounts=2 * probes)
    monitors = list(config.monitors)
    cold, warm = [], []
    for monitor in monitors[:probes]:  # a new browser for each probe: launch + probe + close
        prober.browser = WarmBrowser()
        started = time.perf_counter()
        assert prober.probe(monitor).record.status == "ok"
        prober.browser.close()
        cold.append(time.perf_counter() - started)
    prober.browser = WarmBrowser()
    prober.probe(monitors[probes])  # launch once, not measured
    steps: dict[str, list[float]] = {}
    for monitor in monitors[probes + 1 :]:
        started = time.perf_counter()
        record = prober.probe(monitor).record
        assert record.status == "ok", record.error
        warm.append(time.perf_counter() - started)
        for step, ms in record.steps.items():
            steps.setdefault(step, []).append(ms)
    prober.browser.close()
    medians = ", ".join(f"{step} {statistics.median(v):.0f} ms" for step, v in steps.items())
    print(f"warm probe steps (median): {medians}")
    print(f"cold probe (launch + later login + close): median {statistics.median(cold):.2f} s "
          f"over {len(cold)}; warm probe: median {statistics.median(warm):.2f} s over "
          f"{len(warm)}")  # fmt: skip


def throughput(folder: Path, url: str, admin: AdminClient, accounts: int, seconds: float):
    config, prober = build(folder, url, admin, accounts)
    runner = Runner(config, prober, out=open(os.devnull, "w"))  # noqa: SIM115
    timer = _stop_after(runner, seconds)
    started = time.perf_counter()
    done = runner.run_forever(max_probes=10_000)
    elapsed = time.perf_counter() - started
    timer.cancel()
    records = prober.history.probes()
    ok = sum(r.status == "ok" for r in records)
    waits = [r.steps.get("code", 0) for r in records]
    prober.browser.close()
    print(f"{accounts} accounts, {elapsed:.0f} s: {done} probes ({ok} ok) = "
          f"{60 * done / elapsed:.1f} probes/min; median code step {statistics.median(waits):.0f}"
          " ms (portal time; the wait for an unused TOTP step is not counted)")  # fmt: skip


def _stop_after(runner: Runner, seconds: float):
    import threading

    timer = threading.Timer(seconds, runner.stop.set)
    timer.start()
    return timer


def memory(folder: Path, url: str, admin: AdminClient, probes: int, accounts: int, seconds):
    config, prober = build(folder, url, admin, accounts)
    runner = Runner(config, prober, out=open(os.devnull, "w"))  # noqa: SIM115
    deadline = time.monotonic() + seconds
    samples: list[tuple[int, int, int, int]] = []  # probes, runner KiB, chromium KiB, processes
    done = 0
    while done < probes and time.monotonic() < deadline:
        done += runner.run_forever(max_probes=min(25, probes - done))
        chromium = prober.browser.processes()
        samples.append((done, rss_kib([os.getpid()]), rss_kib(chromium), len(chromium)))
        print(
            f"  after {done} probes: runner {samples[-1][1] / 1024:.0f} MiB, Chromium "
            f"{samples[-1][2] / 1024:.0f} MiB in {samples[-1][3]} processes",
            flush=True,
        )
    prober.browser.close()
    left = prober.browser.processes()
    base = samples[1] if len(samples) > 1 else samples[0]  # after warm-up
    last = samples[-1]
    ok = sum(r.status == "ok" for r in prober.history.probes())
    print(f"{done} probes ({ok} ok) on {accounts} accounts; runner RSS "
          f"{_growth(base[1], last[1])}, Chromium {_growth(base[2], last[2])}, "
          f"{base[3]} → {last[3]} Chromium processes; left after close: {len(left)}")  # fmt: skip


def screens(folder: Path, url: str, admin: AdminClient, probes: int) -> None:
    """What the masked screenshot of every step costs a probe: the same later login in a fresh
    context of the warm browser, with and without ``screenshots``, interleaved so that a
    change of load hits both alike."""
    config, prober = build(folder, url, admin, accounts=2 * probes + 1)
    monitors = list(config.monitors)
    prober.probe(monitors[0])  # launch once, not measured
    walls: dict[bool, list[float]] = {True: [], False: []}
    journeys: dict[bool, list[float]] = {True: [], False: []}
    for index, monitor in enumerate(monitors[1:]):
        capture, journey = index % 2 == 0, prober.binder.bind(monitor)

        def work(journey=journey, capture=capture):
            context = prober.browser.new_context()
            try:
                started = time.perf_counter()
                result = journey(context.new_page(), screenshots=capture)
                return result, time.perf_counter() - started
            finally:
                context.close()

        result, wall = prober.browser.submit(work).result(timeout=120)
        assert result.ok and bool(result.screens) == capture, result.error
        walls[capture].append(wall * 1000)
        journeys[capture].append(result.duration_ms)
    prober.browser.close()
    for capture in (False, True):
        wall, journey = statistics.median(walls[capture]), statistics.median(journeys[capture])
        print(f"{'with' if capture else 'without'} screens: wall median {wall:.0f} ms, journey "
              f"(portal time) median {journey:.0f} ms over {len(walls[capture])}")  # fmt: skip


def _growth(before_kib: int, after_kib: int) -> str:
    change = 100 * (after_kib - before_kib) / before_kib
    return f"{before_kib / 1024:.0f} → {after_kib / 1024:.0f} MiB ({change:+.1f}%)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    wc = sub.add_parser("warm-cold")
    wc.add_argument("--probes", type=int, default=5)
    tp = sub.add_parser("throughput")
    tp.add_argument("--accounts", type=int, default=4)
    tp.add_argument("--seconds", type=float, default=120)
    mem = sub.add_parser("memory")
    mem.add_argument("--probes", type=int, default=500)
    mem.add_argument("--accounts", type=int, default=40)
    mem.add_argument("--seconds", type=float, default=900)
    shots = sub.add_parser("screens")
    shots.add_argument("--probes", type=int, default=10)
    args = parser.parse_args()
    os.environ[PASSWORD_ENV] = PASSWORD
    with tempfile.TemporaryDirectory() as tmp, sandbox_process(Path(tmp)) as portal:
        url, admin = portal.url, portal.admin
        folder = Path(tmp)
        if args.what == "warm-cold":
            warm_cold(folder, url, admin, args.probes)
        elif args.what == "throughput":
            throughput(folder, url, admin, args.accounts, args.seconds)
        elif args.what == "screens":
            screens(folder, url, admin, args.probes)
        else:
            memory(folder, url, admin, args.probes, args.accounts, args.seconds)


if __name__ == "__main__":
    main()
