"""What a later login of ours costs next to a bare Playwright script doing the same steps.

Usage (from the repository root):

    .venv/bin/python bench/bench_bare.py                      # default sandbox, 10 samples
    .venv/bin/python bench/bench_bare.py --flavour keycloak   # eEspresso behind Keycloak
    .venv/bin/python bench/bench_bare.py --samples 20 --cold 6
    .venv/bin/python bench/bench_bare.py --traced 10          # what a kept trace costs

The bare script (``bench/bare_login.py``) is what anyone would write for the sandbox's later
login: open, fill CIP and password, submit, type the code pyotp computes from the known
secret, submit, see the home page, log out; nothing else (no recognition, no guard, no vault,
no Allure); cold, its process imports nothing else either. Ours is
``run_journey("later_login", ...)`` as the runner calls it (an account-guard attempt, the
monitor's limits, a fresh context of the warm browser), and ``python -m monitors login`` for
the cold case. Samples alternate ours / bare, so a change of load hits both alike, and the
script prints the ratios of one run and a Markdown table with the load average.

Warm: one browser, a fresh context per login. Cold: a new process per login (Python start,
imports, Chromium launch, login, exit). Each sample logs in as its own account the sandbox
enrolled beforehand, so no sample waits for a fresh TOTP step, except the scheduled-probe
case: there the start of each probe is chosen by the runner's alignment
(``monitors.alignment``), which is what makes a scheduled probe never wait for a code.
``--traced N``: N rounds of ours without timings nor trace, with timings, with a passing
probe's trace at each detail (``reports.trace_options``), and with a trace kept (``trace =
"on"``, what a failing probe pays); and the scrub of one first access's trace.

The sandbox runs as its own process so that its CPU is not counted; CPU per login is the
user + system time of this process and its browser's process tree (warm), or of the child
process and everything it waited for (cold). Every loop is bounded by a count.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere

from bare_login import LAUNCH_ENV, PASSWORD_ENV, SECRET_ENV, bare_login  # noqa: E402

from authenticator import Vault  # noqa: E402
from authenticator.guard import AccountGuard  # noqa: E402
from bench.support.accounts import new_cip, new_password, seed_enrolled  # noqa: E402
from monitors.config import Monitor  # noqa: E402
from pages import browser as chromium  # noqa: E402
from pages.account import Account  # noqa: E402
from pages.journeys import run_journey  # noqa: E402
from pages.profile import builtin  # noqa: E402
from pages.result import Limits  # noqa: E402
from reports.trace_options import DETAILS  # noqa: E402
from reports.tracing import Tracer  # noqa: E402
from sandbox.client import AdminClient  # noqa: E402

MAX_SAMPLES = 100
TICKS = os.sysconf("SC_CLK_TCK")


# --- the sandbox, in a process of its own ------------------------------------------------------


@dataclass(frozen=True)
class Portal:
    url: str
    admin: AdminClient
    pid: int


@contextmanager
def sandbox(flavour: str) -> Iterator[Portal]:
    """``python -m sandbox serve`` on a free port; its CPU is not this process's."""
    argv = [sys.executable, "-m", "sandbox", "serve", "--port", "0", "--flavour", flavour]
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        lines: dict[str, str] = {}
        assert process.stdout is not None
        for _ in range(10):
            line = process.stdout.readline()
            if not line or line.startswith("admin token:"):
                lines["token"] = line.split(":", 1)[1].strip() if line else ""
                break
            if line.startswith("eEspresso sandbox:"):
                lines["url"] = line.split(":", 1)[1].strip().rstrip("/")
            if line.startswith("identity server"):
                lines["idp"] = line.split(": ", 1)[1].split("/realms/")[0]
        if not lines.get("token") or "url" not in lines:
            raise SystemExit("the sandbox did not start: run python -m sandbox serve to see why")
        admin = AdminClient(lines.get("idp", lines["url"]), lines["token"])
        yield Portal(lines["url"], admin, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- measures ----------------------------------------------------------------------------------


def _tree_cpu(root: int, skip: int) -> float:
    """CPU seconds of ``root`` and its descendants (reaped children included), but ``skip``."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu = sum(int(value) for value in fields[11:15]) / TICKS  # utime stime cutime cstime
        stats[int(entry.name)] = (int(fields[1]), cpu)
    total, wanted = 0.0, {root}
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in stats.items():
            if ppid in wanted and pid not in wanted and pid != skip:
                wanted.add(pid)
                changed = True
    for pid in wanted:
        total += stats.get(pid, (0, 0.0))[1]
    return total


@dataclass
class Series:
    wall_ms: list[float]
    cpu_s: list[float]
    code_wait_ms: list[float]  # ours only: the wait for an unused TOTP step

    @classmethod
    def new(cls) -> Series:
        return cls([], [], [])

    def median(self) -> float:
        return statistics.median(self.wall_ms)

    def p95(self) -> float:
        ordered = sorted(self.wall_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def cpu(self) -> float:
        """CPU seconds per login: the run's total over its samples. The kernel counts each
        process's CPU in ticks of 10 ms, too coarse for a median of single logins."""
        return sum(self.cpu_s) / len(self.cpu_s)


def measure(series: Series, portal: Portal, work: Callable[[], None]) -> None:
    cpu = _tree_cpu(os.getpid(), portal.pid)
    started = time.perf_counter()
    work()
    series.wall_ms.append((time.perf_counter() - started) * 1000)
    series.cpu_s.append(_tree_cpu(os.getpid(), portal.pid) - cpu)


def _measure_child(series: Series, argv: list[str], env: dict[str, str]) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=180)  # fmt: skip
    series.wall_ms.append((time.perf_counter() - started) * 1000)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    series.cpu_s.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
        raise SystemExit(f"a cold sample failed ({argv[3] if len(argv) > 3 else argv}): {last[0]}")


class Bench:
    """Accounts, vault and guard of one run against one sandbox."""

    def __init__(self, portal: Portal, folder: Path, flavour: str) -> None:
        self.portal, self.folder, self.flavour = portal, folder, flavour
        self.vault = Vault(folder / "vault")
        self.guard = AccountGuard(folder / "guard.sqlite")
        self.profile = builtin("keycloak") if flavour == "keycloak" else None
        self.secrets: dict[str, str] = {}

    def account(self, enrolled: bool = True) -> Account:
        """A fresh account the sandbox enrolled, seeded in the vault (nothing used yet); or,
        not ``enrolled``, one whose first access is still to do."""
        account = Account(self.portal.url, new_cip("BENCH"), new_password())
        if self.profile is not None:
            account = replace(account, profile=self.profile)
        created = self.portal.admin.create_account(account.cip, account.password, enrolled=enrolled)
        if enrolled:
            self.secrets[account.cip] = created["secret"]
            seed_enrolled(self.vault, account, created)
            # As a probe's account after its first login: its entry names this guard store.
            self.vault.name_guard_store(account.base_url, account.cip, self.guard.store_id)
        return account

    def first_access_scrub_s(self, browser: Browser, folder: Path) -> float:
        """How long the scrub of a first access's trace takes (the QR, the key, the codes)."""
        tracer = Tracer(folder / "first-access.zip", "on")
        context = chromium.new_context(browser)
        try:
            page, account = context.new_page(), self.account(enrolled=False)
            result = run_journey("first_access", page, account, self.vault,
                                 limits=Limits(timeout_ms=30_000), trace=tracer)  # fmt: skip
        finally:
            context.close()
        if not result.ok:
            raise SystemExit(f"a first access of ours failed: {result.cause}: {result.error}")
        return tracer.scrub_s

    def ours(self, browser: Browser, account: Account, tracer: Tracer | None = None) -> None:
        context = chromium.new_context(browser)
        try:
            with self.guard.attempt(account, wait_s=30) as attempt:
                result = run_journey("later_login", context.new_page(), account, self.vault,
                                     limits=Limits(timeout_ms=30_000), attempt=attempt,
                                     trace=tracer)  # fmt: skip
        finally:
            context.close()
        if not result.ok:
            raise SystemExit(f"a login of ours failed: {result.cause}: {result.error}")
        self.last_wait_ms = result.code_wait_ms

    def bare(self, browser: Browser, account: Account) -> None:
        context = chromium.new_context(browser)
        try:
            secret = self.secrets[account.cip]
            bare_login(context.new_page(), account.base_url, account.cip, account.password,
                       secret, self.flavour)  # fmt: skip
        finally:
            context.close()

    def cold_ours(self, series: Series, account: Account) -> None:
        argv = [sys.executable, "-m", "monitors", "login", "--base-url", account.base_url,
                "--cip", account.cip, "--vault", str(self.vault.path)]  # fmt: skip
        if self.flavour == "keycloak":
            argv += ["--profile", "keycloak"]
        _measure_child(series, argv, {PASSWORD_ENV: account.password})

    def cold_bare(self, series: Series, account: Account) -> None:
        argv = [sys.executable, str(Path(__file__).with_name("bare_login.py")), account.base_url,
                account.cip, self.flavour]  # fmt: skip
        env = {PASSWORD_ENV: account.password, SECRET_ENV: self.secrets[account.cip],
               LAUNCH_ENV: json.dumps(chromium.launch_args())}  # fmt: skip
        _measure_child(series, argv, env)


def run(flavour: str, samples: int, cold: int, scheduled: int, traced: int) -> dict[str, Series]:
    runs = {name: Series.new() for name in ("ours", "bare", "cold_ours", "cold_bare")}
    for name in (*TRACED, "scrub", "first_access_scrub"):
        runs[name] = Series.new()
    runs["scheduled"], runs["unaligned"] = Series.new(), Series.new()
    with tempfile.TemporaryDirectory() as tmp, sandbox(flavour) as portal:
        bench = Bench(portal, Path(tmp), flavour)
        with sync_playwright() as playwright:
            browser = chromium.launch(playwright)
            try:
                bench.ours(browser, bench.account())  # warm-up of both, not counted
                bench.bare(browser, bench.account())
                for _ in range(samples):
                    for name in ("ours", "bare"):
                        account = bench.account()
                        work = getattr(bench, name)
                        measure(runs[name], portal, lambda w=work, a=account: w(browser, a))
                scheduled_probes(bench, browser, portal, runs, scheduled)
                traced_probes(bench, browser, portal, runs, traced, Path(tmp) / "traces")
            finally:
                browser.close()
        for _ in range(cold):
            bench.cold_ours(runs["cold_ours"], bench.account())
            bench.cold_bare(runs["cold_bare"], bench.account())
    return runs


def scheduled_probes(bench: Bench, browser: Browser, portal: Portal, runs, count: int) -> None:
    """Ours started at any moment (``unaligned``, as a journey outside the runner) and at the
    moment the runner's alignment picks (``scheduled``); the wait before the start is the
    scheduler's idle time, not the probe's, and is not counted."""
    from monitors.alignment import aligned_start

    for index in range(count):
        account = bench.account()
        otp = bench.vault.get(account.base_url, account.cip).account
        if index % 2:
            start = aligned_start(time.time(), otp.period, lead_s=1.0, used_step=None)
            time.sleep(max(0.0, start - time.time()))
            name = "scheduled"
        else:
            time.sleep((index * 7.3) % otp.period / 10)  # spread the starts over the step
            name = "unaligned"
        measure(runs[name], portal, lambda a=account: bench.ours(browser, a))
        runs[name].code_wait_ms.append(bench.last_wait_ms)


TRACED = ("untimed", "untraced", "actions", "snapshots", "screencast", "kept")


@contextmanager
def without_timings() -> Iterator[None]:
    """Ours without the per-step network timings and web vitals (``pages.network_watch``):
    the watch listens to no page and reads nothing, so the run records no timing."""
    import pages.steps
    from pages.network_watch import StepWatch

    pages.steps.StepWatch = lambda page: StepWatch(None)
    try:
        yield
    finally:
        pages.steps.StepWatch = StepWatch


def traced_probes(
    bench: Bench, browser: Browser, portal: Portal, runs, count: int, folder: Path
) -> None:
    """In turn: ours without a trace nor timings (``untimed``), without a trace
    (``untraced``), a passing probe under ``retain-on-failure`` at each detail (recorded, then
    dropped by the browser), and a trace of the monitors' default detail kept every time
    (``trace = "on"``: recorded, stopped, scrubbed, written: what a failing probe pays)."""
    for index in range(count):
        tracers = {"untimed": None, "untraced": None}
        for detail in DETAILS:
            tracers[detail] = Tracer(folder / f"{index}-{detail}.zip", "retain-on-failure",
                                     detail=detail)  # fmt: skip
        tracers["kept"] = Tracer(folder / f"{index}.zip", "on", detail=Monitor.trace_detail)
        for name, tracer in tracers.items():
            account = bench.account()
            with without_timings() if name == "untimed" else nullcontext():
                measure(runs[name], portal, lambda a=account, t=tracer: bench.ours(browser, a, t))
        runs["scrub"].wall_ms.append(tracers["kept"].scrub_s * 1000)
    if count:
        runs["first_access_scrub"].wall_ms.append(
            bench.first_access_scrub_s(browser, folder) * 1000
        )


def table(flavour: str, runs: dict[str, Series], command: str) -> str:
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    bare, cold_bare = runs["bare"], runs["cold_bare"]
    rows = [
        "| figure | ours | bare | ratio |",
        "| --- | --- | --- | --- |",
    ]

    def row(label: str, ours: float, base: float, unit: str = "ms", digits: int = 0) -> None:
        ratio = f"{ours / base:.2f}x" if base else "–"
        rows.append(f"| {label} | {ours:.{digits}f} {unit} | {base:.{digits}f} {unit} | {ratio} |")

    row("warm login, wall median", runs["ours"].median(), bare.median())
    row("warm login, wall p95", runs["ours"].p95(), bare.p95())
    row("warm login, CPU per login", runs["ours"].cpu(), bare.cpu(), "s", 3)
    if runs["scheduled"].wall_ms:
        row("scheduled probe, wall p95 (vs bare median)", runs["scheduled"].p95(), bare.median())
    if runs["unaligned"].wall_ms:
        row("unaligned probe, wall p95 (vs bare median)", runs["unaligned"].p95(), bare.median())
    for name in ("scheduled", "unaligned"):
        if runs[name].code_wait_ms:
            waits = runs[name].code_wait_ms
            rows.append(f"| {name} probe, wait for a code: max | {max(waits):.0f} ms | – | "
                        f"{sum(w > 0 for w in waits)} of {len(waits)} waited |")  # fmt: skip
    if runs["untimed"].wall_ms:
        untimed = runs["untimed"]
        for name, label in (
            ("untraced", "timings, no trace"),
            *((detail, f"timings, passing, retain-on-failure, `{detail}`") for detail in DETAILS),
            ("kept", f"timings, trace kept (`on`, `{Monitor.trace_detail}`)"),
        ):
            row(f"{label}: wall median (vs ours without either)", runs[name].median(),
                untimed.median())  # fmt: skip
            row(f"{label}: CPU per login (vs ours without either)", runs[name].cpu(),
                untimed.cpu(), "s", 3)  # fmt: skip
        rows.append(f"| its scrub, median / max | {runs['scrub'].median():.0f} ms / "
                    f"{max(runs['scrub'].wall_ms):.0f} ms | – | – |")  # fmt: skip
        rows.append(f"| the scrub of a first access's trace (`screencast`) | "
                    f"{runs['first_access_scrub'].median():.0f} ms | – | – |")  # fmt: skip
    if cold_bare.wall_ms:
        row("cold `monitors login`, wall median", runs["cold_ours"].median(), cold_bare.median())
        row("cold login, CPU per login", runs["cold_ours"].cpu(), cold_bare.cpu(), "s", 3)
    counts = ", ".join(f"{name} {len(s.wall_ms)}" for name, s in runs.items() if s.wall_ms)
    return (
        f"Sandbox `{flavour}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load "
        f"average {load} (1/5/15 min), samples: {counts}. Command: `{command}`\n\n"
        + "\n".join(rows)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flavour", choices=("eespresso", "keycloak"), default="eespresso")
    parser.add_argument("--samples", type=int, default=10, help="warm logins of each (max 100)")
    parser.add_argument("--cold", type=int, default=4, help="cold logins of each (max 100)")
    parser.add_argument("--scheduled", type=int, default=6, help="probes, half aligned")
    parser.add_argument(
        "--traced",
        type=int,
        default=0,
        help="logins of ours with a trace kept, each beside one without",
    )
    args = parser.parse_args(argv)
    clamp = lambda n: max(0, min(n, MAX_SAMPLES))  # noqa: E731
    runs = run(args.flavour, max(1, clamp(args.samples)), clamp(args.cold), clamp(args.scheduled),
               clamp(args.traced))  # fmt: skip
    command = ".venv/bin/python bench/bench_bare.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    print(table(args.flavour, runs, command.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
