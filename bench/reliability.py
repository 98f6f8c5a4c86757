"""Reliability figures: failed logins that reach the portal, alerts after a kill.

Each scenario runs the real CLI in its own processes, as ops would, against a sandbox process;
the figure is read from the sandbox's audit log (failed logins, lockout) or from a webhook on
127.0.0.1 (alerts). Every loop is bounded by a count and a time budget. Usage:

    .venv/bin/python bench/reliability.py lockout [--runs 6]
    .venv/bin/python bench/reliability.py guard-reset [--runs 4]
    .venv/bin/python bench/reliability.py outbox [--kills 5]
    .venv/bin/python bench/reliability.py scan

``lockout`` runs ``python -m monitors run --once`` ``--runs`` times per scenario with a wrong
password: plainly refused; refused after the probe's page timeout (cause ``slow``); one account
under four spellings of its URL, each in its own config and history. ``guard-reset`` runs it
twice with a wrong password, then deletes, empties or moves the account guard's store, then
``--runs`` more times. ``outbox`` kills the
runner (SIGKILL) while its alert is held by the webhook, restarts it with ``--once`` and
counts the alerts accepted, ``--kills`` times. ``scan`` records a Playwright trace (screenshots
and snapshots on) of a first access and a screenshot of an enrollment page, then times
``python -m reports scan-secrets`` on them.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from authenticator import Vault
from bench.support.accounts import seed_enrolled
from bench.support.guard_resets import RESETS
from bench.support.monitoring import free_port, holding_hook, write_config
from bench.support.processes import sandbox_process
from pages.account import Account

PASSWORD, WRONG = "Bench-Horse-Batt1", "Wrong-Horse-Batt9"
BUDGET_S = 600.0


def run_once(config: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "monitors", "run", "--config", str(config), "--once"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return (done.stdout.strip().splitlines() or [done.stderr.strip()])[-1]


def config_for(folder: Path, name: str, url: str, cip: str, timeout: str = "60s") -> Path:
    return write_config(
        folder / f"{name}.toml",
        {"targets.t": {"base_url": url},
         "accounts.a": {"cip": cip, "password_env": "BENCH_PASSWORD", "vault": "vault"}},
        [{"id": name.lower(), "target": "t", "account": "a", "every": "1m", "timeout": timeout}],
        history=f"{name}.sqlite",
    )  # fmt: skip


def lockout(runs: int) -> None:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        env = {**os.environ, "BENCH_PASSWORD": WRONG, "EESPRESSO_GUARD": str(folder / "g.sqlite")}
        with sandbox_process(folder) as sandbox:
            url, admin = sandbox.url, sandbox.admin
            port = url.rsplit(":", 1)[1]
            spellings = [url, f"HTTP://127.0.0.1:{port}/", f"http://127.0.0.1:{port}//", url + "/"]
            scenarios = {
                "wrong password": lambda cip: [config_for(folder, f"w{cip}", url, cip)],
                "refused after the page timeout (slow)": lambda cip: [
                    config_for(folder, f"s{cip}", url, cip, timeout="8s")],
                "one account, 4 URL spellings, 4 configs": lambda cip: [
                    config_for(folder, f"u{i}{cip}", spelling, cip)
                    for i, spelling in enumerate(spellings)],
            }  # fmt: skip
            print("| scenario | `run --once` runs | failed logins at the portal | locked |")
            print("| --- | --- | --- | --- |")
            started = time.monotonic()
            for name, configs in scenarios.items():
                cip = f"REL{secrets.token_hex(4).upper()}"
                created = admin.create_account(cip, PASSWORD, enrolled=True)
                seed_enrolled(Vault(folder / "vault"), Account(url, cip, PASSWORD), created)
                paths = configs(cip)
                if "slow" in name:
                    admin.set_faults(latency={"/connexion": 6})
                for run in range(runs):
                    if time.monotonic() - started > BUDGET_S:
                        break
                    print("  ", run_once(paths[run % len(paths)], env), file=sys.stderr)
                admin.clear_faults()
                time.sleep(7)  # a refusal held by the latency lands
                failed = [e for e in admin.audit(cip) if e["event"].endswith("_rejected")]
                locked = admin.account(cip)["locked"]
                print(f"| {name} | {runs} | {len(failed)} | {'yes' if locked else 'no'} |")


def guard_reset(runs: int) -> None:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        with sandbox_process(folder) as sandbox:
            url, admin = sandbox.url, sandbox.admin
            print("| store | runs before | runs after | failed logins at the portal | locked |")
            print("| --- | --- | --- | --- | --- |")
            for name, reset in RESETS.items():
                cip = f"REL{secrets.token_hex(4).upper()}"
                created = admin.create_account(cip, PASSWORD, enrolled=True)
                seed_enrolled(Vault(folder / "vault"), Account(url, cip, PASSWORD), created)
                config, store = config_for(folder, f"r{cip}", url, cip), folder / f"{name}.sqlite"
                for run in range(2 + runs):
                    if run == 2:
                        store = reset(store)
                    env = {**os.environ, "BENCH_PASSWORD": WRONG, "EESPRESSO_GUARD": str(store)}
                    print("  ", run_once(config, env), file=sys.stderr)
                failed = [e for e in admin.audit(cip) if e["event"].endswith("_rejected")]
                locked = admin.account(cip)["locked"]
                print(f"| {name} | 2 | {runs} | {len(failed)} | {'yes' if locked else 'no'} |")


def outbox(kills: int) -> None:
    delivered, duplicates = 0, 0
    started = time.monotonic()
    for _ in range(kills):
        if time.monotonic() - started > BUDGET_S:
            break
        with tempfile.TemporaryDirectory() as work, holding_hook() as hook:
            folder = Path(work)
            config = config_for(folder, "m", f"http://127.0.0.1:{free_port()}", "REL0001")
            text = config.read_text()
            text += ("[alerts]\nfailures_before_alert = 1\n"
                     f'channels = ["json://127.0.0.1:{hook.port}/hook?rto=60"]\n')  # fmt: skip
            config.write_text(text)
            env = {**os.environ, "BENCH_PASSWORD": PASSWORD,
                   "EESPRESSO_GUARD": str(folder / "g.sqlite")}  # fmt: skip
            argv = [sys.executable, "-m", "monitors", "run", "--config", str(config)]
            first = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)  # fmt: skip
            held = hook.arrived.wait(timeout=90)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
            hook.released.set()
            if held:
                run_once(config, env)
                time.sleep(1)
                delivered += len(hook.accepted) >= 1
                duplicates += max(0, len(hook.accepted) - 1)
    print(f"runner killed during delivery: {kills}; alert delivered after restart: {delivered};"
          f" duplicates: {duplicates}")  # fmt: skip


def scan() -> None:
    from playwright.sync_api import sync_playwright

    from pages.account import Account
    from pages.browser import launch_args
    from pages.journeys import first_access
    from pages.screens import LoginPage

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        artifacts = folder / "test-results"
        artifacts.mkdir()
        with sandbox_process(folder) as sandbox, sync_playwright() as playwright:
            url, admin = sandbox.url, sandbox.admin
            for cip in ("SCAN0001", "SCAN0002"):
                admin.create_account(cip, PASSWORD)
            browser = playwright.chromium.launch(**launch_args())
            context = browser.new_context()
            context.tracing.start(screenshots=True, snapshots=True)
            vault = Vault(folder / "vault")
            account = Account(url, "SCAN0001", PASSWORD, "Banc")
            first_access(context.new_page(), account, vault)
            context.tracing.stop(path=str(artifacts / "trace.zip"))
            page = browser.new_context().new_page()
            LoginPage.open(page, url).login("SCAN0002", PASSWORD)
            page.screenshot(path=str(artifacts / "test-failed-1.png"), full_page=True)
            browser.close()
        ledger = folder / "ledger.txt"
        uri = vault.get(url, "SCAN0001").account.to_uri()
        ledger.write_text(f"{PASSWORD}\n{uri}\n")
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "reports", "scan-secrets", str(artifacts), "--values-file",
             str(ledger)], cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        took = time.perf_counter() - started
        kinds: dict[str, int] = {}
        for line in done.stdout.splitlines():
            if line.startswith("FOUND"):
                kind = line.rsplit(": ", 1)[1]
                kinds[kind] = kinds.get(kind, 0) + 1
        size = sum(p.stat().st_size for p in artifacts.iterdir()) / 1024
        print(f"exit {done.returncode} in {took:.1f} s on {size:.0f} KiB;",
              done.stdout.splitlines()[-1])  # fmt: skip
        for kind, count in sorted(kinds.items()):
            print(f"  {kind}: {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("lockout").add_argument("--runs", type=int, default=6)
    sub.add_parser("guard-reset").add_argument("--runs", type=int, default=4)
    sub.add_parser("outbox").add_argument("--kills", type=int, default=5)
    sub.add_parser("scan")
    args = parser.parse_args()
    if args.command == "lockout":
        lockout(args.runs)
    elif args.command == "guard-reset":
        guard_reset(args.runs)
    elif args.command == "outbox":
        outbox(args.kills)
    else:
        scan()


if __name__ == "__main__":
    main()
