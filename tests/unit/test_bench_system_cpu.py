"""``bench/system_cpu.py``: the machine's busy time around a command, A and B in turn."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "system_cpu.py"
# Some 0.6 s of one core's work: the machine's busy time holds at least that, however busy.
SPIN = "import time; t = time.process_time()\nwhile time.process_time() - t < 0.6: pass"
BUSY = f"{sys.executable} -c '{SPIN}'"


def system_cpu(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *argv], capture_output=True, text=True,
                          timeout=60)  # fmt: skip


def test_a_busy_command_costs_more_than_a_sleeping_one_and_each_run_is_printed():
    done = system_cpu("--a", BUSY, "--b", "sleep 0.3", "--runs", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:4]] == ["run 1 A", "run 1 B", "run 2 A",
                                                          "run 2 B"]  # fmt: skip
    assert all("exit 0 (load before: " in line for line in lines[:4])
    busy = {line[0]: float(line.split(", ")[1].split()[0]) for line in lines[4:6]}
    wall = {line[0]: float(line.split(": ")[1].split()[0]) for line in lines[4:6]}
    # The machine's busy time holds at least A's own CPU, at most every core for B's wall time.
    assert busy["A"] >= 0.5 and wall["B"] >= 0.3
    assert busy["B"] <= (os.cpu_count() or 1) * wall["B"] + 0.05
    assert lines[6].startswith("A/B busy core-s, median of the pairs: ")


def test_a_failed_run_is_no_figure_and_a_bad_count_is_one_line():
    failed = system_cpu("--a", "false", "--runs", "1")
    assert failed.returncode == 1 and "exit 1" in failed.stdout and "median" not in failed.stdout
    bad = system_cpu("--a", "true", "--runs", "0")
    assert bad.returncode == 2 and bad.stderr.strip().endswith("--runs: give 1 to 20")
