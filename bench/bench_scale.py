"""Capacity figures for docs/scale.md: CPU per probe, memory per browser and per context, and
the cold start of one probe in the container image.

CPU is counted, not inferred from wall time, so the figures hold on a loaded machine: the
user + system time of this process and of every process under it (Playwright's driver,
Chromium's browser, zygote, renderers and GPU processes), including the time of those already
exited (``cutime``/``cstime`` of their live parent, ``os.times()`` children for ours).
Memory is PSS (``/proc/PID/smaps_rollup``): Chromium's processes share most of their pages,
so a sum of RSS would count them several times. The sandbox runs as its own process and is
not counted: it stands for the portal. Every loop is bounded by a count and a time budget.

    .venv/bin/python bench/bench_scale.py cpu [--warm 20] [--cold 5]
    .venv/bin/python bench/bench_scale.py memory [--contexts 8]
    .venv/bin/python bench/bench_scale.py container [--runs 3]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright

from bench.bench_monitors import PASSWORD, PASSWORD_ENV, build
from bench.support.container import build_image, prepare, probe_in_container
from bench.support.processes import sandbox_process
from monitors.chromium import process_tree
from pages.browser import launch_args
from sandbox import running_sandbox

TICKS = os.sysconf("SC_CLK_TCK")
BUDGET_S = 900  # no phase runs longer than this, whatever the counts asked for
PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def cpu_seconds() -> float:
    """CPU time of this process, its reaped children and every live descendant."""
    own = os.times()
    total = own.user + own.system + own.children_user + own.children_system
    for pid in process_tree([os.getpid()])[1:]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile: its parent's cutime has it once it is reaped
        total += sum(int(f) for f in fields[11:15]) / TICKS  # utime stime cutime cstime
    return total


def pss_mib(pids: list[int]) -> float:
    total_kib = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total_kib += sum(int(line.split()[1]) for line in text.splitlines()
                         if line.startswith("Pss:"))  # fmt: skip
    return total_kib / 1024


def tree_pss_mib() -> float:
    return pss_mib(process_tree([os.getpid()]))


def become_subreaper() -> None:
    """Orphaned descendants (a Chromium process outliving its parent) become our children,
    so their CPU time reaches ``os.times()`` once reaped instead of being lost to init."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def reap_orphans(settle_s: float = 1.0) -> None:
    time.sleep(settle_s)
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def cpu(folder: Path, warm: int, cold: int) -> None:
    """CPU seconds per probe. Warm: a fresh context in a running browser (the long-lived
    runner). Cold: ``python -m monitors run --once`` of one monitor, as a CronJob pod runs it
    (Python start, Playwright driver, Chromium launch, the probe, close)."""
    become_subreaper()
    print(f"load average at start: {load_average()}", flush=True)
    deadline = time.monotonic() + BUDGET_S
    with sandbox_process(folder) as portal:
        url, admin = portal.url, portal.admin
        config, prober = build(folder, url, admin, accounts=warm + 1)
        monitors = list(config.monitors)
        prober.probe(monitors[0])  # launch the warm browser, not measured
        walls, used = [], cpu_seconds()
        for monitor in monitors[1:]:
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            record = prober.probe(monitor).record
            assert record.status == "ok", record.error
            walls.append(time.perf_counter() - started)
        reap_orphans()
        warm_cpu = (cpu_seconds() - used) / len(walls)
        prober.browser.close()
        cold_walls, used = [], cpu_seconds()
        for run in range(cold):
            if time.monotonic() > deadline:
                break
            one, _ = build(folder / f"cold{run}", url, admin, accounts=1)
            argv = [sys.executable, "-m", "monitors", "run", "--once", "--config", str(one.path)]
            started = time.perf_counter()
            done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)
            cold_walls.append(time.perf_counter() - started)
            assert done.returncode == 0, done.stdout + done.stderr
        reap_orphans()
        cold_cpu = (cpu_seconds() - used) / max(1, len(cold_walls))
    for name, walls_s, per in (("warm", walls, warm_cpu), ("cold", cold_walls, cold_cpu)):
        wall = statistics.median(walls_s)
        print(f"{name} probe: {len(walls_s)} probes, wall median {wall:.2f} s, CPU {per:.2f} s "
              f"per probe = {60 / per:.0f} probes per minute per core")  # fmt: skip
    print(f"load average at end: {load_average()}")


def memory(folder: Path, contexts: int) -> None:
    """PSS of Playwright's driver + an idle Chromium, then per concurrent context (one page
    on the portal's login page each, the first screen of every probe)."""
    print(f"load average at start: {load_average()}", flush=True)
    with running_sandbox() as portal, sync_playwright() as playwright:
        base = pss_mib([os.getpid()])
        driver = tree_pss_mib() - base
        browser = playwright.chromium.launch(**launch_args())
        time.sleep(2)  # let the GPU and utility processes settle
        warm = tree_pss_mib() - base
        opened, figures = [], []
        for _ in range(contexts):
            context = browser.new_context()
            page = context.new_page()
            page.goto(portal.url + "/", wait_until="load")
            opened.append(context)
            figures.append(tree_pss_mib() - base)
        processes = len(process_tree([os.getpid()])) - 1
        for context in opened:
            context.close()
        browser.close()
    per_context = (figures[-1] - warm) / contexts
    print(f"Python process (runner, Playwright client): {base:.0f} MiB PSS")
    print(f"Playwright driver: {driver:.0f} MiB; driver + idle Chromium (warm browser): "
          f"{warm:.0f} MiB PSS")  # fmt: skip
    print("with 1..N contexts open: " + ", ".join(f"{f:.0f}" for f in figures) + " MiB")
    print(f"per concurrent context: {per_context:.0f} MiB PSS ({contexts} contexts, "
          f"{processes} processes under the runner at the peak)")  # fmt: skip
    print(f"load average at end: {load_average()}")


def container(folder: Path, runs: int) -> None:
    """Wall time of ``podman run ... monitors run --once``: container start, Python start,
    Chromium launch, one later login, Chromium close, container removal."""
    print(build_image())
    print(f"load average at start: {load_average()}", flush=True)
    walls = []
    deadline = time.monotonic() + BUDGET_S
    with running_sandbox() as portal:
        for run in range(runs):
            if time.monotonic() > deadline:
                break
            where = folder / f"run{run}"
            prepare(where, portal, PASSWORD, "bench-container")
            probe = probe_in_container(where, PASSWORD)
            assert probe.returncode == 0 and probe.records[0].status == "ok", probe.output
            walls.append(probe.seconds)
            journey_ms = probe.records[0].duration_ms
            print(f"  run {run + 1}: {probe.seconds:.2f} s, journey {journey_ms:.0f} ms")
    print(f"cold start of one probe in the container: median {statistics.median(walls):.2f} s "
          f"over {len(walls)} runs (min {min(walls):.2f}, max {max(walls):.2f})")  # fmt: skip
    print(f"load average at end: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    cpu_p = sub.add_parser("cpu")
    cpu_p.add_argument("--warm", type=int, default=20)
    cpu_p.add_argument("--cold", type=int, default=5)
    mem_p = sub.add_parser("memory")
    mem_p.add_argument("--contexts", type=int, default=8)
    ctr_p = sub.add_parser("container")
    ctr_p.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ[PASSWORD_ENV] = PASSWORD
    with tempfile.TemporaryDirectory() as tmp:
        if args.what == "cpu":
            cpu(Path(tmp), args.warm, args.cold)
        elif args.what == "memory":
            memory(Path(tmp), args.contexts)
        else:
            container(Path(tmp), args.runs)


if __name__ == "__main__":
    main()
