"""E2E figures: suite wall time (-n 1, -n 2) and one later login, cold vs warm browser.

Usage (from the repository root):

    .venv/bin/python bench/bench_e2e.py                     # everything, 10 login samples
    .venv/bin/python bench/bench_e2e.py --samples 20 --no-suite
    .venv/bin/python bench/bench_e2e.py --suite-paths tests/e2e

Cold: launch Chromium, open a context, run ``later_login``, close: what a one-shot CLI or cron
probe pays. Warm: one browser for every sample, a fresh context per login: what the monitor
runner pays. Each sample uses its own account the sandbox enrolled beforehand, so no sample
waits for a fresh TOTP step. Every loop is bounded by ``--samples`` (at most 100).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere: bench.support

from authenticator import Vault
from bench.support.accounts import new_cip, new_password, seed_enrolled
from pages import browser as chromium
from pages.account import Account
from pages.journeys import run_journey
from sandbox import running_sandbox

#: The journey suite (the monitors' and reports' browser tests live beside it).
JOURNEY_SUITE = [
    "tests/e2e/test_first_access.py",
    "tests/e2e/test_first_access_no_leak.py",
    "tests/e2e/test_later_login.py",
    "tests/e2e/test_later_login_real_target.py",
    "tests/e2e/test_negative.py",
    "tests/e2e/test_negative_faults.py",
    "tests/e2e/test_variants.py",
    "tests/e2e/test_variants_other_portal.py",
    "tests/e2e/test_journey_cli.py",
]


def suite_wall_time(paths: list[str], workers: int) -> tuple[float, str]:
    """Seconds for one pytest run of ``paths`` with ``-n workers``, and its summary line."""
    started = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *paths,
            "-n",
            str(workers),
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.perf_counter() - started
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    return seconds, (lines[-1] if lines else f"exit {run.returncode}")


def _accounts(portal, vault: Vault, count: int) -> list[Account]:
    made = []
    for _ in range(count):
        account = Account(portal.url, new_cip("BENCH"), new_password())
        created = portal.admin.create_account(account.cip, account.password, enrolled=True)
        seed_enrolled(vault, account, created)
        made.append(account)
    return made


def _login(browser: Browser, account: Account, vault: Vault) -> float:
    context = chromium.new_context(browser)
    try:
        result = run_journey("later_login", context.new_page(), account, vault)
    finally:
        context.close()
    if not result.ok:
        raise SystemExit(f"a benchmark login failed: {result.cause}: {result.error}")
    return result.duration_ms


def login_times(samples: int) -> dict[str, list[float]]:
    """Wall milliseconds of ``samples`` cold and ``samples`` warm later logins."""
    samples = max(1, min(samples, 100))
    cold, warm, journey = [], [], []
    with running_sandbox() as portal, tempfile.TemporaryDirectory() as folder:
        vault = Vault(Path(folder) / "vault")
        accounts = _accounts(portal, vault, 2 * samples + 1)  # the last one warms up
        with sync_playwright() as playwright:
            for account in accounts[:samples]:
                started = time.perf_counter()
                browser = chromium.launch(playwright)
                try:
                    _login(browser, account, vault)
                finally:
                    browser.close()
                cold.append((time.perf_counter() - started) * 1000)
            browser = chromium.launch(playwright)
            try:
                _login(browser, accounts[-1], vault)  # warm-up, not counted
                for account in accounts[samples : 2 * samples]:
                    started = time.perf_counter()
                    journey.append(_login(browser, account, vault))
                    warm.append((time.perf_counter() - started) * 1000)
            finally:
                browser.close()
    return {"cold_ms": cold, "warm_ms": warm, "warm_journey_ms": journey}


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 0) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10, help="logins per mode (max 100)")
    parser.add_argument("--no-suite", action="store_true", help="skip the suite wall times")
    parser.add_argument("--no-logins", action="store_true", help="skip the login samples")
    parser.add_argument("--suite-paths", nargs="+", default=JOURNEY_SUITE)
    args = parser.parse_args(argv)
    report: dict[str, object] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    if not args.no_suite:
        for workers in (1, 2):
            seconds, summary = suite_wall_time(args.suite_paths, workers)
            report[f"suite_n{workers}_s"] = round(seconds, 1)
            report[f"suite_n{workers}_summary"] = summary
    if not args.no_logins:
        times = login_times(args.samples)
        report |= {
            "login_cold_median_ms": _median(times["cold_ms"]),
            "login_warm_median_ms": _median(times["warm_ms"]),
            "login_warm_journey_median_ms": _median(times["warm_journey_ms"]),
            "login_samples": len(times["cold_ms"]),
        }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
