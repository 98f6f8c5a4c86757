"""Outage detection time: portal killed → alert at a webhook; portal back → recovery notice.

Each run starts a fresh sandbox process, a long-lived ``python -m monitors run`` with the
default settings (journey every 5 minutes, up-check every 15 s) and a local webhook, waits
for a passing journey, kills the sandbox with SIGKILL, times the alert, restarts the sandbox
on the same port, times the recovery notice (``bench/support/outage.py``). The target is
60 s for each. Runs are bounded in count and each wait in time. Usage:

    .venv/bin/python bench/bench_outage.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support.outage import measure_outage


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, choices=range(1, 11), metavar="1..10")
    args = parser.parse_args()
    alerts, recoveries = [], []
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as tmp:
            before = _load()
            times = measure_outage(Path(tmp))
        alerts.append(times.alert_s)
        recoveries.append(times.recovery_s)
        print(f"run {run}: alert {times.alert_s:5.1f} s  recovery {times.recovery_s:5.1f} s  "
              f"(load average before {before}, after {_load()})", flush=True)  # fmt: skip
    print(f"alert:    median {statistics.median(alerts):.1f} s, max {max(alerts):.1f} s")
    print(f"recovery: median {statistics.median(recoveries):.1f} s, max {max(recoveries):.1f} s")


if __name__ == "__main__":
    main()
