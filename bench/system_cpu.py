"""Wall time and the whole machine's CPU of a command, A and B in turn.

Usage (from the repository root):

    T="-q -p no:cacheprovider tests/e2e/test_later_login.py"
    .venv/bin/python bench/system_cpu.py --runs 2 \\
        --a "env EESPRESSO_CHROMIUM=/usr/bin/chromium .venv/bin/python -m pytest $T" \\
        --b ".venv/bin/python -m pytest $T"

A browser test's CPU is mostly Chromium's, and Chromium's processes are not all reaped by the
process that started them (a zygote's renderers, crash handlers), so the operating system's
accounting of a command's children misses part of it. This script reads the machine's busy
time instead (``/proc/stat``: every process, the kernel's work included), so it measures
truly only on a quiet machine: it prints the load average before each run, and each run's
exit status (a failed run's figures are no figures). Commands run in turn, A B A B …, so a
drift of the machine's speed hits both alike; every loop is bounded by ``--runs``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """Core-seconds the machine spent busy since boot (all but idle and I/O wait)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle, iowait = fields[3], fields[4]
    return (sum(fields[:8]) - idle - iowait) / TICKS


def run(command: str) -> tuple[float, float, int]:
    """Wall seconds, busy core-seconds and exit status of one run of ``command``."""
    busy, started = busy_seconds(), time.monotonic()
    done = subprocess.run(shlex.split(command), stdout=subprocess.DEVNULL, check=False)
    return time.monotonic() - started, busy_seconds() - busy, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", required=True, help="the command measured")
    parser.add_argument("--b", help="the command it is compared with")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (1-20)")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 20:
        parser.error("--runs: give 1 to 20")
    commands = {"A": args.a, **({"B": args.b} if args.b else {})}
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for number in range(args.runs):
        for name, command in commands.items():
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            wall, busy, status = run(command)
            print(f"run {number + 1} {name}: {wall:.1f} s wall, {busy:.1f} core-s busy, "
                  f"exit {status} (load before: {load})")  # fmt: skip
            if status == 0:
                figures[name].append((wall, busy))
    for name, rows in figures.items():
        if rows:
            wall = statistics.median(r[0] for r in rows)
            busy = statistics.median(r[1] for r in rows)
            print(f"{name} median of {len(rows)}: {wall:.1f} s wall, {busy:.1f} core-s busy")
    if args.b and figures["A"] and figures["B"]:
        ratio = [a[1] / b[1] for a, b in zip(figures["A"], figures["B"], strict=False)]
        print(f"A/B busy core-s, median of the pairs: {statistics.median(ratio):.2f}")
    return 0 if all(len(rows) == args.runs for rows in figures.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
